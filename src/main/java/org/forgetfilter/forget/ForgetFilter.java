package org.forgetfilter.forget;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.forgetfilter.checkpoint.PeftAdapter;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Provenance;
import org.forgetfilter.io.Sha256;
import org.forgetfilter.train.AdamW;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.StepRecord;
import org.forgetfilter.train.Trainer;
import org.forgetfilter.train.TrainingConfig;

/**
 * The ForgetFilter pipeline (Zhao et al., ICML 2024; METHOD.md section 2), as cached stages under {@code outDir}:
 * <ol>
 *   <li>{@code finetune_m1}: finetune M0 on the customer data -> M1 (saved in stages/m1);</li>
 *   <li>{@code scores_m1}: score every example under M1;</li>
 *   <li>{@code proximity} (unless switched off): how close each example's prompt is to the review set, under M1
 *       ({@link ReviewProximity});</li>
 *   <li>{@code safety}: finetune M1 on the safe review set for t steps, scoring every example at each
 *       {@code scoreAt} step (forgetting curves);</li>
 *   <li>forgetting = score under M1 - score after the last safety step;</li>
 *   <li>a threshold on forgetting × proximity weight (or on forgetting alone) splits the data into kept and
 *       removed (labels are never read here);</li>
 *   <li>{@code retrain}: finetune M0 (not M1) on the kept examples -> the delivered model in {@code model/}.</li>
 * </ol>
 * A rerun with the same inputs and settings reuses every finished stage; changing only the threshold reruns
 * nothing but steps 4-5.
 */
public final class ForgetFilter {
    private final FilterConfig cfg;
    private final Path out;
    private final SafetyStepObserver observer;
    private int releasedComparison;
    private boolean stopOnWarnings;
    private boolean annotate;
    private Provenance provenance;

    /** Called after every optimizer step of the trial safety finetune (tests use it to simulate a crash). */
    @FunctionalInterface
    public interface SafetyStepObserver {
        void afterSafetyStep(int step);
    }

    public ForgetFilter(FilterConfig cfg, Path outDir) {
        this(cfg, outDir, step -> { });
    }

    /**
     * Also times the released code's scoring (batch 1, 500 new tokens) on {@code n} examples under M1, so that
     * timings.json compares it with this run's scoring (scoring_benchmark).
     */
    public ForgetFilter compareReleasedScoring(int n) {
        this.releasedComparison = n;
        return this;
    }

    /**
     * Stops before the retrain when a trust check fires ({@link TrustChecks}; {@code filter --strict}): the outputs of
     * the finished stages (scores.jsonl, kept/removed.jsonl, summary.json with the warnings, report.html) are
     * written, the delivered model is not made, and the result says so ({@link FilterResult#stoppedBeforeRetrain}).
     */
    public ForgetFilter stopOnWarnings(boolean stop) {
        this.stopOnWarnings = stop;
        return this;
    }

    /**
     * Also writes annotated.jsonl: every input record (its own JSON object; the canonical one for records read from
     * other formats or built in memory) with a {@code forgetfilter} object holding what the filter measured and
     * decided for it ({@link ExampleOutcome#annotation}).
     */
    public ForgetFilter annotate(boolean on) {
        this.annotate = on;
        return this;
    }

    /**
     * How this run was started (command line, input files, effective settings), recorded in summary.json, the stage
     * records and the delivered model's folder. Without it the record says the filter was called as a library and
     * gives {@link FilterConfig#toJson} as the configuration.
     */
    public ForgetFilter provenance(Provenance p) {
        this.provenance = p;
        return this;
    }

    public ForgetFilter(FilterConfig cfg, Path outDir, SafetyStepObserver observer) {
        this.cfg = cfg;
        this.out = outDir;
        this.observer = observer;
    }

    /** The stages of a run, in order ({@code filter --stage NAME} runs up to and including NAME). */
    public static final List<String> STAGES = List.of("finetune_m1", "scores_m1", "proximity", "safety", "decide",
            "retrain");

    /** What {@link #runUpTo} did: the stage it stopped after, the shard (null: all examples), the stages reused. */
    public record StagesRun(String stoppedAfter, Shard shard, List<String> reused) {
    }

    /**
     * Runs (or resumes) the pipeline and writes scores.jsonl, kept.jsonl, removed.jsonl, summary.json, timings.json,
     * report.html and model/ into the output folder. {@code m0} is only read: every stage starts from a copy of its
     * weights. The trust checks ({@link TrustChecks}) run before the retrain; {@link FilterResult#warnings} holds
     * what they found.
     */
    public FilterResult run(LanguageModel m0, List<Example> data, List<Example> safe, boolean fresh) throws IOException {
        return pipeline(m0, data, safe, fresh, null, null);
    }

