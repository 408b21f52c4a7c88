package org.forgetfilter.forget;

import java.util.Arrays;
import java.util.Map;
import org.forgetfilter.eval.BinaryMetrics;

/**
 * The outcome of a threshold method on one set of forgetting scores: the threshold (an example is flagged when
 * its score is strictly greater), which method chose it, a sentence explaining why, the fitted parameters, and
 * the flags themselves. The flags are authoritative: for {@link ThresholdMethod.RemoveFraction} tied scores at the
 * boundary are split by index, which no single threshold can express.
 *
 * @param parameters named numbers behind the choice (mixture means and weights, fraction, count, ...)
 */
public record ThresholdChoice(double threshold, String method, String reasoning, Map<String, Double> parameters,
                              boolean[] flagged) {
    public ThresholdChoice {
        parameters = Map.copyOf(parameters);
        flagged = flagged.clone();
    }

    @Override
    public boolean[] flagged() {
        return flagged.clone();
    }

    public int flaggedCount() {
        return count(flagged);
    }

    /** Number of true flags. */
    static int count(boolean[] flags) {
        return BinaryMetrics.countTrue(flags);
    }

    /** Flags {@code score > threshold} on each score. */
    static boolean[] flagAbove(double[] scores, double threshold) {
        boolean[] out = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i] > threshold;
        }
        return out;
    }

    @Override
    public String toString() {
        return "ThresholdChoice[" + method + " threshold=" + threshold + " flagged=" + flaggedCount() + "/"
                + flagged.length + " params=" + parameters + " (" + reasoning + ")]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThresholdChoice c && Double.compare(c.threshold, threshold) == 0
                && c.method.equals(method) && c.reasoning.equals(reasoning) && c.parameters.equals(parameters)
                && Arrays.equals(c.flagged, flagged);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(threshold) * 31 + Arrays.hashCode(flagged);
    }
}
