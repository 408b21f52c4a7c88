package org.forgetfilter.experiment;

import org.forgetfilter.forget.ThresholdChoice;

import java.util.List;

/**
 * What the ForgetFilter step produced on one noisy set: per example the score after noisy finetuning (s1), after
 * safety finetuning (s2) and the forgetting f = s1 - s2; the forgetting at intermediate safety steps (the
 * forgetting curve); the threshold choice and the removed examples; and the key of the safety-finetuned model
 * (which is also the sequential-safety baseline).
 *
 * @param curveSteps   safety steps at which forgetting was measured
 * @param curve        curve[k][i] = forgetting of example i after curveSteps[k] safety steps
 */
public record Forgetting(String safetyModelKey, double[] s1, double[] s2, double[] forgetting, int[] curveSteps,
                         double[][] curve, ThresholdChoice threshold, boolean[] removed, String scoreType,
                         String backend) {
    public int removedCount() {
        int n = 0;
        for (boolean b : removed) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Means of the curve over the examples with each label ({@code labels} parallel to the examples). */
    public double[] meanCurve(List<String> labels, String label) {
        double[] out = new double[curve.length];
        for (int k = 0; k < curve.length; k++) {
            double s = 0;
            int n = 0;
            for (int i = 0; i < labels.size(); i++) {
                if (label.equals(labels.get(i))) {
                    s += curve[k][i];
                    n++;
                }
            }
            out[k] = n == 0 ? Double.NaN : s / n;
        }
        return out;
    }
}