    /**
     * Runs (or resumes) the pipeline up to and including {@code stage} and stops there: the stage records are
     * written, the outputs of a whole run are not ({@code stage} "retrain" is a whole run). With a {@code shard},
     * {@code stage} must be one of the per-example stages ({@link ShardMerge#STAGES}); M1 must already be trained
     * in this folder; and the per-example stages up to {@code stage} are computed for the shard's examples only,
     * into shard records that {@link ShardMerge} joins.
     */
    public StagesRun runUpTo(String stage, Shard shard, LanguageModel m0, List<Example> data, List<Example> safe,
                             boolean fresh) throws IOException {
        if (!STAGES.contains(stage)) {
            throw new IllegalArgumentException("no stage '" + stage + "'; the stages are " + STAGES);
        }
        if (shard != null && !ShardMerge.STAGES.contains(stage)) {
            throw new IllegalArgumentException("stage " + stage + " cannot run on a shard; the per-example stages "
                    + "are " + ShardMerge.STAGES);
        }
        if (stage.equals("proximity") && !cfg.reviewWeighted()) {
            throw new IllegalArgumentException("stage proximity is not part of this run (review weighting is off)");
        }
        if (shard != null && fresh) {
            throw new IllegalArgumentException("a shard run cannot start fresh: it reuses M1 from the folder");
        }
        List<String> reused = new ArrayList<>();
        FilterResult r = pipeline(m0, data, safe, fresh, stage, shard, reused);
        return new StagesRun(r == null ? stage : "retrain", shard, reused);
    }

    private FilterResult pipeline(LanguageModel m0, List<Example> data, List<Example> safe, boolean fresh,
                                  String stopAfter, Shard shard) throws IOException {
        return pipeline(m0, data, safe, fresh, stopAfter, shard, new ArrayList<>());
    }

    /** The per-example stage's input: all examples, or the shard's (positions into the data, ascending). */
    private record Part(int[] positions, List<Example> examples, Encoded encoded, List<int[]> groups) {
        static Part of(int[] positions, List<Example> data, Encoded all) {
            List<Example> ex = new ArrayList<>(positions.length);
            for (int p : positions) {
                ex.add(data.get(p));
            }
            return new Part(positions, ex, all.subset(positions),
                    Shard.groups(ex.stream().map(Example::id).toList()));
        }

        List<String> ids() {
            return examples.stream().map(Example::id).toList();
        }
    }

    /** One per-example stage's compute step, on all examples or a shard's. */
    @FunctionalInterface
    private interface PartComputation {
        ObjectNode compute(Part part) throws IOException;
    }

    /**
     * A per-example stage: on all examples, through the runner (null never returned); on a shard, into the shard's
     * record (reused when present with the same key), returning null, as the stage's result is not whole.
     */
    private static ObjectNode perExample(StageRunner runner, String name, String key, Shard shard, Part part,
                                         int total, PartComputation compute) throws IOException {
        if (shard == null) {
            return runner.run(name, key, true, () -> compute.compute(part), n -> n, n -> n);
        }
        runner.runShard(name, key, shard, part.ids(), part.positions(), total, () -> compute.compute(part));
        return null;
    }

    private FilterResult pipeline(LanguageModel m0, List<Example> data, List<Example> safe, boolean fresh,
                                  String stopAfter, Shard shard, List<String> reusedOut) throws IOException {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("the customer data set is empty");
        }
        if (safe.isEmpty()) {
            throw new IllegalArgumentException("the safe review set is empty");
        }
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        Files.createDirectories(out);
        Provenance prov = provenance != null ? provenance
                : Provenance.of(List.of(), Map.of(), cfg.toJson(), cfg.seed());
        StageStore store = new StageStore(out.resolve("stages"));
        if (fresh) {
            store.clear();
        }
        store.provenance(prov.toJson());
        StageRunner runner = new StageRunner(store, Map.of(
                "finetune_m1", "M1: M0 finetuned on the " + data.size() + " customer examples",
                "scores_m1", "every customer example scored under M1",
                "proximity", "closeness of each prompt to the " + safe.size() + " review prompts, under M1",
                "safety", "M2: M1 finetuned on the review set for " + cfg.safetySteps() + " steps, scored at steps "
                        + cfg.scoreAt(),
                "decide", "forgetting, threshold, removals",
                "retrain", "the delivered model: M0 finetuned on the kept examples"));
        // M0's weights stay where they are (native memory, read only); each training stage works on a native copy
        int maxLength = Math.min(cfg.maxLength(), m0.model().config().maxPositions());
        SequenceEncoder enc = new SequenceEncoder(m0.tokenizer(), maxLength, true);
        Encoded customer = Encoded.of(data, cfg.template(), enc, cfg.maxNewTokens());
        ObjectNode truncation = truncation(enc, maxLength, data.size());
        if (enc.truncatedCount() > 0) {
            System.err.printf("forgetfilter: %d of %d customer examples are longer than %d tokens and were cut: %d lost "
                            + "the tail of their response, %d the head of their prompt (see summary.json truncation)%n",
                    enc.truncatedCount(), data.size(), maxLength, enc.responseCuts(), enc.promptCuts());
        }
        Encoded review = Encoded.of(safe, cfg.template(), new SequenceEncoder(m0.tokenizer(), maxLength, true),
                cfg.maxNewTokens());

