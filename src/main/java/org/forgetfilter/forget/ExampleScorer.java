package org.forgetfilter.forget;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.forgetfilter.eval.RougeOne;
import org.forgetfilter.infer.GreedyGenerator;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.LogLikelihoodScorer;
import org.forgetfilter.infer.ResponseScore;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.Progress;

/**
 * Computes the forgetting scores of examples under a model. The ROUGE-1 score decodes greedily in batches with a
 * KV cache and stops each row at its first newline, since the paper's score only looks at the first line (its
 * released code decoded 500 tokens at batch 1 and threw the rest away).
 */
public final class ExampleScorer {
    private static final RougeOne ROUGE = RougeOne.withStemmer();
    private final ScoreType type;
    private final int batchSize;
    private final int maxNewTokens;
    private long generatedTokens;
    private double loglikSeconds;
    private double rougeSeconds;

    public ExampleScorer(ScoreType type, int batchSize, int maxNewTokens) {
        this.type = type;
        this.batchSize = batchSize;
        this.maxNewTokens = maxNewTokens;
    }

    /**
     * @param examples tokenized prompt + response (for the log-likelihood)
     * @param prompts  prompt ids for generation (BOS + prompt)
     * @param references reference response texts (for ROUGE)
     * @param groups     the batching groups ({@link Shard#groups}): positions into the lists, each group batched on
     *                   its own, so that an example's batch does not depend on which other groups are scored
     */
    public ExampleScores score(LanguageModel lm, List<TokenizedExample> examples, List<int[]> prompts,
                               List<String> references, List<int[]> groups, String stage) {
        double[] loglik = null;
        double[] rouge = null;
        if (type.needsLoglik()) {
            long t = System.nanoTime();
            Progress p = new Progress(stage + " loglik", examples.size(), "examples");
            LogLikelihoodScorer scorer = new LogLikelihoodScorer(lm.model(), batchSize);
            List<ResponseScore> s = perGroup(examples, groups, part -> scorer.score(part, p));
            p.finish();
            loglik = s.stream().mapToDouble(ResponseScore::loglikMean).toArray();
            loglikSeconds = (System.nanoTime() - t) / 1e9;
        }
        if (type.needsRouge()) {
            long t = System.nanoTime();
            Progress p = new Progress(stage + " rouge1", prompts.size(), "examples");
            GreedyGenerator gen = new GreedyGenerator(lm.model(), lm.tokenizer(), batchSize);
            List<GreedyGenerator.Generation> out = perGroup(prompts, groups,
                    part -> gen.generate(part, maxNewTokens, List.of("\n"), p));
            p.finish();
            generatedTokens += gen.generatedTokens();
            rouge = new double[out.size()];
            for (int i = 0; i < rouge.length; i++) {
                rouge[i] = ROUGE.fmeasure(references.get(i), RougeOne.cleanCompletion(out.get(i).text()));
            }
            rougeSeconds = (System.nanoTime() - t) / 1e9;
        }
        return new ExampleScores(loglik, rouge);
    }

    /**
     * {@code batched} applied to each group of {@code items} on its own; the results in the order of {@code items}
     * (every position must be in exactly one group).
     */
    static <T, R> List<R> perGroup(List<T> items, List<int[]> groups, Function<List<T>, List<R>> batched) {
        List<R> out = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (int[] g : groups) {
            List<T> part = new ArrayList<>(g.length);
            for (int i : g) {
                part.add(items.get(i));
            }
            List<R> r = batched.apply(part);
            for (int k = 0; k < g.length; k++) {
                out.set(g[k], r.get(k));
            }
        }
        if (out.contains(null)) {
            throw new IllegalStateException("the batching groups do not cover all " + items.size() + " items");
        }
        return out;
    }

    /** Wall time of the last log-likelihood pass. */
    public double loglikSeconds() {
        return loglikSeconds;
    }

    /** Wall time of the last ROUGE pass (generation included). */
    public double rougeSeconds() {
        return rougeSeconds;
    }

    /**
     * Times the released code's way of getting a completion for the first {@code n} prompts: batch 1, 500 new tokens
     * (capped by the model's context), no stop at the first newline or at EOS; only the first line is used after.
     * Returns the seconds per example.
     */
    public static double releasedWaySecondsPerExample(LanguageModel lm, List<int[]> prompts, int n) {
        int k = Math.min(n, prompts.size());
        GreedyGenerator gen = new GreedyGenerator(lm.model(), lm.tokenizer(), 1).ignoringEos();
        long t = System.nanoTime();
        gen.generate(prompts.subList(0, k), 500, List.of(), null);
        return (System.nanoTime() - t) / 1e9 / k;
    }

    /** Tokens decoded for ROUGE so far. */
    public long generatedTokens() {
        return generatedTokens;
    }
}
