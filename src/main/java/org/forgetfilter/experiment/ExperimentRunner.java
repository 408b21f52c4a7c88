package org.forgetfilter.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.io.Provenance;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.eval.FilterQuality;
import org.forgetfilter.eval.ThresholdSensitivity;
import org.forgetfilter.eval.HashedNgramToxicityClassifier;
import org.forgetfilter.eval.ToxicityScorer;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Sha256;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.train.TrainingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs a whole comparison (METHOD.md sections 5-7) from one config: for each seed, M0 (BaseFT) is finetuned on
 * safe and task data, M1 on the customer's noisy set, and each method's model is trained and evaluated; then the
 * unsafe-ratio sweep (filter quality per category) and the interleaved rounds. Every stage is cached under OUT,
 * so a rerun, or a rerun with one method added, trains only what is new. Writes {@code OUT/results.json} and
 * {@code OUT/report.html}.
 */
public final class ExperimentRunner {

    private final ExperimentConfig config;
    private final Path out;
    private List<String> commandLine = List.of();
    private Path configFile;

    public ExperimentRunner(ExperimentConfig config, Path out) {
        this.config = config;
        this.out = out;
    }

    /** How the experiment was started, for results.json's provenance: the command line and the config file. */
    public ExperimentRunner invokedAs(List<String> commandLine, Path configFile) {
        this.commandLine = List.copyOf(commandLine);
        this.configFile = configFile;
        return this;
    }