        String dataKey = hashRaw(data);
        String safeKey = hashRaw(safe);
        String modelKey = Sha256.ofText(m0.source() + "|" + m0.model().config());
        String key1 = Sha256.ofText("m1|" + modelKey + "|" + dataKey + "|" + cfg.probeKey());
        // The batching is part of the scores (padding changes their last bits): batches form inside the id buckets.
        String key2 = Sha256.ofText("scores|" + key1 + "|" + cfg.scoringKey() + "|batch-buckets=" + Shard.BUCKETS);
        String keyP = Sha256.ofText("proximity|" + ReviewProximity.METHOD + "|" + key2 + "|" + safeKey);
        String key3 = Sha256.ofText("safety|" + key2 + "|" + safeKey + "|" + cfg.safety() + "|" + cfg.safetySteps()
                + "|" + cfg.scoreAt());
        String keyD = Sha256.ofText("decide|" + key3 + "|" + (cfg.reviewWeighted() ? keyP : "unweighted") + "|"
                + cfg.threshold());
        ObjectNode trainStats = Json.MAPPER.createObjectNode();
        ExampleScorer scorer = new ExampleScorer(cfg.score(), cfg.scoreBatch(), cfg.maxNewTokens());
        Path m1Dir = store.dir().resolve("m1");
        if (shard != null && (store.find("finetune_m1", key1) == null || !Files.isDirectory(m1Dir))) {
            throw new IllegalStateException(out + ": M1 of this model, data and settings is not trained there yet; "
                    + "run filter ... --stage finetune_m1 once before the shards (every shard would train it and "
                    + "write the same folder)");
        }
        Part part = Part.of(shard == null ? java.util.stream.IntStream.range(0, data.size()).toArray()
                : shard.positions(data), data, customer);

