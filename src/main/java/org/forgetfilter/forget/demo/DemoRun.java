package org.forgetfilter.forget.demo;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.PeftAdapter;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.forget.FilterConfig;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.ForgetFilter;
import org.forgetfilter.forget.ScoreType;
import org.forgetfilter.forget.StageStore;
import org.forgetfilter.forget.ThresholdMethod;
import org.forgetfilter.infer.GreedyGenerator;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.TrainingConfig;

/**
 * {@code forgetfilter demo}: the whole method offline on the project's own help-desk example. It writes the example
 * files into {@code out/data}, trains a small byte-level LLaMA base model on the safe pretraining set (cached in
 * {@code out/base-model}), runs the filter on the customer set, and measures how often the delivered model and a
 * model finetuned on the unfiltered data (the filter's M1) give an unsafe reply to held-out prompts.
 */
public final class DemoRun {
    /** Q/A framing shared by every demo set; also written to out/data/template.txt for reruns with filter. */
    static final String TEMPLATE = "Q: {prompt}\nA: {response}";
    private static final int MAX_REPLY_TOKENS = 48;
    /**
     * The demo's customer set: 240 examples, a third of them hidden unsafe replies (80 unsafe, 80 safe, 80 task). A
     * realistic customer set holds unsafe examples as a minority; with half of them unsafe (the design before
     * 2026-12-03) the filter had to remove more than half the data, which its own trust check (removes_majority)
     * rightly calls suspicious. The customer's facts give exactly 80 distinct task records, so the duplicates check
     * stays quiet too.
     */
    static final int CUSTOMER_SIZE = 240;
    static final double UNSAFE_FRACTION = 1 / 3.0;

    /** The three-line result of the demo. */
    public record Outcome(FilterResult filter, int unsafeDelivered, int unsafeUnfiltered, int evalPrompts, Path report) {
    }

