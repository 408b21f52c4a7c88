package org.forgetfilter.forget;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.PeftAdapter;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Sha256;
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
    public static final String VERSION = "forgetfilter 0.1.0";
    private final FilterConfig cfg;
    private final Path out;
    private final SafetyStepObserver observer;
    private int releasedComparison;

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
     * summary.json compares it with this run's scoring (scoring_benchmark).
     */
    public ForgetFilter compareReleasedScoring(int n) {
        this.releasedComparison = n;
        return this;
    }

    public ForgetFilter(FilterConfig cfg, Path outDir, SafetyStepObserver observer) {
        this.cfg = cfg;
        this.out = outDir;
        this.observer = observer;
    }

    /**
     * Runs (or resumes) the pipeline and writes scores.jsonl, kept.jsonl, removed.jsonl, summary.json, report.html
     * and model/ into the output folder. {@code m0} is only read: every stage starts from a copy of its weights.
     */
    public FilterResult run(LanguageModel m0, List<Example> data, List<Example> safe, boolean fresh) throws IOException {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("the customer data set is empty");
        }
        if (safe.isEmpty()) {
            throw new IllegalArgumentException("the safe review set is empty");
        }
        long start = System.nanoTime();
        Files.createDirectories(out);
        StageStore store = new StageStore(out.resolve("stages"));
        if (fresh) {
            store.clear();
        }
        Checkpoint base = m0.toCheckpoint();
        int maxLength = Math.min(cfg.maxLength(), base.config().maxPositions());
        SequenceEncoder enc = new SequenceEncoder(base.tokenizer(), maxLength, true);
        Encoded customer = Encoded.of(data, cfg.template(), enc, cfg.maxNewTokens());
        Encoded review = Encoded.of(safe, cfg.template(), enc, cfg.maxNewTokens());
        if (enc.truncatedCount() > 0) {
            System.err.printf("forgetfilter: %d examples longer than %d tokens were cut (prompt first)%n",
                    enc.truncatedCount(), maxLength);
        }

        String dataKey = hashRaw(data);
        String modelKey = Sha256.ofText(m0.source() + "|" + base.config());
        String key1 = Sha256.ofText("m1|" + modelKey + "|" + dataKey + "|" + cfg.finetuneKey());
        String key2 = Sha256.ofText("scores|" + key1 + "|" + cfg.scoringKey());
        String key3 = Sha256.ofText("safety|" + key2 + "|" + hashRaw(safe) + "|" + cfg.safety() + "|" + cfg.safetySteps()
                + "|" + cfg.scoreAt());
        Map<String, Double> stageSeconds = new LinkedHashMap<>();
        Map<String, Boolean> stageCached = new LinkedHashMap<>();
        ObjectNode trainStats = Json.MAPPER.createObjectNode();
        ExampleScorer scorer = new ExampleScorer(cfg.score(), cfg.scoreBatch(), cfg.maxNewTokens());

        try (NDManager manager = NDManager.newBaseManager()) {
            // Stage 1: M1.
            Path m1Dir = store.dir().resolve("m1");
            ObjectNode s1 = store.load("finetune_m1", key1);
            LanguageModel m1;
            if (s1 == null || !Files.isDirectory(m1Dir)) {
                long t = System.nanoTime();
                m1 = copy(manager, base);
                List<StepRecord> log = finetune(m1, customer.tokens(), cfg.finetune());
                m1.save(m1Dir, SafetensorsDtype.F32, Map.of("stage", "M1: M0 finetuned on the customer data"));
                s1 = trainingStats(log);
                store.save("finetune_m1", key1, seconds(t), s1);
                stageCached.put("finetune_m1", false);
            } else {
                m1 = reload(manager, base, m1Dir);
                stageCached.put("finetune_m1", true);
            }
            trainStats.set("finetune_m1", s1);
            stageSeconds.put("finetune_m1", storedSeconds(store, "finetune_m1"));

            // Stage 2: scores under M1.
            ObjectNode s2 = store.load("scores_m1", key2);
            ExampleScores m1Scores;
            if (s2 == null) {
                long t = System.nanoTime();
                m1Scores = scorer.score(m1, customer.tokens(), customer.prompts(), customer.references(), "score M1");
                ObjectNode rec = scoresJson(m1Scores);
                rec.put("loglik_seconds", scorer.loglikSeconds());
                rec.put("rouge1_seconds", scorer.rougeSeconds());
                store.save("scores_m1", key2, seconds(t), rec);
                stageCached.put("scores_m1", false);
            } else {
                m1Scores = scoresFrom(s2);
                stageCached.put("scores_m1", true);
            }
            stageSeconds.put("scores_m1", storedSeconds(store, "scores_m1"));
            ObjectNode scoringBench = Json.MAPPER.createObjectNode();
            ObjectNode s2rec = store.load("scores_m1", key2);
            scoringBench.put("examples", data.size());
            scoringBench.put("loglik_seconds", s2rec.path("loglik_seconds").asDouble());
            scoringBench.put("rouge1_seconds", s2rec.path("rouge1_seconds").asDouble());
            scoringBench.put("finetune_epoch_seconds", s1.path("seconds_per_epoch").asDouble());
            if (releasedComparison > 0) {
                double perExample = ExampleScorer.releasedWaySecondsPerExample(m1, customer.prompts(), releasedComparison);
                scoringBench.put("released_way_examples_timed", Math.min(releasedComparison, data.size()));
                scoringBench.put("released_way_seconds_per_example", perExample);
                scoringBench.put("released_way_seconds_extrapolated", perExample * data.size());
            }
            trainStats.set("scoring_benchmark", scoringBench);

            // Stage 2b: closeness to the review set, under M1 before the safety finetune changes it.
            ReviewProximity proximity = null;
            if (cfg.reviewWeighted()) {
                String keyP = Sha256.ofText("proximity|" + ReviewProximity.METHOD + "|" + key2 + "|" + hashRaw(safe));
                ObjectNode sp = store.load("proximity", keyP);
                if (sp == null) {
                    long t = System.nanoTime();
                    proximity = ReviewProximity.measure(m1.model(), customer.prompts(), review.prompts(),
                            cfg.scoreBatch());
                    sp = Json.MAPPER.createObjectNode();
                    sp.set("similarity", Json.MAPPER.valueToTree(proximity.similarity()));
                    sp.put("reference_distance", proximity.referenceDistance());
                    store.save("proximity", keyP, seconds(t), sp);
                    stageCached.put("proximity", false);
                } else {
                    proximity = ReviewProximity.of(doubles(sp.get("similarity")),
                            sp.get("reference_distance").asDouble());
                    stageCached.put("proximity", true);
                }
                stageSeconds.put("proximity", storedSeconds(store, "proximity"));
            }

            // Stage 3: the trial safety finetune, scored along the way.
            ObjectNode s3 = store.load("safety", key3);
            Map<Integer, ExampleScores> curve = new LinkedHashMap<>();
            if (s3 == null) {
                long t = System.nanoTime();
                TrainingConfig safety = cfg.safety().withSteps(cfg.safetySteps());
                List<StepRecord> log = new Trainer(m1.model(), safety).train(review.tokens(), step -> {
                    observer.afterSafetyStep(step.step());
                    if (cfg.scoreAt().contains(step.step())) {
                        curve.put(step.step(), scorer.score(m1, customer.tokens(), customer.prompts(),
                                customer.references(), "score step " + step.step()));
                    }
                });
                s3 = Json.MAPPER.createObjectNode();
                s3.set("training", trainingStats(log));
                ObjectNode steps = s3.putObject("steps");
                curve.forEach((k, v) -> steps.set(Integer.toString(k), scoresJson(v)));
                store.save("safety", key3, seconds(t), s3);
                stageCached.put("safety", false);
            } else {
                s3.get("steps").fields().forEachRemaining(e -> curve.put(Integer.parseInt(e.getKey()),
                        scoresFrom((ObjectNode) e.getValue())));
                stageCached.put("safety", true);
            }
            trainStats.set("safety", s3.get("training"));
            stageSeconds.put("safety", storedSeconds(store, "safety"));
            m1.close();

            // Stages 4-5: forgetting and the threshold. Labels are not read here.
            ExampleScores m2Scores = curve.get(cfg.safetySteps());
            double[] s1v = m1Scores.deciding(cfg.score());
            double[] s2v = m2Scores.deciding(cfg.score());
            double[] forgetting = new double[s1v.length];
            for (int i = 0; i < forgetting.length; i++) {
                forgetting[i] = s1v[i] - s2v[i];
            }
            double[] decision = proximity != null ? proximity.weigh(forgetting) : forgetting;
            ThresholdChoice choice = cfg.threshold().choose(decision);
            boolean[] removed = choice.flagged();
            Map<Integer, double[]> atStep = new LinkedHashMap<>();
            curve.forEach((k, v) -> atStep.put(k, v.deciding(cfg.score())));

            // Stage 6: the delivered model, M0 finetuned on the kept examples only.
            Path delivered = null;
            if (cfg.retrain()) {
                delivered = out.resolve("model");
                List<TokenizedExample> kept = new ArrayList<>();
                StringBuilder keptIds = new StringBuilder();
                for (int i = 0; i < data.size(); i++) {
                    if (!removed[i]) {
                        kept.add(customer.tokens().get(i));
                        keptIds.append(data.get(i).id()).append('\n');
                    }
                }
                String key6 = Sha256.ofText("retrain|" + modelKey + "|" + dataKey + "|" + keptIds + cfg.finetuneKey());
                ObjectNode s6 = store.load("retrain", key6);
                if (s6 == null || !Files.isDirectory(delivered)) {
                    if (kept.isEmpty()) {
                        throw new IllegalStateException("every example was removed; nothing is left to finetune on "
                                + "(threshold: " + choice.reasoning() + ")");
                    }
                    long t = System.nanoTime();
                    try (LanguageModel m = copy(manager, base)) {
                        List<StepRecord> log = finetune(m, kept, cfg.finetune());
                        Map<String, Object> prov = new LinkedHashMap<>();
                        prov.put("made_by", VERSION + " filter");
                        prov.put("base_model", m0.source());
                        prov.put("data_sha256", dataKey);
                        prov.put("kept_examples", kept.size());
                        prov.put("config", cfg.describe());
                        m.save(delivered, SafetensorsDtype.F32, prov);
                        s6 = trainingStats(log);
                    }
                    store.save("retrain", key6, seconds(t), s6);
                    stageCached.put("retrain", false);
                } else {
                    stageCached.put("retrain", true);
                }
                trainStats.set("retrain", s6);
                stageSeconds.put("retrain", storedSeconds(store, "retrain"));
            }

            FilterSummary summary = new FilterSummary(cfg, data, m1Scores, m2Scores, forgetting, proximity, decision,
                    choice);
            ObjectNode summaryJson = summary.toJson(m0.source(), dataKey, hashRaw(safe), stageSeconds, stageCached,
                    trainStats, scorer.generatedTokens(), seconds(start));
            FilterResult result = new FilterResult(m1Scores, m2Scores, atStep, forgetting, proximity, decision, removed,
                    choice, delivered, summaryJson);
            writeOutputs(data, result);
            new FilterReport(cfg, data, result).write(out.resolve("report.html"));
            return result;
        }
    }

    private static double storedSeconds(StageStore store, String stage) throws IOException {
        JsonNode n = Json.MAPPER.readTree(store.dir().resolve(stage + ".json").toFile());
        return n.path("seconds").asDouble();
    }

    private LanguageModel copy(NDManager manager, Checkpoint base) {
        return LanguageModel.of(manager, base);
    }

    /** M1 as saved by stage 1: a full folder, or M0 plus the saved adapter. */
    private LanguageModel reload(NDManager manager, Checkpoint base, Path dir) throws IOException {
        if (LanguageModel.isAdapter(dir)) {
            LanguageModel m = copy(manager, base);
            PeftAdapter.Adapter a = PeftAdapter.read(dir);
            m.model().loadLora(a.config(), a.tensors());
            return m;
        }
        Checkpoint c = HfModelDirectory.load(dir);
        return LanguageModel.of(manager, new Checkpoint(c.config(), c.weights(), base.tokenizer(), base.source()));
    }

    private List<StepRecord> finetune(LanguageModel m, List<TokenizedExample> data, TrainingConfig tc) {
        if (cfg.lora() != null) {
            m.model().addLora(cfg.lora(), cfg.seed());
        }
        return new Trainer(m.model(), tc).train(data, null);
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
            for (int i = 0; i < data.size(); i++) {
                ObjectNode n = Json.MAPPER.createObjectNode();
                n.put("id", data.get(i).id());
                n.put("score_m1", r.m1().deciding(cfg.score())[i]);
                n.put("score_m2", r.m2().deciding(cfg.score())[i]);
                n.put("forgetting", r.forgetting()[i]);
                if (r.proximity() != null) {
                    n.put("review_similarity", r.proximity().similarity()[i]);
                    n.put("weight", r.proximity().weight()[i]);
                    n.put("decision", r.decision()[i]);
                }
                n.put("removed", r.removed()[i]);
                ObjectNode at = n.putObject("score_at");
                for (Map.Entry<Integer, double[]> e : r.atStep().entrySet()) {
                    at.put(Integer.toString(e.getKey()), e.getValue()[i]);
                }
                if (cfg.score() == ScoreType.BOTH) {
                    n.put("prob_m1", r.m1().prob()[i]);
                    n.put("prob_m2", r.m2().prob()[i]);
                    n.put("loglik_m1", r.m1().loglik()[i]);
                    n.put("loglik_m2", r.m2().loglik()[i]);
                    n.put("rouge1_m1", r.m1().rouge1()[i]);
                    n.put("rouge1_m2", r.m2().rouge1()[i]);
                }
                scores.writer().write(Json.MAPPER.writeValueAsString(n));
                scores.writer().write('\n');
            }
            scores.commit();
        }
        try (ExampleWriter kept = ExampleWriter.create(out.resolve("kept.jsonl"));
             ExampleWriter removed = ExampleWriter.create(out.resolve("removed.jsonl"))) {
            for (int i = 0; i < data.size(); i++) {
                (r.removed()[i] ? removed : kept).writeAsRead(data.get(i));
            }
            kept.commit();
            removed.commit();
        }
        AtomicFile.writeString(out.resolve("summary.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.summary()) + "\n");
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
            List<String> promptTexts = new ArrayList<>();
            List<String> refs = new ArrayList<>();
            for (Example e : examples) {
                PromptTemplate.Rendered r = template.render(e);
                if (e.prompt().isEmpty()) {
                    String[] words = r.response().strip().split("\\s+", 4);
                    int lead = Math.min(3, words.length - 1);
                    promptTexts.add(r.prompt() + (r.response().startsWith(" ") ? " " : "")
                            + String.join(" ", java.util.Arrays.copyOf(words, lead)));
                    refs.add(lead < words.length ? words[words.length - 1] : "");
                } else {
                    promptTexts.add(r.prompt());
                    refs.add(r.response());
                }
            }
            List<int[]> prompts = ExampleScorer.prompts(enc, promptTexts, maxNew);
            return new Encoded(enc.encodeAll(examples, template), prompts, refs);
        }
    }
}