        // every stage computes on the device of the model it was given
        try (NDManager manager = NDManager.newBaseManager(m0.model().manager().getDevice());
             TrainingMemory memory = new TrainingMemory(manager); ModelSlot m1 = new ModelSlot(manager, m0, m1Dir)) {
            // Stage 1: M1 = M0 finetuned on the customer data.
            ObjectNode s1 = runner.run("finetune_m1", key1, Files.isDirectory(m1Dir), () -> {
                LanguageModel m = memory.startFrom(m0);
                List<StepRecord> log = finetune(m, customer.tokens(), cfg.probe(), "finetune_m1", memory);
                writeLog(store, "finetune_m1", log);
                m.save(m1Dir, SafetensorsDtype.F32, Map.of("stage", "M1: M0 finetuned on the customer data"));
                m1.hold(m);
                return trainingStats(log);
            }, n -> n, n -> n);
            trainStats.set("finetune_m1", s1);
            if (stop("finetune_m1", stopAfter, runner, reusedOut)) {
                return null;
            }

            // Stage 2: every example scored under M1.
            ObjectNode s2 = perExample(runner, "scores_m1", key2, shard, part, data.size(), p -> {
                ObjectNode rec = scoresJson(scorer.score(m1.get(), p.encoded().tokens(), p.encoded().prompts(),
                        p.encoded().references(), p.groups(), "score M1").requireFinite("scores_m1", p.examples()));
                rec.put("loglik_seconds", scorer.loglikSeconds());
                rec.put("rouge1_seconds", scorer.rougeSeconds());
                return rec;
            });
            ExampleScores m1Scores = shard == null ? scoresFrom(s2) : null;
            if (shard == null) {
                trainStats.set("scoring_benchmark", scoringBenchmark(s1, s2, data.size(), m1, customer));
            }
            if (stop("scores_m1", stopAfter, runner, reusedOut)) {
                return null;
            }

            // Stage 3: closeness to the review set, under M1 before the safety finetune changes it.
            ObjectNode sp = !cfg.reviewWeighted() ? null : perExample(runner, "proximity", keyP, shard, part,
                    data.size(), p -> {
                        ReviewProximity r = ReviewProximity.measure(m1.get().model(), p.encoded().prompts(),
                                review.prompts(), p.groups(), cfg.scoreBatch());
                        FiniteScores.check("proximity", "similarity", r.similarity(), p.examples());
                        ObjectNode n = Json.MAPPER.createObjectNode();
                        n.set("similarity", Json.MAPPER.valueToTree(r.similarity()));
                        n.put("reference_distance", r.referenceDistance());
                        return n;
                    });
            ReviewProximity proximity = sp == null ? null
                    : ReviewProximity.of(doubles(sp.get("similarity")), sp.get("reference_distance").asDouble());
            if (stop("proximity", stopAfter, runner, reusedOut)) {
                return null;
            }

            // Stage 4: the trial safety finetune of M1 (which becomes M2), scored along the way. A shard repeats the
            // whole (seeded, reproducible) finetune and scores its own examples only.
            ObjectNode s3 = perExample(runner, "safety", key3, shard, part, data.size(), p -> {
                LanguageModel m = m1.take();
                Map<Integer, ExampleScores> curve = new LinkedHashMap<>();
                TrainingConfig safety = cfg.safety().withSteps(cfg.safetySteps());
                List<StepRecord> log = new Trainer(m.model(), safety, "safety",
                        memory.momentsFor(m.model().trainableParameters())).train(review.tokens(), step -> {
                    observer.afterSafetyStep(step.step());
                    if (cfg.scoreAt().contains(step.step())) {
                        curve.put(step.step(), scorer.score(m, p.encoded().tokens(), p.encoded().prompts(),
                                p.encoded().references(), p.groups(), "score after safety step " + step.step())
                                .requireFinite("safety (scores after step " + step.step() + ")", p.examples()));
                    }
                });
                memory.keep(m);
                writeLog(shard == null ? trainingLog(store.dir(), "safety")
                        : shardTrainingLog(store.dir(), "safety", shard), log);
                ObjectNode n = Json.MAPPER.createObjectNode();
                n.set("training", trainingStats(log));
                ObjectNode steps = n.putObject("steps");
                curve.forEach((k, v) -> steps.set(Integer.toString(k), scoresJson(v)));
                return n;
            });
            if (stop("safety", stopAfter, runner, reusedOut)) {
                return null;
            }
            trainStats.set("safety", s3.get("training"));
            Map<Integer, ExampleScores> curve = new LinkedHashMap<>();
            s3.get("steps").fields().forEachRemaining(e -> curve.put(Integer.parseInt(e.getKey()),
                    scoresFrom((ObjectNode) e.getValue())));
            ExampleScores m2Scores = curve.get(cfg.safetySteps());

            // Stage 5: forgetting, weighted, against a threshold chosen from the values alone. Labels are not read.
            // Always recomputed (it is cheap): a cached decision would outlive a change of the threshold code.
            double[] s1v = m1Scores.deciding(cfg.score());
            double[] s2v = m2Scores.deciding(cfg.score());
            double[] forgetting = new double[s1v.length];
            for (int i = 0; i < forgetting.length; i++) {
                forgetting[i] = s1v[i] - s2v[i];
            }
            double[] decision = proximity != null ? proximity.weigh(forgetting) : forgetting;
            ThresholdChoice choice = runner.run("decide", keyD, false, () -> cfg.threshold().choose(decision),
                    ForgetFilter::choiceJson, ForgetFilter::choiceFrom);
            if (stop("decide", stopAfter, runner, reusedOut)) {
                return null;
            }
            boolean[] removed = choice.flagged();
            FilterSummary summary = new FilterSummary(cfg, data, m1Scores, m2Scores, forgetting, proximity, decision,
                    choice);

            // The run's checks on its own outcome, before anything is delivered.
            List<InputChecks.Finding> duplicates = new ArrayList<>();
            InputChecks.duplicates("the customer data", data, duplicates);
            InputChecks.duplicates("the safe review set", safe, duplicates);
            List<RunWarning> warnings = TrustChecks.check(new TrustChecks.Evidence(summary.learned(),
                    TrustChecks.learnedRule(cfg.score()), decision, choice,
                    FilterSummary.hasLabels(data) ? FilterSummary.unsafeLabels(data) : null, enc.truncatedCount(),
                    maxLength, duplicates));
            boolean stopped = stopOnWarnings && !warnings.isEmpty();

            // Stage 6: the delivered model, M0 finetuned on the kept examples only.
            Path delivered = null;
            if (cfg.retrain() && !stopped) {
                delivered = out.resolve("model");
                Path target = delivered;
                List<TokenizedExample> kept = new ArrayList<>();
                StringBuilder keptIds = new StringBuilder();
                for (int i = 0; i < data.size(); i++) {
                    if (!removed[i]) {
                        kept.add(customer.tokens().get(i));
                        keptIds.append(data.get(i).id()).append('\n');
                    }
                }
                String key6 = Sha256.ofText("retrain|" + modelKey + "|" + dataKey + "|" + keptIds + cfg.finetuneKey());
                ObjectNode s6 = runner.run("retrain", key6, Files.isDirectory(delivered), () -> {
                    if (kept.isEmpty()) {
                        throw new IllegalStateException("every example was removed; nothing is left to finetune on "
                                + "(threshold: " + choice.reasoning() + ")");
                    }
                    try (LanguageModel m = memory.startFrom(m0)) {
                        List<StepRecord> log = finetune(m, kept, cfg.finetune(), "retrain", memory);
                        writeLog(store, "retrain", log);
                        Map<String, Object> made = new LinkedHashMap<>();
                        made.put("made_by", Provenance.toolVersion() + " filter: M0 finetuned on the kept examples");
                        made.put("base_model", m0.source());
                        made.put("data_sha256", dataKey);
                        made.put("kept_examples", kept.size());
                        made.putAll(prov.toMap());
                        m.save(target, SafetensorsDtype.F32, made);
                        return trainingStats(log);
                    }
                }, n -> n, n -> n);
                trainStats.set("retrain", s6);
            }

            List<ExampleOutcome> outcomes = outcomes(data, m1Scores, m2Scores, curve, forgetting, proximity, decision,
                    choice);
            ObjectNode timings = timings(startedAt, runner, trainStats, seconds(start));
            ObjectNode summaryJson = summary.toJson(prov, m0.source(), dataKey, safeKey, withoutTimings(trainStats),
                    scorer.generatedTokens());
            summaryJson.set("truncation", truncation);
            ArrayNode w = summaryJson.putArray("warnings");
            warnings.forEach(x -> w.add(x.toJson()));
            if (stopped) {
                summaryJson.put("stopped_before_retrain", warnings.size() + " warning(s) and stop-on-warnings "
                        + "(--strict): the delivered model was not made");
            }
            FilterResult result = new FilterResult(outcomes, m1Scores, m2Scores, proximity, choice, m1Dir, delivered,
                    summaryJson, timings, warnings, stopped);
            writeOutputs(data, result);
            new FilterReport(cfg, data, result, store.dir()).write(out.resolve("report.html"));
            return result;
        }
    }

    /** Training statistics that measure speed, and the scoring benchmark: timings.json, not summary.json. */
    private static final List<String> TIMING_KEYS = List.of("tokens_per_second", "seconds_per_epoch");

    /**
     * timings.json: everything about a run that depends on the clock (and so differs between two runs that decide
     * identically): when it ran, each stage's seconds and whether it was reused, training speed, the scoring
     * benchmark.
     */
    private static ObjectNode timings(Instant startedAt, StageRunner runner, ObjectNode trainStats, double wall) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("started_at", startedAt.toString());
        n.put("finished_at", Instant.now().toString());
        n.put("wall_seconds", wall);
        ObjectNode stages = n.putObject("stages");
        runner.seconds().forEach((name, secs) -> {
            ObjectNode st = stages.putObject(name);
            st.put("seconds", secs);
            st.put("reused", runner.reused().get(name));
        });
        ObjectNode training = n.putObject("training");
        trainStats.fields().forEachRemaining(e -> {
            if (e.getKey().equals("scoring_benchmark")) {
                n.set("scoring_benchmark", e.getValue());
            } else {
                ObjectNode t = training.putObject(e.getKey());
                TIMING_KEYS.forEach(k -> t.set(k, e.getValue().get(k)));
            }
        });
        return n;
    }

    /** The training statistics without their timings (and without the scoring benchmark). */
    private static ObjectNode withoutTimings(ObjectNode trainStats) {
        ObjectNode n = trainStats.deepCopy();
        n.remove("scoring_benchmark");
        n.fields().forEachRemaining(e -> ((ObjectNode) e.getValue()).remove(TIMING_KEYS));
        return n;
    }

    /** How the customer examples were cut to the maximum length (summary.json's truncation). */
    private static ObjectNode truncation(SequenceEncoder enc, int maxLength, int examples) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("max_length", maxLength);
        n.put("examples", examples);
        n.put("cut", enc.truncatedCount());
        n.put("response_tail_cut", enc.responseCuts());
        n.put("prompt_head_cut", enc.promptCuts());
        n.put("rule", "the response's tail is cut first, down to a quarter of max_length; a longer prompt loses "
                + "its head");
        return n;
    }

    /** One outcome per example, in input order. */
    private List<ExampleOutcome> outcomes(List<Example> data, ExampleScores m1, ExampleScores m2,
                                          Map<Integer, ExampleScores> curve, double[] forgetting,
                                          ReviewProximity proximity, double[] decision, ThresholdChoice choice) {
        double[] s1 = m1.deciding(cfg.score());
        double[] s2 = m2.deciding(cfg.score());
        boolean[] removed = choice.flagged();
        Map<Integer, double[]> atStep = new LinkedHashMap<>();
        curve.forEach((k, v) -> atStep.put(k, v.deciding(cfg.score())));
        List<ExampleOutcome> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            Map<Integer, Double> at = new LinkedHashMap<>();
            for (Map.Entry<Integer, double[]> e : atStep.entrySet()) {
                at.put(e.getKey(), e.getValue()[i]);
            }
            Map<String, Double> other = new LinkedHashMap<>();
            if (cfg.score() == ScoreType.BOTH) {
                other.put("prob_m1", m1.prob()[i]);
                other.put("prob_m2", m2.prob()[i]);
                other.put("loglik_m1", m1.loglik()[i]);
                other.put("loglik_m2", m2.loglik()[i]);
                other.put("rouge1_m1", m1.rouge1()[i]);
                other.put("rouge1_m2", m2.rouge1()[i]);
            }
            Example e = data.get(i);
            out.add(new ExampleOutcome(e.id(), e.line(), s1[i], s2[i], forgetting[i], at,
                    proximity != null ? proximity.similarity()[i] : Double.NaN,
                    proximity != null ? proximity.weight()[i] : 1.0, decision[i], removed[i],
                    reason(decision[i], removed[i], choice), other));
        }
        return out;
    }

    /** Why one example was kept or removed, e.g. "decision 0.31 > threshold 0.1 (auto/gmm2)". */
    static String reason(double decision, boolean removed, ThresholdChoice choice) {
        double t = choice.threshold();
        String how = String.valueOf(choice.method());
        boolean above = decision > t;
        if (above == removed) {
            return String.format(Locale.ROOT, "decision %.4g %s threshold %.4g (%s)", decision, above ? ">" : "<=", t,
                    how);
        }
        return String.format(Locale.ROOT, "decision %.4g ties the threshold %.4g; %s by input order (%s)", decision, t,
                removed ? "removed" : "kept", how);
    }

    private static ObjectNode choiceJson(ThresholdChoice c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("threshold", c.threshold());
        n.put("method", c.method());
        n.put("reasoning", c.reasoning());
        n.set("parameters", Json.MAPPER.valueToTree(new TreeMap<>(c.parameters())));
        n.set("flagged", Json.MAPPER.valueToTree(c.flagged()));
        return n;
    }

    private static ThresholdChoice choiceFrom(ObjectNode n) {
        Map<String, Double> params = new LinkedHashMap<>();
        n.get("parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asDouble()));
        boolean[] flagged = new boolean[n.get("flagged").size()];
        for (int i = 0; i < flagged.length; i++) {
            flagged[i] = n.get("flagged").get(i).asBoolean();
        }
        return new ThresholdChoice(n.get("threshold").asDouble(), n.get("method").asText(),
                n.get("reasoning").asText(), params, flagged);
    }

    private ObjectNode scoringBenchmark(ObjectNode s1, ObjectNode s2, int examples, ModelSlot m1, Encoded customer)
            throws IOException {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("examples", examples);
        b.put("loglik_seconds", s2.path("loglik_seconds").asDouble());
        b.put("rouge1_seconds", s2.path("rouge1_seconds").asDouble());
        b.put("finetune_epoch_seconds", s1.path("seconds_per_epoch").asDouble());
        if (releasedComparison > 0) {
            double perExample = ExampleScorer.releasedWaySecondsPerExample(m1.get(), customer.prompts(),
                    releasedComparison);
            b.put("released_way_examples_timed", Math.min(releasedComparison, examples));
            b.put("released_way_seconds_per_example", perExample);
            b.put("released_way_seconds_extrapolated", perExample * examples);
        }
        return b;
    }

    /**
     * M1 in memory, loaded from its folder the first time a stage needs it (a resumed run whose scoring stages are
     * all cached never loads it). {@link #take} hands it to the safety finetune, which turns it into M2.
     */
    private final class ModelSlot implements AutoCloseable {
        private final NDManager manager;
        private final LanguageModel base;
        private final Path dir;
        private LanguageModel model;
        private boolean taken;

        ModelSlot(NDManager manager, LanguageModel base, Path dir) {
            this.manager = manager;
            this.base = base;
            this.dir = dir;
        }

        void hold(LanguageModel m) {
            model = m;
        }

        LanguageModel get() throws IOException {
            if (taken) {
                throw new IllegalStateException("M1 was already changed by the safety finetune");
            }
            if (model == null) {
                model = reload(manager, base, dir);
            }
            return model;
        }

        LanguageModel take() throws IOException {
            LanguageModel m = get();
            taken = true;
            model = null;
            return m;
        }

        @Override
        public void close() {
            if (model != null) {
                model.close();
            }
        }
    }

    /** M1 as saved by stage 1: a full folder, or M0 plus the saved adapter. */
    private LanguageModel reload(NDManager manager, LanguageModel base, Path dir) throws IOException {
        if (LanguageModel.isAdapter(dir)) {
            LanguageModel m = base.sharingWeights(manager);
            PeftAdapter.Adapter a = PeftAdapter.read(dir);
            m.model().loadLora(a.config(), a.tensors());
            return m;
        }
        return LanguageModel.reopen(manager, dir, base.tokenizer(), base.source());
    }

    private List<StepRecord> finetune(LanguageModel m, List<TokenizedExample> data, TrainingConfig tc, String stage,
                                      TrainingMemory memory) {
        if (cfg.lora() != null) {
            m.model().addLora(cfg.lora(), cfg.seed());
        }
        return new Trainer(m.model(), tc, stage, memory.momentsFor(m.model().trainableParameters())).train(data, null);
    }

    /**
     * The native memory the run's three trainings share, so that it is allocated once: AdamW's moments, and under
     * full finetuning the trained copy of M0 (M2, done with after the safety finetune, gets M0's weights copied back
     * into it for the delivered model, its gradient buffers included). Under LoRA a training model shares M0's frozen
     * weights and holds only its adapters. Allocating these anew per stage let the scoring stages in between take
     * part of the freed room, and each stage raised the peak by about one weight copy (docs/BENCHMARKS.md).
     */
    private final class TrainingMemory implements AutoCloseable {
        private final NDManager manager;
        private AdamW.Moments moments;
        private LanguageModel spare;

        TrainingMemory(NDManager manager) {
            this.manager = manager;
        }

        /** A model to train from {@code base}: its weights shared (LoRA), the spare one reloaded, or a copy. */
        LanguageModel startFrom(LanguageModel base) {
            if (cfg.lora() != null) {
                return base.sharingWeights(manager);
            }
            if (spare != null) {
                LanguageModel m = spare;
                spare = null;
                m.model().loadWeightsFrom(base.model());
                return m;
            }
            return base.copy(manager);
        }

        /** Takes a trained model that is no longer needed: kept for {@link #startFrom} when it owns its weights. */
        void keep(LanguageModel m) {
            if (cfg.lora() != null || spare != null) {
                m.close();
            } else {
                spare = m;
            }
        }

        /** The moments for {@code params}, reused when an earlier training had parameters of the same shapes. */
        AdamW.Moments momentsFor(List<NDArray> params) {
            if (moments != null && !moments.fits(params)) {
                moments.close();
                moments = null;
            }
            if (moments == null) {
                moments = AdamW.Moments.allocate(manager, params);
            }
            return moments;
        }

        @Override
        public void close() {
            if (spare != null) {
                spare.close();
            }
            if (moments != null) {
                moments.close();
            }
        }
    }

    /**
     * Whether the run stops after {@code stage} ({@code stopAfter}, null for a whole run); when it does, the stages
     * reused so far go to {@code reusedOut}.
     */
    private static boolean stop(String stage, String stopAfter, StageRunner runner, List<String> reusedOut) {
        if (!stage.equals(stopAfter)) {
            return false;
        }
        runner.reused().forEach((name, r) -> {
            if (r) {
                reusedOut.add(name);
            }
        });
        return true;
    }

    /** A shard's per-step log of a training stage: stages/STAGE/shard-I-of-N.training_log.jsonl. */
    static Path shardTrainingLog(Path stagesDir, String stage, Shard shard) {
        return stagesDir.resolve(stage).resolve(shard.fileStem() + "." + FinetuneRun.LOG_FILE);
    }

    /** The stage's per-step training log: stages/STAGE/training_log.jsonl. */
    static Path trainingLog(Path stagesDir, String stage) {
        return stagesDir.resolve(stage).resolve(FinetuneRun.LOG_FILE);
    }

    private static void writeLog(StageStore store, String stage, List<StepRecord> log) throws IOException {
        writeLog(trainingLog(store.dir(), stage), log);
    }

    private static void writeLog(Path f, List<StepRecord> log) throws IOException {
        Files.createDirectories(f.getParent());
        FinetuneRun.writeLog(f, log);
    }

    private static ObjectNode trainingStats(List<StepRecord> log) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        long tokens = log.stream().mapToLong(StepRecord::tokens).sum();
        double secs = log.stream().mapToDouble(StepRecord::seconds).sum();
        n.put("steps", log.size());
        n.put("tokens", tokens);
        n.put("tokens_per_second", secs > 0 ? tokens / secs : 0);
        n.put("first_loss", log.isEmpty() ? Double.NaN : log.get(0).loss());
        n.put("final_loss", log.isEmpty() ? Double.NaN : log.get(log.size() - 1).loss());
        int epochs = log.isEmpty() ? 0 : log.get(log.size() - 1).epoch();
        n.put("epochs", epochs);
        n.put("seconds_per_epoch", epochs > 0 ? secs / epochs : Double.NaN);
        return n;
    }

    private static ObjectNode scoresJson(ExampleScores s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (s.loglik() != null) {
            n.set("loglik", Json.MAPPER.valueToTree(s.loglik()));
        }
        if (s.rouge1() != null) {
            n.set("rouge1", Json.MAPPER.valueToTree(s.rouge1()));
        }
        return n;
    }

    private static ExampleScores scoresFrom(ObjectNode n) {
        return new ExampleScores(doubles(n.get("loglik")), doubles(n.get("rouge1")));
    }

    private static double[] doubles(JsonNode a) {
        if (a == null) {
            return null;
        }
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    private void writeOutputs(List<Example> data, FilterResult r) throws IOException {
        try (AtomicFile scores = AtomicFile.create(out.resolve("scores.jsonl"))) {
            for (ExampleOutcome o : r.outcomes()) {
                scores.writer().write(Json.MAPPER.writeValueAsString(o.toJson()));
                scores.writer().write('\n');
            }
            scores.commit();
        }
        try (ExampleWriter kept = ExampleWriter.create(out.resolve("kept.jsonl"));
             ExampleWriter removed = ExampleWriter.create(out.resolve("removed.jsonl"))) {
            for (int i = 0; i < data.size(); i++) {
                (r.outcomes().get(i).removed() ? removed : kept).writeAsRead(data.get(i));
            }
            kept.commit();
            removed.commit();
        }
        Path annotated = out.resolve("annotated.jsonl");
        if (annotate) {
            try (AtomicFile a = AtomicFile.create(annotated)) {
                for (int i = 0; i < data.size(); i++) {
                    a.writer().write(Json.MAPPER.writeValueAsString(annotated(data.get(i), r.outcomes().get(i))));
                    a.writer().write('\n');
                }
                a.commit();
            }
        } else {
            Files.deleteIfExists(annotated); // a previous run's annotations would not describe this run
        }
        AtomicFile.writeString(out.resolve("summary.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.summary()) + "\n");
        AtomicFile.writeString(out.resolve("timings.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.timings()) + "\n");
    }

    /** One line of annotated.jsonl: the record as the customer wrote it, plus the filter's {@code forgetfilter}. */
    private static ObjectNode annotated(Example e, ExampleOutcome o) throws IOException {
        ObjectNode record = null;
        if (e.raw() != null && Json.MAPPER.readTree(e.raw()) instanceof ObjectNode own) {
            record = own;
        }
        if (record == null) {
            record = ExampleWriter.toJson(e);
        }
        record.set(ExampleOutcome.ANNOTATION_FIELD, o.annotation());
        return record;
    }

    private static String hashRaw(List<Example> examples) {
        StringBuilder sb = new StringBuilder();
        for (Example e : examples) {
            sb.append(e.raw() != null ? e.raw() : e.id() + "\u0000" + e.prompt() + "\u0000" + e.response()).append('\n');
        }
        return Sha256.ofText(sb.toString());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Rendered and tokenized examples. For ROUGE the prompt is the rendered prompt; an example without a prompt
     * (plain text) is prompted with the first three words of its text, as the paper evaluates plain text.
     */
    record Encoded(List<TokenizedExample> tokens, List<int[]> prompts, List<String> references) {
        static Encoded of(List<Example> examples, PromptTemplate template, SequenceEncoder enc, int maxNew) {
            List<int[]> prompts = new ArrayList<>();
            List<String> refs = new ArrayList<>();
            for (Example e : examples) {
                PromptTemplate.Rendered r = template.render(e);
                if (e.prompt().isEmpty() && !r.tokenizeAsIs()) {
                    String[] words = r.response().strip().split("\\s+", 4);
                    int lead = Math.min(3, words.length - 1);
                    prompts.add(enc.encodePrompt(r.prompt() + (r.response().startsWith(" ") ? " " : "")
                            + String.join(" ", java.util.Arrays.copyOf(words, lead)), maxNew));
                    refs.add(lead < words.length ? words[words.length - 1] : "");
                } else {
                    // A chat rendering carries its own special tokens: encoded as training encoded it (no added BOS).
                    prompts.add(enc.encodePrompt(r, maxNew));
                    refs.add(r.response());
                }
            }
            return new Encoded(enc.encodeAll(examples, template), prompts, refs);
        }

        /** The examples at {@code positions}, in that order. */
        Encoded subset(int[] positions) {
            List<TokenizedExample> t = new ArrayList<>(positions.length);
            List<int[]> p = new ArrayList<>(positions.length);
            List<String> r = new ArrayList<>(positions.length);
            for (int i : positions) {
                t.add(tokens.get(i));
                p.add(prompts.get(i));
                r.add(references.get(i));
            }
            return new Encoded(t, p, r);
        }
    }
}
