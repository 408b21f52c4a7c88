package org.forgetfilter.bench;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.StepRecord;
import org.forgetfilter.train.Trainer;
import org.forgetfilter.train.TrainingConfig;

/**
 * Training throughput of a randomly initialised model on random tokens, through the real {@link Trainer}
 * (forward, backward, AdamW, clipping). The first {@code warmupSteps} steps (libtorch warm-up, allocator growth)
 * are run but not timed.
 *
 * <p>FLOP model (Kaplan et al. 2020): a training step costs about 6 * params * tokens for full finetuning
 * (forward 2, backward 4) and 4 * params * tokens with LoRA (no weight gradients for the frozen base).
 * {@code flop_fraction} divides the achieved rate by {@code peakGflops}; the default 224 GFLOP/s is the FMA
 * peak of the project's 2-core AVX-512 machine measured in docs/ENGINE.md.
 */
public final class TrainingBenchmark {
    public static final double DEFAULT_PEAK_GFLOPS = 224.0;

    /**
     * @param loraRank  0 = full finetune
     * @param gradAccum micro-batches per optimizer step
     */
    public record Settings(BenchPreset preset, int loraRank, int steps, int warmupSteps, int batchSize, int gradAccum,
                           int seqLen, double peakGflops, long seed) {
        public Settings {
            if (steps <= 0 || warmupSteps < 0 || batchSize <= 0 || gradAccum <= 0 || seqLen <= 0 || loraRank < 0) {
                throw new IllegalArgumentException("benchmark sizes must be positive (steps " + steps + ", batch "
                        + batchSize + ", grad-accum " + gradAccum + ", seq-len " + seqLen + ")");
            }
            if (seqLen > preset.config().maxPositions()) {
                throw new IllegalArgumentException("seq-len " + seqLen + " exceeds the " + preset.label() + " limit of "
                        + preset.config().maxPositions() + " positions");
            }
        }
    }

    private TrainingBenchmark() {
    }

    /** Runs the benchmark; the result's keys are the JSON fields the bench command prints. */
    public static Map<String, Object> run(Settings s) {
        ModelConfig cfg = s.preset().config();
        List<TokenizedExample> data = randomExamples(cfg.vocabSize(), s.batchSize() * s.gradAccum() * 2, s.seqLen(), s.seed());
        TrainingConfig tc = new TrainingConfig(0, s.warmupSteps() + s.steps(), s.batchSize(), s.gradAccum(), 1e-4f, 0f,
                LrSchedule.Kind.CONSTANT, 0, 1.0f, true, s.seed());
        List<StepRecord> timed = new ArrayList<>();
        long params;
        long trainable;
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TransformerLm.randomWeights(cfg, s.seed()))) {
            if (s.loraRank() > 0) {
                model.addLora(new LoraConfig(s.loraRank(), 2f * s.loraRank(), 0f,
                        LoraConfig.defaultTargets(cfg.architecture())), s.seed());
            }
            params = model.numParameters();
            trainable = model.numTrainableParameters();
            new Trainer(model, tc).train(data, rec -> {
                if (rec.step() > s.warmupSteps()) {
                    timed.add(rec);
                }
            });
        }
        long tokens = timed.stream().mapToLong(StepRecord::tokens).sum();
        double seconds = timed.stream().mapToDouble(StepRecord::seconds).sum();
        double tokensPerSecond = tokens / seconds;
        double flopsPerToken = (s.loraRank() > 0 ? 4.0 : 6.0) * params;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "train");
        out.put("preset", s.preset().label());
        out.put("mode", s.loraRank() > 0 ? "lora" : "full");
        out.put("lora_rank", s.loraRank());
        out.put("params", params);
        out.put("trainable_params", trainable);
        out.put("steps", s.steps());
        out.put("warmup_steps_excluded", s.warmupSteps());
        out.put("batch", s.batchSize());
        out.put("grad_accum", s.gradAccum());
        out.put("seq_len", s.seqLen());
        out.put("tokens", tokens);
        out.put("seconds", round(seconds, 3));
        out.put("tokens_per_second", round(tokensPerSecond, 1));
        out.put("seconds_per_step", round(seconds / timed.size(), 3));
        out.put("achieved_gflops", round(flopsPerToken * tokensPerSecond / 1e9, 1));
        out.put("peak_gflops", s.peakGflops());
        out.put("flop_fraction", round(flopsPerToken * tokensPerSecond / (s.peakGflops() * 1e9), 3));
        out.put("flop_model", (s.loraRank() > 0 ? "4" : "6") + " * params * tokens");
        out.put("last_loss", round(timed.get(timed.size() - 1).loss(), 4));
        return out;
    }

    /** {@code n} sequences of {@code seqLen + 1} uniform random ids (inputs are the first seqLen). */
    static List<TokenizedExample> randomExamples(int vocab, int n, int seqLen, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = {rnd.nextInt(vocab)};
            int[] response = new int[seqLen];
            for (int j = 0; j < seqLen; j++) {
                response[j] = rnd.nextInt(vocab);
            }
            out.add(new TokenizedExample(prompt, response));
        }
        return out;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
