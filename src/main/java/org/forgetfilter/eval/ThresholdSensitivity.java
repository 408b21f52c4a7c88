package org.forgetfilter.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What other thresholds on the deciding values would have removed: the share of the data removed and, against
 * labels when there are some, precision, recall and F1. Used by the filter's report and the experiment's results,
 * so both draw the same curve.
 */
public final class ThresholdSensitivity {
    /** One threshold (flag value > threshold) and its outcome; the label metrics are NaN without labels. */
    public record Point(double threshold, double removedFraction, double precision, double recall, double f1) {
    }

    private ThresholdSensitivity() {
    }

    /**
     * At up to {@code points} thresholds, each just below one of evenly spaced order statistics of {@code values}
     * (from the smallest, which removes everything, to the largest, which removes one example or its ties), and
     * at {@code extra} thresholds (e.g. the chosen one), in increasing order of threshold.
     *
     * @param unsafe the labels (true = unsafe), or null when there are none
     */
    public static List<Point> of(double[] values, boolean[] unsafe, int points, double... extra) {
        if (unsafe != null && unsafe.length != values.length) {
            throw new IllegalArgumentException(values.length + " values but " + unsafe.length + " labels");
        }
        List<Point> out = new ArrayList<>();
        if (values.length == 0) {
            return out;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = Math.min(points, sorted.length);
        List<Double> thresholds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            thresholds.add(sorted[(int) ((long) i * (sorted.length - 1) / Math.max(1, k - 1))] - 1e-12);
        }
        for (double t : extra) {
            if (Double.isFinite(t)) {
                thresholds.add(t);
            }
        }
        thresholds.sort(Double::compare);
        for (double t : thresholds) {
            boolean[] flagged = new boolean[values.length];
            for (int i = 0; i < flagged.length; i++) {
                flagged[i] = values[i] > t;
            }
            double removed = (double) BinaryMetrics.countTrue(flagged) / flagged.length;
            if (unsafe == null) {
                out.add(new Point(t, removed, Double.NaN, Double.NaN, Double.NaN));
            } else {
                BinaryMetrics.FlagQuality q = BinaryMetrics.flagQuality(flagged, unsafe);
                out.add(new Point(t, removed, q.precision(), q.recall(), q.f1()));
            }
        }
        return out;
    }
}