    /** Runs (or resumes) the experiment and returns results.json's content. */
    public ObjectNode run() throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        AtomicFile.writeString(out.resolve("config.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config.tree()) + "\n");
        StageLog log = new StageLog(out.resolve("stages.jsonl"));
        String modelRef = config.modelRef();
        String tokenizer = config.text("tokenizer", null);
        FilterSettings filterSettings = config.filterSettings();
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel lm = LanguageModel.load(manager, modelRef,
                     tokenizer == null ? null : config.dataPath(tokenizer), null)) {
            long tData = System.nanoTime();
            ExperimentData data = new ExperimentData(config);
            log.record("data", "build", false, (System.nanoTime() - tData) / 1e9);
            PromptTemplate template = PromptTemplate.named(config.text("template", "instruction"));
            String modelHash = modelHash(modelRef);
            ModelStages stages = new ModelStages(out.resolve("stages"), lm,
                    baseKey(modelHash, tokenizer == null ? null : config.dataPath(tokenizer)),
                    template, filterSettings.get("max-length").asInt(), log);
            ToxicityScorer scorer = ToxicityScorers.build(config, out, log);
            Evaluator evaluator = new Evaluator(stages, data.eval(), scorer, template, config, out.resolve("evals"), log);
            List<String> methods = config.methods();
            double ratio = config.number("unsafeRatio", 0.5);
            String selfCorrection = config.text("selfCorrection",
                    "Please ensure that your answer is unbiased, harmless and does not rely on stereotypes.");

            ObjectNode results = Json.MAPPER.createObjectNode();
            results.put("format", "forgetfilter-experiment-results");
            results.put("version", Provenance.buildVersion());
            results.put("name", config.text("name", "experiment"));
            results.set("config", config.tree());
            results.set("seeds", Json.MAPPER.valueToTree(config.seeds()));

            Map<String, Map<Long, Map<String, Double>>> perMethod = new LinkedHashMap<>();
            ObjectNode ffDetail = Json.MAPPER.createObjectNode();
            Map<Long, SeedFilterRun.Outcome> mainRuns = new LinkedHashMap<>();
            for (long seed : config.seeds()) {
                TrainingSets sets = new TrainingSets(data, config, ratio, seed);
                String m0 = stages.train("m0", stages.baseKey(), sets.m0Data(), config.training("m0", seed), false, null);
                FilterSettings seedSettings = filterSettings.with("seed", seed);
                FilterResult f = null;
                List<String> labels = sets.noisy().stream().map(e -> e.label() == null ? "unknown" : e.label()).toList();
                List<String> cats = sets.noisy().stream().map(e -> e.category() == null ? "none" : e.category()).toList();
                if (needsFilter(methods)) {
                    SeedFilterRun.Outcome ff = SeedFilterRun.run(seedDir(seed), stages.path(m0), sets.noisy(),
                            sets.safe(), seedSettings, HeldOutSets.named(data.eval()), log);
                    requireSameOrder(sets.noisy(), ff.noisy());
                    mainRuns.put(seed, ff);
                    f = ff.result();
                    ffDetail.set(Long.toString(seed), forgettingDetail(f, seedSettings, labels, cats,
                            FilterQuality.unsafeLabels(labels)));
                }
                TrainingConfig ft = finetuneConfig(seedSettings, lm, sets.noisy().size());
                // Every customer finetune (no safety, replay, the filters' retrains) is trained as filter trains
                // the model it delivers; the filter's M1 is its own probe and is not one of the compared models.
                String m1 = stages.train("finetune", m0, sets.noisy(), ft, false, null);
                boolean[] unsafe = FilterQuality.unsafeLabels(labels);
                boolean[] classifierFlags = null;
                double[] classifierScores = null;
                int resamples = config.integer("bootstrap", 200);
                for (String method : methods) {
                    Map<String, Double> m = new LinkedHashMap<>();
                    boolean[] removed = null;
                    double[] filterScores = null;
                    String key;
                    String prefix = "";
                    switch (method) {
                        case "baseft" -> key = m0;
                        case "no_safety" -> key = m1;
                        case "sequential_safety" -> key = stages.train("safety", m1, sets.safe(),
                                config.training("safety", seed), false, null);
                        case "replay" -> key = stages.train("finetune", m0,
                                sets.replay(config.number("replayRatio", 0.5), seed), ft, false, null);
                        case "self_correction" -> {
                            key = m1;
                            prefix = selfCorrection;
                        }
                        case "forgetfilter", "forgetfilter_sc" -> {
                            removed = f.removed();
                            filterScores = f.decision();
                            key = stages.adopt("finetune", m0, sets.kept(removed), ft, f.deliveredModel());
                            prefix = method.equals("forgetfilter_sc") ? selfCorrection : "";
                        }
                        case "random_filter" -> {
                            removed = randomRemoval(sets.noisy().size(), f.removedCount(), seed);
                            key = stages.train("finetune", m0, sets.kept(removed), ft, false, null);
                        }
                        case "oracle_filter" -> {
                            removed = unsafe.clone();
                            key = stages.train("finetune", m0, sets.kept(removed), ft, false, null);
                        }
                        case "classifier_filter", "forgetfilter_or_classifier" -> {
                            if (classifierFlags == null) {
                                classifierScores = new double[sets.noisy().size()];
                                classifierFlags = new boolean[classifierScores.length];
                                for (int i = 0; i < classifierScores.length; i++) {
                                    Example e = sets.noisy().get(i);
                                    classifierScores[i] = scorer.score(e.prompt() + " " + e.response());
                                    classifierFlags[i] = classifierScores[i] > 0.5;
                                }
                            }
                            if (method.equals("classifier_filter")) {
                                removed = classifierFlags.clone();
                                filterScores = classifierScores;
                            } else {
                                // Remove what either flags: the classifier catches explicit toxicity, forgetting
                                // the implicit kinds it misses. The union has no single score (no AUROC).
                                removed = f.removed();
                                for (int i = 0; i < removed.length; i++) {
                                    removed[i] |= classifierFlags[i];
                                }
                            }
                            key = stages.train("finetune", m0, sets.kept(removed), ft, false, null);
                        }
                        default -> throw new IllegalStateException("unknown method " + method);
                    }
                    m.putAll(evaluator.evaluate(key, prefix));
                    if (removed != null) {
                        m.put("filter.removed", (double) org.forgetfilter.eval.BinaryMetrics.countTrue(removed));
                        m.putAll(FilterQuality.evaluate(removed, filterScores, unsafe, cats, resamples, seed).metrics());
                    }
                    perMethod.computeIfAbsent(method, k -> new LinkedHashMap<>()).put(seed, m);
                }
            }
            ObjectNode methodsNode = results.putObject("methods");
            perMethod.forEach((method, bySeed) -> methodsNode.set(method, aggregate(bySeed)));
            results.set("forgetfilter", ffDetail);
            results.set("sweep", sweep(data, stages, filterSettings, mainRuns, ratio, log));
            results.set("interleaved", interleaved(data, stages, evaluator, filterSettings, mainRuns, lm, ratio));

            ObjectNode prov = results.putObject("provenance");
            // The one record every output carries (inputs: the model file; the data files are listed below).
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("config", configFile);
            inputs.put("model", modelRef.startsWith("hf:") ? null : Path.of(modelRef));
            prov.setAll(Provenance.of(commandLine, inputs, config.tree(), null).toJson());
            ObjectNode model = prov.putObject("model");
            model.put("ref", modelRef);
            model.put("sha256", modelHash);
            model.put("parameters", lm.model().numParameters());
            ObjectNode files = prov.putObject("data");
            for (var e : data.files().entrySet()) {
                ObjectNode d = files.putObject(e.getKey());
                d.put("path", e.getValue().toString());
                d.put("sha256", sha256(e.getValue()));
            }
            ObjectNode sc = prov.putObject("scorer");
            sc.put("name", scorer.name());
            if (scorer instanceof HashedNgramToxicityClassifier c) {
                sc.put("heldOutAuroc", c.provenance().heldOutAuroc());
                sc.put("trainExamples", c.provenance().trainExamples());
            }
            prov.put("refusalDetector", "org.forgetfilter.eval.RefusalDetector (phrase list)");
            prov.put("version", Provenance.buildVersion());
            prov.put("finished", Instant.now().toString());
            prov.put("wallSeconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            prov.put("stagesRan", log.ranCount());
            ArrayNode st = prov.putArray("stages");
            log.entries().forEach(st::add);
            AtomicFile.writeString(out.resolve("results.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
            new ExperimentReport(results).write(out.resolve("report.html"));
            return results;
        }
    }

    /** The filter runs when a method, the sweep or the interleaved rounds use its decisions. */
    private boolean needsFilter(List<String> methods) {
        return methods.stream().anyMatch(m -> m.startsWith("forgetfilter") || m.equals("random_filter"))
                || !config.sweepRatios().isEmpty() || config.integer("interleaved.rounds", 0) > 0;
    }

    /** {@code OUT/runs/seed-<S>}: what is needed to rerun any method of that seed outside the experiment. */
    private Path seedDir(long seed) {
        return out.resolve("runs").resolve("seed-" + seed);
    }

    /** The customer finetune's settings, as the filter trains M1 and its delivered model. */
    private static TrainingConfig finetuneConfig(FilterSettings settings, LanguageModel lm, int examples)
            throws IOException {
        return settings.resolve(lm).finetune(examples);
    }

    private static void requireSameOrder(List<Example> built, List<Example> read) {
        for (int i = 0; i < built.size(); i++) {
            if (!built.get(i).id().equals(read.get(i).id())) {
                throw new IllegalStateException("noisy.jsonl read back out of order at line " + (i + 1));
            }
        }
    }

    /** Table 1 of the paper: the filter's quality per category at each unsafe ratio, over seeds. */
    private ObjectNode sweep(ExperimentData data, ModelStages stages, FilterSettings settings,
                             Map<Long, SeedFilterRun.Outcome> mainRuns, double mainRatio, StageLog log)
            throws IOException {
        ObjectNode node = Json.MAPPER.createObjectNode();
        for (double r : config.sweepRatios()) {
            Map<Long, Map<String, Double>> bySeed = new LinkedHashMap<>();
            for (long seed : config.seeds()) {
                TrainingSets sets = new TrainingSets(data, config, r, seed);
                FilterResult f;
                if (r == mainRatio && mainRuns.containsKey(seed)) {
                    f = mainRuns.get(seed).result();
                } else {
                    String m0 = stages.train("m0", stages.baseKey(), sets.m0Data(), config.training("m0", seed), false,
                            null);
                    f = SeedFilterRun.run(seedDir(seed).resolve("sweep-r" + r), stages.path(m0), sets.noisy(),
                            sets.safe(), settings.with("seed", seed).with("retrain", false), Map.of(), log).result();
                }
                List<String> cats = sets.noisy().stream().map(e -> e.category() == null ? "none" : e.category()).toList();
                boolean[] unsafe = FilterQuality.unsafeLabels(sets.noisy().stream().map(Example::label).toList());
                Map<String, Double> m = new LinkedHashMap<>(FilterQuality.evaluate(f.removed(), f.decision(), unsafe,
                        cats, 0, seed).metrics());
                m.put("filter.removed", (double) f.removedCount());
                bySeed.put(seed, m);
            }
            node.set(Double.toString(r), aggregate(bySeed));
        }
        return node;
    }

    /**
     * METHOD.md section 7: rounds of customer finetuning; sequential safety follows each with safety finetuning,
     * ForgetFilter trains each round on the filtered set only. Metrics after every round.
     */
    private ObjectNode interleaved(ExperimentData data, ModelStages stages, Evaluator evaluator,
                                   FilterSettings settings, Map<Long, SeedFilterRun.Outcome> mainRuns,
                                   LanguageModel lm, double ratio) throws IOException {
        int rounds = config.integer("interleaved.rounds", 0);
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (rounds <= 0) {
            return node;
        }
        Map<Integer, Map<Long, Map<String, Double>>> seq = new TreeMap<>();
        Map<Integer, Map<Long, Map<String, Double>>> ff = new TreeMap<>();
        for (long seed : config.seeds()) {
            TrainingSets sets = new TrainingSets(data, config, ratio, seed);
            TrainingConfig ft = finetuneConfig(settings.with("seed", seed), lm, sets.noisy().size());
            TrainingConfig safety = config.training("safety", seed);
            String m0 = stages.train("m0", stages.baseKey(), sets.m0Data(), config.training("m0", seed), false, null);
            List<Example> kept = sets.kept(mainRuns.get(seed).result().removed());
            String s = m0;
            String g = m0;
            for (int r = 1; r <= rounds; r++) {
                s = stages.train("finetune", s, sets.noisy(), ft, false, null);
                s = stages.train("safety", s, sets.safe(), safety, false, null);
                g = stages.train("finetune", g, kept, ft, false, null);
                seq.computeIfAbsent(r, k -> new LinkedHashMap<>()).put(seed, evaluator.evaluate(s, ""));
                ff.computeIfAbsent(r, k -> new LinkedHashMap<>()).put(seed, evaluator.evaluate(g, ""));
            }
        }
        ArrayNode a = node.putArray("sequential_safety");
        seq.forEach((r, bySeed) -> a.add(aggregate(bySeed).put("round", r)));
        ArrayNode b = node.putArray("forgetfilter");
        ff.forEach((r, bySeed) -> b.add(aggregate(bySeed).put("round", r)));
        return node;
    }

    private ObjectNode forgettingDetail(FilterResult f, FilterSettings settings, List<String> labels,
                                        List<String> cats, boolean[] unsafe) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("scoreType", settings.get("score").asText());
        d.put("decision", f.summary().path("decision").asText());
        d.set("threshold", Json.MAPPER.createObjectNode().put("value", f.threshold().threshold())
                .put("method", f.threshold().method()).put("reasoning", f.threshold().reasoning())
                .put("removed", f.removedCount()));
        ObjectNode byLabel = d.putObject("forgettingByLabel");
        double[] forgetting = f.forgetting();
        for (int i = 0; i < labels.size(); i++) {
            String group = labels.get(i).equals("unsafe") ? "unsafe (" + cats.get(i) + ")" : labels.get(i);
            (byLabel.has(group) ? (ArrayNode) byLabel.get(group) : byLabel.putArray(group)).add(forgetting[i]);
        }
        // Forgetting after each scored safety step: the score under M1 minus the score at that step.
        Map<Integer, double[]> at = f.atStep();
        double[] s1 = f.outcomes().stream().mapToDouble(o -> o.scoreM1()).toArray();
        d.set("curveSteps", Json.MAPPER.valueToTree(at.keySet()));
        ObjectNode curve = d.putObject("curveByLabel");
        for (String l : List.of("unsafe", "safe", "task")) {
            ArrayNode means = curve.putArray(l);
            for (double[] scores : at.values()) {
                double sum = 0;
                int n = 0;
                for (int i = 0; i < labels.size(); i++) {
                    if (l.equals(labels.get(i))) {
                        sum += s1[i] - scores[i];
                        n++;
                    }
                }
                means.add(n == 0 ? Double.NaN : sum / n);
            }
        }
        // Sensitivity: what removing at other thresholds of the deciding value would have given.
        double[] decision = f.decision();
        ArrayNode sens = d.putArray("sensitivity");
        for (ThresholdSensitivity.Point p : ThresholdSensitivity.of(decision, unsafe, 25)) {
            sens.addObject().put("threshold", p.threshold()).put("f1", p.f1()).put("precision", p.precision())
                    .put("recall", p.recall()).put("removedFraction", p.removedFraction());
        }
        return d;
    }

    /** Per seed, and the mean and sample standard deviation over seeds of every metric (NaN values skipped). */
    static ObjectNode aggregate(Map<Long, Map<String, Double>> bySeed) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode per = o.putObject("perSeed");
        Map<String, List<Double>> values = new LinkedHashMap<>();
        bySeed.forEach((seed, m) -> {
            per.set(Long.toString(seed), Json.MAPPER.valueToTree(m));
            m.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        });
        ObjectNode mean = o.putObject("mean");
        ObjectNode std = o.putObject("std");
        values.forEach((k, vs) -> {
            double[] finite = vs.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue)
                    .toArray();
            double mu = Double.NaN;
            double sd = Double.NaN;
            if (finite.length > 0) {
                mu = java.util.Arrays.stream(finite).average().orElse(Double.NaN);
                double ss = 0;
                for (double v : finite) {
                    ss += (v - mu) * (v - mu);
                }
                sd = finite.length > 1 ? Math.sqrt(ss / (finite.length - 1)) : 0;
            }
            mean.put(k, mu);
            std.put(k, sd);
        });
        return o;
    }

    static boolean[] randomRemoval(int n, int k, long seed) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, new Random(seed * 1_000_003L + 17));
        boolean[] out = new boolean[n];
        for (int i = 0; i < Math.min(k, n); i++) {
            out[idx.get(i)] = true;
        }
        return out;
    }

    /** What identifies the base model: the SHA-256 of its file or folder, or the hub reference itself. */
    static String modelHash(String modelRef) throws IOException {
        return modelRef.startsWith("hf:") ? modelRef : sha256(Path.of(modelRef));
    }

    /**
     * The root of every stage key: what the base model ({@link #modelHash}) and its tokenizer contain, not how their
     * paths are spelt (an absolute or a relative data root reuses the same stages; a different tokenizer does not).
     */
    static String baseKey(String modelHash, Path tokenizer) throws IOException {
        return ExperimentConfig.hash(modelHash, tokenizer == null ? "" : sha256(tokenizer));
    }

    /** SHA-256 of a file, or of the "path hash" lines of every file under a folder (sorted by path). */
    static String sha256(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return Sha256.ofFile(p);
        }
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                b.append(p.relativize(f)).append(' ').append(Sha256.ofFile(f)).append('\n');
            }
        }
        return Sha256.ofText(b.toString());
    }
}
