package org.forgetfilter.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.infer.GreedyGenerator;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.LogLikelihoodScorer;
import org.forgetfilter.infer.TokenizedExample;

/**
 * Speed of the two inference paths the forgetting method spends its time in: batched teacher-forced scoring
 * ({@link LogLikelihoodScorer}) and batched greedy decoding with a KV cache ({@link GreedyGenerator}). Inputs are
 * random ids of fixed lengths; one untimed batch warms libtorch up first.
 */
public final class InferenceBenchmark {

    /** What to run: a checkpoint reference or a preset (exactly one), and the input sizes. */
    public record Settings(String modelRef, BenchPreset preset, int examples, int batchSize, int promptLen,
                           int responseLen, long seed) {
        public Settings {
            if (examples <= 0 || batchSize <= 0 || promptLen <= 0 || responseLen <= 0) {
                throw new IllegalArgumentException("benchmark sizes must be positive");
            }
        }
    }

    private InferenceBenchmark() {
    }

    /** Scores {@code examples} sequences of promptLen + responseLen tokens. */
    public static Map<String, Object> score(Settings s) throws IOException {
        try (NDManager root = NDManager.newBaseManager();
             LanguageModel lm = BenchModel.load(root, s.modelRef(), s.preset(), s.seed())) {
            SplittableRandom rnd = new SplittableRandom(s.seed());
            List<TokenizedExample> data = new ArrayList<>();
            for (int i = 0; i < s.examples(); i++) {
                data.add(new TokenizedExample(prompt(rnd, lm, s.promptLen()), tokens(rnd, lm, s.responseLen())));
            }
            LogLikelihoodScorer scorer = new LogLikelihoodScorer(lm.model(), s.batchSize());
            scorer.score(data.subList(0, Math.min(s.batchSize(), data.size())), null);
            long start = System.nanoTime();
            scorer.score(data, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            long tokens = (long) s.examples() * (s.promptLen() + s.responseLen() - 1);
            Map<String, Object> out = header("score", lm, s);
            out.put("seconds", TrainingBenchmark.round(seconds, 3));
            out.put("examples_per_second", TrainingBenchmark.round(s.examples() / seconds, 2));
            out.put("tokens_per_second", TrainingBenchmark.round(tokens / seconds, 1));
            return out;
        }
    }

    /** Greedily generates responseLen tokens after each of {@code examples} random prompts of promptLen tokens. */
    public static Map<String, Object> generate(Settings s) throws IOException {
        try (NDManager root = NDManager.newBaseManager();
             LanguageModel lm = BenchModel.load(root, s.modelRef(), s.preset(), s.seed())) {
            SplittableRandom rnd = new SplittableRandom(s.seed());
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < s.examples(); i++) {
                prompts.add(prompt(rnd, lm, s.promptLen()));
            }
            new GreedyGenerator(lm.model(), lm.tokenizer(), s.batchSize())
                    .generate(prompts.subList(0, Math.min(s.batchSize(), prompts.size())), 4, List.of(), null);
            GreedyGenerator gen = new GreedyGenerator(lm.model(), lm.tokenizer(), s.batchSize());
            long start = System.nanoTime();
            gen.generate(prompts, s.responseLen(), List.of(), null);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> out = header("generate", lm, s);
            out.put("generated_tokens", gen.generatedTokens());
            out.put("seconds", TrainingBenchmark.round(seconds, 3));
            out.put("tokens_per_second", TrainingBenchmark.round(gen.generatedTokens() / seconds, 1));
            out.put("note", "tokens_per_second counts generated tokens; rows stop early at EOS/BOS with real models");
            return out;
        }
    }

    private static Map<String, Object> header(String name, LanguageModel lm, Settings s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", name);
        out.put("model", lm.source());
        out.put("params", lm.model().numParameters());
        out.put("examples", s.examples());
        out.put("batch", s.batchSize());
        out.put("prompt_len", s.promptLen());
        out.put("response_len", s.responseLen());
        return out;
    }

    /** n random ids that are neither BOS nor EOS. */
    private static int[] tokens(SplittableRandom rnd, LanguageModel lm, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = BenchModel.ordinaryToken(rnd, lm);
        }
        return t;
    }

    /** n random ids starting with BOS when the vocabulary has one, as real prompts do. */
    private static int[] prompt(SplittableRandom rnd, LanguageModel lm, int n) {
        int[] t = tokens(rnd, lm, n);
        if (lm.tokenizer().bosId() >= 0) {
            t[0] = lm.tokenizer().bosId();
        }
        return t;
    }
}
