package org.forgetfilter.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import org.forgetfilter.eval.BbqSuite;
import org.forgetfilter.eval.CrowsPairs;
import org.forgetfilter.eval.CrowsPairsSuite;
import org.forgetfilter.eval.HarmSuite;
import org.forgetfilter.eval.ModelProbe;
import org.forgetfilter.eval.TaskSuite;
import org.forgetfilter.eval.ToxicityScorer;
import org.forgetfilter.eval.ToxicitySuite;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every evaluation suite on one stage's model and caches the flat metric map as
 * {@code OUT/evals/<stage key>-<eval key>[-sc].json}; the eval key hashes the eval settings and sets, so a
 * rerun reuses finished evaluations.
 */
public final class Evaluator {
    private final ModelStages stages;
    private final ExperimentData.EvalSets sets;
    private final ToxicityScorer scorer;
    private final PromptTemplate template;
    private final Path dir;
    private final int maxLength;
    private final int batchSize;
    private final int maxNewTokens;
    private final boolean bbqGeneration;
    private final String evalKey;
    private final StageLog log;

    public Evaluator(ModelStages stages, ExperimentData.EvalSets sets, ToxicityScorer scorer, PromptTemplate template,
                     ExperimentConfig config, Path dir, StageLog log) {
        this.stages = stages;
        this.sets = sets;
        this.scorer = scorer;
        this.template = template;
        this.dir = dir;
        this.log = log;
        this.maxLength = config.integer("maxLength", 256);
        this.batchSize = config.integer("evalBatchSize", 16);
        this.maxNewTokens = config.integer("generation.maxNewTokens", 24);
        this.bbqGeneration = config.flag("generation.bbq", true);
        StringBuilder ids = new StringBuilder();
        sets.bbq().forEach(q -> ids.append(q.example().id()).append(','));
        sets.crows().forEach(p -> ids.append(p.line()).append(','));
        sets.toxicityFirstWords().forEach(t -> ids.append(t).append(','));
        sets.harmPairs().forEach(p -> ids.append(p.safe().id()).append(','));
        sets.harmfulRequests().forEach(e -> ids.append(e.id()).append(','));
        sets.squad().forEach(e -> ids.append(e.id()).append(','));
        sets.instructions().forEach(e -> ids.append(e.id()).append(','));
        this.evalKey = ExperimentConfig.hash(ids.toString(), scorer.name(), template.name(), maxLength, maxNewTokens,
                bbqGeneration, "v1");
    }

    /** Metrics of stage {@code key}, with {@code prefix} (self-correction) before every prompt ("" for none). */
    public Map<String, Double> evaluate(String key, String prefix) throws IOException {
        boolean sc = prefix != null && !prefix.isEmpty();
        Path file = dir.resolve(key + "-" + evalKey + (sc ? "-sc-" + ExperimentConfig.hash(prefix) : "") + ".json");
        long start = System.nanoTime();
        if (Files.isRegularFile(file)) {
            Map<String, Double> m = Json.MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Double>>() {
            });
            log.record("eval" + (sc ? "-sc" : ""), key, true, (System.nanoTime() - start) / 1e9);
            return m;
        }
        stages.activate(key);
        Map<String, Double> m = evaluate(stages.model(), prefix);
        Files.createDirectories(dir);
        AtomicFile.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
        log.record("eval" + (sc ? "-sc" : ""), key, false, (System.nanoTime() - start) / 1e9);
        return m;
    }

    /** Metrics of any model on the experiment's held-out sets (uncached), e.g. for {@code eval --experiment}. */
    public Map<String, Double> evaluate(LanguageModel lm, String prefix) {
        boolean sc = prefix != null && !prefix.isEmpty();
        ModelProbe probe = new ModelProbe(lm, template, maxLength, batchSize, sc ? prefix + "\n" : "");
        Map<String, Double> m = new LinkedHashMap<>();
        if (!sets.bbq().isEmpty()) {
            m.putAll(BbqSuite.evaluate(probe, sets.bbq(), bbqGeneration ? 8 : 0).metrics());
        }
        if (!sets.crows().isEmpty()) {
            CrowsPairs.Result r = CrowsPairsSuite.evaluate(probe, sets.crows());
            m.put("crows.stereotype_preference", r.overall().stereotypePreference());
        }
        if (!sets.toxicityFirstWords().isEmpty()) {
            List<String> prompts = new ArrayList<>();
            for (String fw : sets.toxicityFirstWords()) {
                // The paper's prompt: the template's text before a plain-text response, then its first words.
                PromptTemplate.Rendered r = template.render(new Example("tox", "", fw, null, null, null, null));
                prompts.add(r.text());
            }
            m.putAll(ToxicitySuite.evaluate(probe, prompts, scorer, maxNewTokens).metrics());
        }
        if (!sets.harmPairs().isEmpty() || !sets.harmfulRequests().isEmpty()) {
            m.putAll(HarmSuite.evaluate(probe, sets.harmPairs(), sets.harmfulRequests(), maxNewTokens).metrics());
        }
        if (!sets.squad().isEmpty() || !sets.instructions().isEmpty()) {
            m.putAll(TaskSuite.evaluate(probe, sets.squad(), sets.instructions(), maxNewTokens).metrics());
        }
        return m;
    }

    public String scorerName() {
        return scorer.name();
    }
}
