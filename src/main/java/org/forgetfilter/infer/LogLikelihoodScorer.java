package org.forgetfilter.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.TransformerLm;

/**
 * Per-example response log-likelihood, batched: examples are sorted by length so that a batch pads little,
 * and the results come back in input order. No gradient is recorded outside a GradientCollector.
 */
public final class LogLikelihoodScorer {
    private final TransformerLm model;
    private final int batchSize;

    public LogLikelihoodScorer(TransformerLm model, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
    }

    public List<ResponseScore> score(List<TokenizedExample> examples, Progress progress) {
        ResponseScore[] out = new ResponseScore[examples.size()];
        int[] order = LengthOrder.shortestFirst(examples, TokenizedExample::length);
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try {
            for (int start = 0; start < order.length; start += batchSize) {
                int end = Math.min(order.length, start + batchSize);
                List<TokenizedExample> chunk = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    chunk.add(examples.get(order[i]));
                }
                double[] sums = new double[chunk.size()];
                try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                    scope.suppressNotUsedWarning();
                    PaddedBatch batch = new PaddedBatch(m, chunk, false);
                    float[] lp = batch.targetLogProbs(model).toFloatArray();
                    int[] owner = batch.exampleOfRow();
                    for (int r = 0; r < lp.length; r++) {
                        sums[owner[r]] += lp[r];
                    }
                }
                for (int k = 0; k < chunk.size(); k++) {
                    int tokens = chunk.get(k).response().length;
                    out[order[start + k]] = new ResponseScore(sums[k], tokens == 0 ? 0 : sums[k] / tokens, tokens);
                }
                if (progress != null) {
                    progress.advance(chunk.size());
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return List.of(out);
    }
}
