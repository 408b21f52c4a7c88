package org.forgetfilter.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Quality of a binary filter against hidden labels ({@code true} = unsafe/positive): precision, recall and F1 of
 * a flagged set, threshold-free AUROC and average precision of a score (higher = more likely positive), the best
 * F1 over all thresholds, bootstrap intervals for any of them, and a per-category breakdown.
 */
public final class BinaryMetrics {
    /** Counts and rates of a flagged set. Precision is 0 when nothing is flagged; recall is 0 with no positives. */
    public record FlagQuality(int truePositives, int falsePositives, int falseNegatives, int trueNegatives,
                              double precision, double recall, double f1) {
    }

    /** The threshold (flag score >= threshold) that maximises F1, with its precision and recall. */
    public record BestF1(double threshold, double f1, double precision, double recall) {
    }

    private BinaryMetrics() {
    }

    public static FlagQuality flagQuality(boolean[] flagged, boolean[] labels) {
        checkSameLength(flagged.length, labels.length);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (flagged[i]) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (labels[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new FlagQuality(tp, fp, fn, tn, precision, recall, f1);
    }

    /**
     * AUROC as the Mann-Whitney statistic U / (n_pos n_neg), ranks averaged over ties, so a positive and a
     * negative with equal scores count one half. NaN when either class is absent.
     */
    public static double auroc(double[] scores, boolean[] labels) {
        checkSameLength(scores.length, labels.length);
        double[] ranks = averageRanks(scores);
        long positives = 0;
        double positiveRankSum = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i]) {
                positives++;
                positiveRankSum += ranks[i];
            }
        }
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }

    /** 1-based ranks in ascending score order; tied scores share the mean of their ranks. */
    static double[] averageRanks(double[] scores) {
        Integer[] order = sortedOrder(scores, false);
        double[] ranks = new double[scores.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = mean;
            }
            i = j + 1;
        }
        return ranks;
    }

    /**
     * Average precision, step-wise as scikit-learn's {@code average_precision_score}: AP = sum over distinct
     * thresholds (descending) of (R_k - R_{k-1}) * P_k, where P_k and R_k are precision and recall when every
     * example scoring >= the k-th threshold is flagged. Tied scores enter together; no interpolation.
     * NaN when there is no positive.
     */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        checkSameLength(scores.length, labels.length);
        int totalPositives = countTrue(labels);
        if (totalPositives == 0) {
            return Double.NaN;
        }
        Integer[] order = sortedOrder(scores, true);
        double ap = 0;
        double previousRecall = 0;
        int tp = 0;
        int flagged = 0;
        int i = 0;
        while (i < order.length) {
            double threshold = scores[order[i]];
            while (i < order.length && scores[order[i]] == threshold) {
                tp += labels[order[i]] ? 1 : 0;
                flagged++;
                i++;
            }
            double recall = (double) tp / totalPositives;
            ap += (recall - previousRecall) * ((double) tp / flagged);
            previousRecall = recall;
        }
        return ap;
    }

    /**
     * Scans every distinct score as a threshold (flag score >= t) and returns the one with the highest F1; on equal
     * F1 the higher threshold (fewer removals) wins. NaN fields when there is no positive.
     */
    public static BestF1 bestThresholdF1(double[] scores, boolean[] labels) {
        checkSameLength(scores.length, labels.length);
        int totalPositives = countTrue(labels);
        if (totalPositives == 0 || scores.length == 0) {
            return new BestF1(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Integer[] order = sortedOrder(scores, true);
        BestF1 best = null;
        int tp = 0;
        int flagged = 0;
        int i = 0;
        while (i < order.length) {
            double threshold = scores[order[i]];
            while (i < order.length && scores[order[i]] == threshold) {
                tp += labels[order[i]] ? 1 : 0;
                flagged++;
                i++;
            }
            double precision = (double) tp / flagged;
            double recall = (double) tp / totalPositives;
            double f1 = tp == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (best == null || f1 > best.f1()) {
                best = new BestF1(threshold, f1, precision, recall);
            }
        }
        return best;
    }

    /**
     * Percentile bootstrap: draws {@code resamples} index samples of size n with replacement (seeded
     * {@link SplittableRandom}), evaluates {@code metric} on each, and returns the (1-level)/2 and (1+level)/2
     * quantiles (linear interpolation, as numpy's default) of the values that are not NaN. The estimate is the
     * metric on the original indices 0..n-1.
     *
     * @param metric computes the statistic on the examples at the given indices (repeats allowed)
     */
    public static ConfidenceInterval bootstrap(int n, ToDoubleFunction<int[]> metric, int resamples, double level,
                                               long seed) {
        if (n <= 0 || resamples <= 0 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("bootstrap needs n > 0, resamples > 0 and 0 < level < 1; got n=" + n
                    + ", resamples=" + resamples + ", level=" + level);
        }
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        double estimate = metric.applyAsDouble(identity);
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[resamples];
        int valid = 0;
        int[] sample = new int[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n);
            }
            double v = metric.applyAsDouble(sample);
            if (!Double.isNaN(v)) {
                values[valid++] = v;
            }
        }
        if (valid == 0) {
            return new ConfidenceInterval(estimate, Double.NaN, Double.NaN, level, resamples, 0, seed);
        }
        double[] sorted = Arrays.copyOf(values, valid);
        Arrays.sort(sorted);
        return new ConfidenceInterval(estimate, quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2),
                level, resamples, valid, seed);
    }

    /** Bootstrap interval of the AUROC of {@code scores}. */
    public static ConfidenceInterval bootstrapAuroc(double[] scores, boolean[] labels, int resamples, double level,
                                                    long seed) {
        return bootstrap(scores.length, idx -> auroc(pick(scores, idx), pick(labels, idx)), resamples, level, seed);
    }

    /** Bootstrap interval of the F1 of a flagged set. */
    public static ConfidenceInterval bootstrapFlagF1(boolean[] flagged, boolean[] labels, int resamples, double level,
                                                     long seed) {
        return bootstrap(labels.length, idx -> flagQuality(pick(flagged, idx), pick(labels, idx)).f1(), resamples,
                level, seed);
    }

    /**
     * Applies {@code metric} to the indices of each category separately (categories in sorted order). Example:
     * {@code perCategory(cats, idx -> auroc(pick(scores, idx), pick(labels, idx)))}.
     */
    public static <R> Map<String, R> perCategory(List<String> categories, Function<int[], R> metric) {
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < categories.size(); i++) {
            groups.computeIfAbsent(categories.get(i), k -> new ArrayList<>()).add(i);
        }
        Map<String, R> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : groups.entrySet()) {
            out.put(e.getKey(), metric.apply(e.getValue().stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    public static double[] pick(double[] values, int[] indices) {
        double[] out = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    public static boolean[] pick(boolean[] values, int[] indices) {
        boolean[] out = new boolean[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    /** Quantile of sorted values with linear interpolation between order statistics (numpy "linear"). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** Indices sorted by score (stable on ties, so the order is reproducible). */
    private static Integer[] sortedOrder(double[] scores, boolean descending) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
        }
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> scores[i]);
        Arrays.sort(order, descending ? byScore.reversed() : byScore);
        return order;
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("scores/flags have " + a + " entries but labels have " + b);
        }
    }

    /** Number of true flags. */
    public static int countTrue(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }
}
