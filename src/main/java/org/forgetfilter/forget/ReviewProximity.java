package org.forgetfilter.forget;

import java.util.Arrays;
import java.util.List;
import org.forgetfilter.infer.PromptEmbedder;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.TransformerLm;

/**
 * How close each customer example's prompt is to the safe review set, and the weight that turns its forgetting
 * rate into the value the threshold decides on (beyond the paper; README "Review-proximity weighting").
 *
 * <p>The safety finetune forgets an unsafe example because the review set teaches the opposite reply to prompts
 * like it; ordinary task examples also drift, as collateral damage of any further finetuning. Weighting by
 * proximity keeps the first and discounts the second. Prompts are embedded by M1 itself (the mean final hidden
 * state, {@link PromptEmbedder}); proximity is the cosine similarity to the centroid of the review prompts. The
 * reference distance is the median cosine distance of the review prompts themselves to that centroid: an example
 * as close as a typical review prompt gets weight 1, a farther one {@code reference / distance}.
 *
 * @param similarity        cosine similarity of each example's prompt to the review centroid
 * @param weight            in (0, 1]; all 1 when the review prompts do not spread (reference distance 0)
 * @param referenceDistance median cosine distance of the review prompts to their centroid
 */
public record ReviewProximity(double[] similarity, double[] weight, double referenceDistance) {

    static ReviewProximity measure(TransformerLm model, List<int[]> dataPrompts, List<int[]> reviewPrompts,
                                   int batchSize) {
        PromptEmbedder embedder = new PromptEmbedder(model, batchSize);
        Progress progress = new Progress("embed prompts", reviewPrompts.size() + dataPrompts.size(), "prompts");
        float[][] review = embedder.embed(reviewPrompts, progress);
        float[][] data = embedder.embed(dataPrompts, progress);
        progress.finish();
        double[] centroid = new double[review[0].length];
        for (float[] v : review) {
            for (int j = 0; j < v.length; j++) {
                centroid[j] += v[j] / review.length;
            }
        }
        double[] reviewDistance = new double[review.length];
        for (int k = 0; k < review.length; k++) {
            reviewDistance[k] = 1 - cosine(review[k], centroid);
        }
        return of(Arrays.stream(data).mapToDouble(v -> cosine(v, centroid)).toArray(), median(reviewDistance));
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

    static double cosine(float[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += b[j] * b[j];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
