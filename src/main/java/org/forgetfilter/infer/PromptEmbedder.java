package org.forgetfilter.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;

/**
 * The model's own embedding of a prompt: the mean of its final-normed hidden states over the prompt's tokens.
 * Batched and right-padded (real positions never attend to the padding after them); results in input order.
 */
public final class PromptEmbedder {
    private final TransformerLm model;
    private final int batchSize;

    public PromptEmbedder(TransformerLm model, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
    }

    /** One vector of the model's hidden size per prompt (token ids, at least one each); progress may be null. */
    public float[][] embed(List<int[]> prompts, Progress progress) {
        float[][] out = new float[prompts.size()][];
        int[] order = LengthOrder.shortestFirst(prompts, p -> p.length);
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try {
            for (int start = 0; start < order.length; start += batchSize) {
                int b = Math.min(order.length, start + batchSize) - start;
                int t = prompts.get(order[start + b - 1]).length;
                long[] ids = new long[b * t];
                float[] mask = new float[b * t];
                for (int k = 0; k < b; k++) {
                    int[] p = prompts.get(order[start + k]);
                    if (p.length == 0) {
                        throw new IllegalArgumentException("prompt " + order[start + k] + " has no tokens to embed");
                    }
                    for (int j = 0; j < p.length; j++) {
                        ids[k * t + j] = p[j];
                        mask[k * t + j] = 1f / p.length;
                    }
                }
                try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                    scope.suppressNotUsedWarning();
                    NDArray hidden = model.hidden(OwnedArrays.of(m, ids, new Shape(b, t)), null, null, null);
                    float[] mean = hidden.mul(OwnedArrays.of(m, mask, new Shape(b, t, 1))).sum(new int[] {1})
                            .toFloatArray();
                    int d = mean.length / b;
                    for (int k = 0; k < b; k++) {
                        out[order[start + k]] = Arrays.copyOfRange(mean, k * d, (k + 1) * d);
                    }
                }
                if (progress != null) {
                    progress.advance(b);
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return out;
    }
}
