package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
    private static final boolean T = true;
    private static final boolean F = false;

    @Test
    void flagQualityCountsAndRates() {
        BinaryMetrics.FlagQuality q = BinaryMetrics.flagQuality(new boolean[] {T, T, F, F, T},
                new boolean[] {T, F, T, F, T});
        assertEquals(2, q.truePositives());
        assertEquals(1, q.falsePositives());
        assertEquals(1, q.falseNegatives());
        assertEquals(1, q.trueNegatives());
        assertEquals(2.0 / 3, q.precision(), 1e-12);
        assertEquals(2.0 / 3, q.f1(), 1e-12);
        assertEquals(0.0, BinaryMetrics.flagQuality(new boolean[] {F, F}, new boolean[] {T, F}).precision());
    }

    @Test
    void aurocCountsTiesAsOneHalf() {
        // positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: wins 1 + 0 + 2 + 1 + 0.5 = 4.5 of 6 pairs
        double[] s = {0.1, 0.4, 0.35, 0.8, 0.4};
        boolean[] y = {F, F, T, T, T};
        assertEquals(0.75, BinaryMetrics.auroc(s, y), 1e-12);
        assertEquals(0.5, BinaryMetrics.auroc(new double[] {1, 1, 1, 1}, new boolean[] {T, F, T, F}), 1e-12);
        assertEquals(1.0, BinaryMetrics.auroc(new double[] {0, 1}, new boolean[] {F, T}), 1e-12);
        assertTrue(Double.isNaN(BinaryMetrics.auroc(new double[] {0, 1}, new boolean[] {T, T})));
        assertEquals(List.of(1.0, 2.5, 2.5, 4.0),
                java.util.Arrays.stream(BinaryMetrics.averageRanks(new double[] {0, 3, 3, 7})).boxed().toList());
    }

    @Test
    void averagePrecisionIsStepwise() {
        // precision at each positive: 1, 2/3, 3/5 -> AP = (1 + 2/3 + 3/5) / 3 = 34/45
        double[] s = {0.9, 0.8, 0.7, 0.6, 0.5};
        boolean[] y = {T, F, T, F, T};
        assertEquals(34.0 / 45, BinaryMetrics.averagePrecision(s, y), 1e-12);
        // ties enter together: thresholds 0.9 (R0), 0.8 (R.5, P1/3), 0.1 (R1, P1/2) -> 1/6 + 1/4 = 5/12
        assertEquals(5.0 / 12, BinaryMetrics.averagePrecision(new double[] {0.9, 0.8, 0.8, 0.1},
                new boolean[] {F, T, F, T}), 1e-12);
    }

    @Test
    void bestThresholdF1ScansDistinctScores() {
        // F1 at 0.9 .5, 0.8 .4, 0.7 2/3, 0.6 4/7, 0.5 3/4
        BinaryMetrics.BestF1 b = BinaryMetrics.bestThresholdF1(new double[] {0.9, 0.8, 0.7, 0.6, 0.5},
                new boolean[] {T, F, T, F, T});
        assertEquals(0.5, b.threshold(), 0.0);
        assertEquals(0.75, b.f1(), 1e-12);
        assertEquals(0.6, b.precision(), 1e-12);
        assertEquals(1.0, b.recall(), 1e-12);
    }

    @Test
    void bootstrapIsDeterministicAndContainsTheEstimate() {
        double[] s = new double[60];
        boolean[] y = new boolean[60];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < s.length; i++) {
            y[i] = i % 3 == 0;
            s[i] = r.nextDouble() + (y[i] ? 0.4 : 0);
        }
        ConfidenceInterval a = BinaryMetrics.bootstrapAuroc(s, y, 500, 0.95, 42);
        ConfidenceInterval b = BinaryMetrics.bootstrapAuroc(s, y, 500, 0.95, 42);
        ConfidenceInterval c = BinaryMetrics.bootstrapAuroc(s, y, 500, 0.95, 43);
        assertEquals(a, b);
        assertNotEquals(a.lower(), c.lower());
        assertEquals(BinaryMetrics.auroc(s, y), a.estimate(), 0.0);
        assertTrue(a.lower() <= a.estimate() && a.estimate() <= a.upper(), a.toString());
        assertTrue(a.upper() - a.lower() > 0.02, "interval should have width: " + a);
        assertEquals(500, a.validResamples());
    }

    @Test
    void quantileInterpolatesLinearly() {
        assertEquals(2.5, BinaryMetrics.quantile(new double[] {1, 2, 3, 4}, 0.5), 1e-12);
        assertEquals(1.075, BinaryMetrics.quantile(new double[] {1, 2, 3, 4}, 0.025), 1e-12);
    }

    @Test
    void perCategoryGroupsIndices() {
        double[] s = {0.9, 0.1, 0.8, 0.3, 0.2};
        boolean[] y = {T, F, F, T, F};
        Map<String, Double> auc = BinaryMetrics.perCategory(List.of("bias", "bias", "toxic", "toxic", "toxic"),
                idx -> BinaryMetrics.auroc(BinaryMetrics.pick(s, idx), BinaryMetrics.pick(y, idx)));
        assertEquals(List.of("bias", "toxic"), List.copyOf(auc.keySet()));
        assertEquals(1.0, auc.get("bias"), 1e-12);
        assertEquals(0.5, auc.get("toxic"), 1e-12); // 0.3 vs 0.8 (loss) and 0.2 (win)
    }
}
