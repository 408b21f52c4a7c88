package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.eval.ModelProbe;
import org.forgetfilter.eval.RougeOne;
import org.forgetfilter.forget.ThresholdChoice;
import org.forgetfilter.forget.ThresholdMethod;
import org.forgetfilter.infer.ResponseScore;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.train.TrainingConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ForgetFilter (METHOD.md) on the experiment's own cached stages: s1 = each noisy example's score under M1, then
 * M1 is safety-finetuned for {@code safetySteps} on the safe set (that model is the sequential-safety baseline,
 * trained once for both), s2 = the score after it, f = s1 - s2, and a {@link ThresholdMethod} picks the examples
 * to remove. Scores: {@code loglik} (mean per-token log-likelihood of the response, teacher forced; cheap) or
 * {@code rouge1} (the paper's: ROUGE-1 F of the greedy completion against the response). Every
 * {@code scoreEvery} safety steps f is measured too, giving the forgetting curve. Results are cached as
 * {@code OUT/stages/forgetting-<key>.json}.
 */
public final class StagedForgetFilter implements ForgetFilterBackend {
    private final ModelStages stages;
    private final PromptTemplate template;
    private final TrainingConfig safety;
    private final String scoreType;
    private final int scoreEvery;
    private final ThresholdMethod thresholdMethod;
    private final String thresholdSpec;
    private final int maxLength;
    private final int batchSize;
    private final int maxNewTokens;
    private final Path dir;
    private final StageLog log;

    public StagedForgetFilter(ModelStages stages, PromptTemplate template, ExperimentConfig config, Path dir,
                              StageLog log, long seed) {
        this.stages = stages;
        this.template = template;
        this.safety = config.training("safety", seed);
        this.scoreType = config.at("forgetfilter.score").asText("loglik");
        if (!scoreType.equals("loglik") && !scoreType.equals("rouge1")) {
            throw new IllegalArgumentException("forgetfilter.score must be loglik or rouge1, got " + scoreType);
        }
        this.scoreEvery = config.integer("forgetfilter.scoreEvery", 0);
        this.thresholdSpec = config.at("forgetfilter.threshold").asText("auto");
        this.thresholdMethod = ThresholdMethod.parse(thresholdSpec);
        this.maxLength = config.integer("maxLength", 256);
        this.batchSize = config.integer("evalBatchSize", 16);
        this.maxNewTokens = config.integer("generation.maxNewTokens", 24);
        this.dir = dir;
        this.log = log;
    }

    @Override
    public Forgetting run(String m0Key, String noisyModelKey, List<Example> noisy, List<Example> safe, long seed)
            throws IOException {
        String key = ExperimentConfig.hash(noisyModelKey, TrainingSets.idsHash(noisy), TrainingSets.idsHash(safe),
                safety.toString(), scoreType, scoreEvery, thresholdSpec, template.name(), maxLength, maxNewTokens);
        Path file = dir.resolve("forgetting-" + key + ".json");
        boolean modelCached = stages.cached("safety", noisyModelKey, safe, safety);
        if (Files.isRegularFile(file) && modelCached) {
            long start = System.nanoTime();
            Forgetting f = read(Json.MAPPER.readTree(file.toFile()), noisy.size());
            stages.train("safety", noisyModelKey, safe, safety, false, null);
            log.record("forgetting", key, true, (System.nanoTime() - start) / 1e9);
            return f;
        }
        long start = System.nanoTime();
        stages.activate(noisyModelKey);
        double[] s1 = score(noisy);
        List<Integer> steps = new ArrayList<>();
        List<double[]> curve = new ArrayList<>();
        String m2 = stages.train("safety", noisyModelKey, safe, safety, true, rec -> {
            if (scoreEvery > 0 && rec.step() % scoreEvery == 0) {
                double[] s = score(noisy);
                double[] f = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    f[i] = s1[i] - s[i];
                }
                steps.add(rec.step());
                curve.add(f);
            }
        });
        stages.activate(m2);
        double[] s2 = score(noisy);
        double[] f = new double[s1.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = s1[i] - s2[i];
        }
        if (steps.isEmpty() || steps.get(steps.size() - 1) != safety.totalSteps(safe.size())) {
            steps.add(safety.totalSteps(safe.size()));
            curve.add(f);
        }
        ThresholdChoice choice = thresholdMethod.choose(f);
        Forgetting out = new Forgetting(m2, s1, s2, f, steps.stream().mapToInt(Integer::intValue).toArray(),
                curve.toArray(new double[0][]), choice, choice.flagged(), scoreType, "staged");
        Files.createDirectories(dir);
        AtomicFile.writeString(file, Json.MAPPER.writeValueAsString(toJson(out, noisy)) + "\n");
        log.record("forgetting", key, false, (System.nanoTime() - start) / 1e9);
        return out;
    }

    private double[] score(List<Example> noisy) {
        ModelProbe probe = new ModelProbe(stages.model(), template, maxLength, batchSize, "");
        double[] out = new double[noisy.size()];
        if (scoreType.equals("loglik")) {
            List<PromptTemplate.Rendered> items = noisy.stream().map(probe::render).toList();
            List<ResponseScore> s = probe.score(items);
            for (int i = 0; i < out.length; i++) {
                out[i] = s.get(i).loglikMean();
            }
        } else {
            List<String> said = probe.answer(noisy, maxNewTokens, List.of());
            RougeOne rouge = RougeOne.withStemmer();
            for (int i = 0; i < out.length; i++) {
                out[i] = rouge.fmeasure(noisy.get(i).response(), RougeOne.cleanCompletion(said.get(i)));
            }
        }
        return out;
    }

    static ObjectNode toJson(Forgetting f, List<Example> noisy) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("safetyModelKey", f.safetyModelKey());
        o.put("scoreType", f.scoreType());
        o.put("backend", f.backend());
        o.set("threshold", Json.MAPPER.valueToTree(f.threshold()));
        o.set("curveSteps", Json.MAPPER.valueToTree(f.curveSteps()));
        o.set("curve", Json.MAPPER.valueToTree(f.curve()));
        ArrayNode ex = o.putArray("examples");
        for (int i = 0; i < noisy.size(); i++) {
            ObjectNode e = ex.addObject();
            e.put("id", noisy.get(i).id());
            e.put("label", noisy.get(i).label());
            e.put("category", noisy.get(i).category());
            e.put("s1", f.s1()[i]);
            e.put("s2", f.s2()[i]);
            e.put("forgetting", f.forgetting()[i]);
            e.put("removed", f.removed()[i]);
        }
        return o;
    }

    static Forgetting read(JsonNode o, int n) {
        JsonNode ex = o.get("examples");
        if (ex == null || ex.size() != n) {
            throw new UncheckedIOException(new IOException("cached forgetting scores do not match the noisy set"));
        }
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        double[] f = new double[n];
        boolean[] removed = new boolean[n];
        for (int i = 0; i < n; i++) {
            s1[i] = ex.get(i).get("s1").asDouble();
            s2[i] = ex.get(i).get("s2").asDouble();
            f[i] = ex.get(i).get("forgetting").asDouble();
            removed[i] = ex.get(i).get("removed").asBoolean();
        }
        JsonNode t = o.get("threshold");
        java.util.Map<String, Double> params = new java.util.LinkedHashMap<>();
        t.path("parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asDouble()));
        ThresholdChoice choice = new ThresholdChoice(t.path("threshold").asDouble(), t.path("method").asText(),
                t.path("reasoning").asText(), params, removed);
        int[] steps = Json.MAPPER.convertValue(o.get("curveSteps"), int[].class);
        double[][] curve = Json.MAPPER.convertValue(o.get("curve"), double[][].class);
        return new Forgetting(o.get("safetyModelKey").asText(), s1, s2, f, steps, curve, choice, removed,
                o.get("scoreType").asText(), o.get("backend").asText());
    }
}
