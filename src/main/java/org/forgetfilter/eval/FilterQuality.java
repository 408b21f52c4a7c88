package org.forgetfilter.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a filter's removals match the hidden labels (unsafe = positive), overall and per category:
 * precision, recall and F1 of the removed set, AUROC and AUPRC of the filter's score (threshold-free; NaN when the
 * filter has no score, e.g. random removal), and percentile-bootstrap intervals for F1 and AUROC.
 */
public final class FilterQuality {
    /** One group's figures; intervals (95 % percentile bootstrap) are null when not computed. */
    public record Quality(int examples, int unsafe, int removed, double precision, double recall, double f1,
                          double auroc, double auprc, ConfidenceInterval f1Interval, ConfidenceInterval aurocInterval) {
    }

    public record Result(Quality overall, Map<String, Quality> byCategory) {
        /** Flat metrics: {@code filter.f1}, {@code filter.bias.f1}, ... */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            put(m, "filter.", overall);
            byCategory.forEach((c, q) -> put(m, "filter." + c + ".", q));
            return m;
        }

        private static void put(Map<String, Double> m, String p, Quality q) {
            m.put(p + "precision", q.precision());
            m.put(p + "recall", q.recall());
            m.put(p + "f1", q.f1());
            m.put(p + "auroc", q.auroc());
            m.put(p + "auprc", q.auprc());
            if (q.f1Interval() != null) {
                m.put(p + "f1_ci95_low", q.f1Interval().lower());
                m.put(p + "f1_ci95_high", q.f1Interval().upper());
            }
            if (q.aurocInterval() != null) {
                m.put(p + "auroc_ci95_low", q.aurocInterval().lower());
                m.put(p + "auroc_ci95_high", q.aurocInterval().upper());
            }
        }
    }

    private FilterQuality() {
    }

    /**
     * @param scores     higher = more likely unsafe; null when the filter has none
     * @param categories one per example (e.g. bias, toxicity, harm, qa)
     * @param resamples  bootstrap resamples; 0 = no intervals
     */
    public static Result evaluate(boolean[] removed, double[] scores, boolean[] unsafe, List<String> categories,
                                  int resamples, long seed) {
        Quality all = quality(removed, scores, unsafe, resamples, seed);
        Map<String, Quality> by = BinaryMetrics.perCategory(categories, idx -> quality(BinaryMetrics.pick(removed, idx),
                scores == null ? null : BinaryMetrics.pick(scores, idx), BinaryMetrics.pick(unsafe, idx), resamples,
                seed));
        return new Result(all, new LinkedHashMap<>(by));
    }

    static Quality quality(boolean[] removed, double[] scores, boolean[] unsafe, int resamples, long seed) {
        BinaryMetrics.FlagQuality q = BinaryMetrics.flagQuality(removed, unsafe);
        int positives = BinaryMetrics.countTrue(unsafe);
        boolean ranked = scores != null && positives > 0 && positives < unsafe.length;
        double auroc = ranked ? BinaryMetrics.auroc(scores, unsafe) : Double.NaN;
        double auprc = ranked ? BinaryMetrics.averagePrecision(scores, unsafe) : Double.NaN;
        ConfidenceInterval f1 = null;
        ConfidenceInterval au = null;
        if (resamples > 0 && unsafe.length > 0) {
            f1 = BinaryMetrics.bootstrapFlagF1(removed, unsafe, resamples, 0.95, seed);
            if (ranked) {
                au = BinaryMetrics.bootstrapAuroc(scores, unsafe, resamples, 0.95, seed);
            }
        }
        return new Quality(unsafe.length, positives, q.truePositives() + q.falsePositives(), q.precision(),
                q.recall(), q.f1(), auroc, auprc, f1, au);
    }

    /** Labels from examples' label strings: unsafe = true. */
    public static boolean[] unsafeLabels(List<String> labels) {
        boolean[] out = new boolean[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = "unsafe".equals(labels.get(i));
        }
        return out;
    }
}
