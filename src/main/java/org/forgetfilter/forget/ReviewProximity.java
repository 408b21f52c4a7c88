package org.forgetfilter.forget;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.infer.PromptEmbedder;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;

/**
 * How close each customer example's prompt is to the safe review set, and the weight that turns its forgetting
 * rate into the value the threshold decides on (beyond the paper; README "Choosing the settings").
 *
 * <p>The safety finetune forgets an unsafe example because the review set teaches the opposite reply to prompts
 * like it; ordinary task examples also drift, as collateral damage of any further finetuning. Weighting by
 * proximity keeps the first and discounts the second. Prompts are embedded by M1 itself (the mean final hidden
 * state, {@link PromptEmbedder}); an example's similarity is the mean cosine similarity to its
 * {@value #NEIGHBOURS} nearest review prompts, so a review set covering several kinds of prompt works as well as
 * one of a single kind. The reference distance (1 - similarity) is the median over the review prompts of their
 * own distance to their nearest other review prompts: an example as close as a typical review prompt gets weight
 * 1, a farther one {@code reference / distance}.
 *
 * @param similarity        mean cosine similarity of each example's prompt to its nearest review prompts
 * @param weight            in (0, 1]; all 1 when the reference distance is 0 (fewer than two review prompts, or
 *                          all alike)
 * @param referenceDistance median distance of the review prompts to their nearest other review prompts
 */
public record ReviewProximity(double[] similarity, double[] weight, double referenceDistance) {
    /** Nearest review prompts an example's similarity is averaged over. */
    static final int NEIGHBOURS = 5;
    /** Part of the stage's cache key: a change of the method must not reuse similarities of the old one. */
    static final String METHOD = "mean-hidden-cosine-knn" + NEIGHBOURS;
    private static final int ROWS_PER_PRODUCT = 256;

    /** {@link #measure(TransformerLm, List, List, List, int)} with all data prompts batched as one group. */
    static ReviewProximity measure(TransformerLm model, List<int[]> dataPrompts, List<int[]> reviewPrompts,
                                   int batchSize) {
        return measure(model, dataPrompts, reviewPrompts,
                List.of(java.util.stream.IntStream.range(0, dataPrompts.size()).toArray()), batchSize);
    }

    /**
     * Embeds the review prompts and the data prompts under {@code model}; {@code groups} are the batching groups of
     * the data prompts ({@link Shard#groups}). The reference distance depends on the review set only, so every
     * shard of a sharded run computes the same one.
     */
    static ReviewProximity measure(TransformerLm model, List<int[]> dataPrompts, List<int[]> reviewPrompts,
                                   List<int[]> groups, int batchSize) {
        PromptEmbedder embedder = new PromptEmbedder(model, batchSize);
        Progress progress = new Progress("embed prompts", reviewPrompts.size() + dataPrompts.size(), "prompts");
        float[][] review = unit(embedder.embed(reviewPrompts, progress));
        float[][] data = unit(ExampleScorer.perGroup(dataPrompts, groups,
                part -> Arrays.asList(embedder.embed(part, progress))).toArray(float[][]::new));
        progress.finish();
        double reference = 0;
        if (review.length > 1) {
            double[] own = nearestMean(model.manager(), review, review, true);
            for (int i = 0; i < own.length; i++) {
                own[i] = 1 - own[i];
            }
            reference = median(own);
        }
        return of(nearestMean(model.manager(), data, review, false), reference);
    }

    /** The weights for given similarities and reference distance. */
    static ReviewProximity of(double[] similarity, double referenceDistance) {
        double[] w = new double[similarity.length];
        for (int i = 0; i < w.length; i++) {
            double d = 1 - similarity[i];
            w[i] = referenceDistance <= 0 || d <= referenceDistance ? 1 : referenceDistance / d;
        }
        return new ReviewProximity(similarity, w, referenceDistance);
    }

    /** forgetting × weight, per example. */
    double[] weigh(double[] forgetting) {
        double[] out = new double[forgetting.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = forgetting[i] * weight[i];
        }
        return out;
    }

    /**
     * For each unit vector of {@code a}, the mean of its largest {@value #NEIGHBOURS} cosine similarities to the
     * unit vectors of {@code b} (fewer when b is smaller); {@code leaveOneOut} (a and b the same set) skips each
     * vector's similarity to itself. The products run as matrix multiplications, {@value #ROWS_PER_PRODUCT} rows of
     * {@code a} at a time.
     */
    static double[] nearestMean(NDManager parent, float[][] a, float[][] b, boolean leaveOneOut) {
        int d = b[0].length;
        int k = Math.min(NEIGHBOURS, b.length - (leaveOneOut ? 1 : 0));
        double[] out = new double[a.length];
        try (NDManager m = parent.newSubManager()) {
            float[] flatB = new float[b.length * d];
            for (int j = 0; j < b.length; j++) {
                System.arraycopy(b[j], 0, flatB, j * d, d);
            }
            NDArray bt = OwnedArrays.of(m, flatB, new Shape(b.length, d)).transpose();
            for (int start = 0; start < a.length; start += ROWS_PER_PRODUCT) {
                int n = Math.min(a.length, start + ROWS_PER_PRODUCT) - start;
                float[] flatA = new float[n * d];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(a[start + i], 0, flatA, i * d, d);
                }
                float[] cos;
                try (NDManager chunk = m.newSubManager()) {
                    cos = OwnedArrays.of(chunk, flatA, new Shape(n, d)).matMul(bt).toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    double[] best = new double[k];
                    Arrays.fill(best, Double.NEGATIVE_INFINITY);
                    for (int j = 0; j < b.length; j++) {
                        if (leaveOneOut && j == start + i) {
                            continue;
                        }
                        double c = cos[i * b.length + j];
                        // keep the k largest, best[0] the smallest of them
                        if (k > 0 && c > best[0]) {
                            int p = 0;
                            while (p + 1 < k && best[p + 1] < c) {
                                best[p] = best[p + 1];
                                p++;
                            }
                            best[p] = c;
                        }
                    }
                    double sum = 0;
                    for (double c : best) {
                        sum += c;
                    }
                    out[start + i] = k > 0 ? sum / k : 0;
                }
            }
        }
        return out;
    }

    /** Each vector scaled to length 1 (a zero vector stays zero). */
    static float[][] unit(float[][] vectors) {
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            double norm = 0;
            for (float v : vectors[i]) {
                norm += (double) v * v;
            }
            double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            out[i] = new float[vectors[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) (vectors[i][j] * scale);
            }
        }
        return out;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