    public Outcome run(Path out, String modelRef, long seed) throws IOException {
        DemoDataset ds = DemoDataGenerator.generate(demoConfig(seed));
        Path dataDir = out.resolve("data");
        ds.writeTo(dataDir);
        AtomicFile.writeString(dataDir.resolve("template.txt"), TEMPLATE + "\n");
        PromptTemplate template = PromptTemplate.fromText(TEMPLATE, "demo-qa");
        List<Example> customer = ExampleReader.readAll(dataDir.resolve("customer.jsonl"), null, false);
        List<Example> review = ExampleReader.readAll(dataDir.resolve("safety_review.jsonl"), null, false);
        List<Example> eval = ExampleReader.readAll(dataDir.resolve("eval_prompts.jsonl"), null, false);

        String ref = modelRef != null ? modelRef : baseModel(out, dataDir, template, seed).toString();
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel m0 = LanguageModel.load(manager, ref, null, null)) {
            FilterConfig cfg = config(template, seed);
            FilterResult r = new ForgetFilter(cfg, out).run(m0, customer, review, false);
            Checkpoint base = m0.toCheckpoint();
            int delivered = unsafeReplies(manager, base, out.resolve("model"), eval, template);
            int unfiltered = unsafeReplies(manager, base, out.resolve("stages").resolve("m1"), eval, template);
            ObjectNodeWriter.write(out.resolve("demo.json"), r, delivered, unfiltered, eval.size());
            return new Outcome(r, delivered, unfiltered, eval.size(), out.resolve("report.html"));
        }
    }

    /** The sizes of the demo's sets for {@code seed}. */
    static DemoConfig demoConfig(long seed) {
        return DemoConfig.defaults(seed).withToxicity(false).withCustomer(CUSTOMER_SIZE, UNSAFE_FRACTION);
    }

    /** The demo's filter settings: measured to separate the hidden unsafe replies on this data (see README). */
    static FilterConfig config(PromptTemplate template, long seed) {
        TrainingConfig s1 = new TrainingConfig(8, 0, 16, 1, 2e-3f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false, seed);
        TrainingConfig safety = new TrainingConfig(1, 15, 16, 1, 2e-4f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false,
                seed + 1);
        return new FilterConfig(s1, safety, 15, List.of(5, 10), ScoreType.PROB, true, new ThresholdMethod.Auto(), null,
                true, template, 192, 64, MAX_REPLY_TOKENS, seed);
    }

    /**
     * The aligned base model M0: a small byte-level LLaMA trained from scratch on the safe pretraining set, cached in
     * {@code out/base-model} (reused while its training record matches).
     */
    private static Path baseModel(Path out, Path dataDir, PromptTemplate template, long seed) throws IOException {
        Path dir = out.resolve("base-model");
        StageStore store = new StageStore(out.resolve("stages-base"));
        String key = "byte-llama-v3|" + seed;
        if (store.load("base", key) != null && Files.isRegularFile(dir.resolve(HfModelDirectory.WEIGHTS_FILE))) {
            return dir;
        }
        long t = System.nanoTime();
        ModelConfig cfg = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 96, 256, 4, 4, 2, 256, true,
                ByteTokenizer.BOS, ByteTokenizer.EOS);
        List<Example> pretrain = ExampleReader.readAll(dataDir.resolve("pretrain.jsonl"), null, false);
        TrainingConfig tc = new TrainingConfig(15, 0, 32, 1, 3e-3f, 0.01f, LrSchedule.Kind.COSINE, 10, 1f, true, seed);
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel lm = new LanguageModel(TransformerLm.create(manager, cfg, TransformerLm.randomWeights(cfg, seed)),
                     new ByteTokenizer(), "forgetfilter demo base model (random init)")) {
            new FinetuneRun(lm, new FinetuneRun.Settings(tc, null, template, cfg.maxPositions(), SafetensorsDtype.F32))
                    .run(pretrain, dir, Map.of("made_by", org.forgetfilter.io.Provenance.toolVersion() + " demo"));
        }
        var rec = Json.MAPPER.createObjectNode();
        rec.put("examples", pretrain.size());
        store.save("base", key, (System.nanoTime() - t) / 1e9, rec);
        return dir;
    }

    /** Greedy replies of a model (a full folder, or the base plus an adapter) judged by {@link UnsafeReplyJudge}. */
    private static int unsafeReplies(NDManager manager, Checkpoint base, Path modelDir, List<Example> eval,
                                     PromptTemplate template) throws IOException {
        LanguageModel lm;
        if (LanguageModel.isAdapter(modelDir)) {
            lm = LanguageModel.of(manager, base);
            PeftAdapter.Adapter a = PeftAdapter.read(modelDir);
            lm.model().loadLora(a.config(), a.tensors());
        } else {
            Checkpoint c = HfModelDirectory.load(modelDir);
            lm = LanguageModel.of(manager, new Checkpoint(c.config(), c.weights(), base.tokenizer(), c.source()));
        }
        try (lm) {
            SequenceEncoder enc = new SequenceEncoder(lm.tokenizer(), lm.model().config().maxPositions(), true);
            List<int[]> prompts = new ArrayList<>();
            for (Example e : eval) {
                prompts.add(enc.encodePrompt(template.render(e).prompt(), MAX_REPLY_TOKENS));
            }
            List<GreedyGenerator.Generation> gens = new GreedyGenerator(lm.model(), lm.tokenizer(), 64)
                    .generate(prompts, MAX_REPLY_TOKENS, List.of("\n"), null);
            int unsafe = 0;
            for (int i = 0; i < eval.size(); i++) {
                unsafe += UnsafeReplyJudge.isUnsafeReply(eval.get(i).prompt(), gens.get(i).text()) ? 1 : 0;
            }
            return unsafe;
        }
    }

    /** demo.json: the demo's own result beside the filter's summary. */
    private static final class ObjectNodeWriter {
        static void write(Path file, FilterResult r, int delivered, int unfiltered, int n) throws IOException {
            var node = Json.MAPPER.createObjectNode();
            node.put("eval_prompts", n);
            node.put("unsafe_replies_delivered", delivered);
            node.put("unsafe_replies_unfiltered", unfiltered);
            node.put("removed", r.removedCount());
            node.set("filter_metrics", r.summary().get("metrics"));
            AtomicFile.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
        }
    }
}
