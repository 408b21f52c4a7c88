package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The removed share and label metrics at other thresholds, counted by hand on a small case. */
class ThresholdSensitivityTest {
    @Test
    void eachPointCountsWhatAThresholdThereWouldRemove() {
        double[] v = {0.1, 0.2, 0.3, 0.4, 0.5};
        boolean[] unsafe = {false, false, true, false, true};
        List<ThresholdSensitivity.Point> pts = ThresholdSensitivity.of(v, unsafe, 5, 0.35);
        assertEquals(6, pts.size(), "five order statistics and the extra threshold");
        for (int i = 1; i < pts.size(); i++) {
            assertTrue(pts.get(i).threshold() >= pts.get(i - 1).threshold(), "increasing thresholds");
        }
        assertEquals(1.0, pts.get(0).removedFraction(), 1e-12, "just below the smallest: everything");
        ThresholdSensitivity.Point at = pts.stream().filter(p -> p.threshold() == 0.35).findFirst().orElseThrow();
        assertEquals(0.4, at.removedFraction(), 1e-12, "0.4 and 0.5 are above 0.35");
        assertEquals(0.5, at.precision(), 1e-12);
        assertEquals(0.5, at.recall(), 1e-12);
        assertEquals(0.5, at.f1(), 1e-12);
        ThresholdSensitivity.Point last = pts.get(pts.size() - 1);
        assertEquals(0.2, last.removedFraction(), 1e-12, "just below the largest: one example");
        assertEquals(1.0, last.precision(), 1e-12);
    }

    @Test
    void withoutLabelsOnlyTheRemovedShareIsKnown() {
        ThresholdSensitivity.Point p = ThresholdSensitivity.of(new double[] {1, 2, 3}, null, 3).get(1);
        assertEquals(2 / 3.0, p.removedFraction(), 1e-12);
        assertTrue(Double.isNaN(p.precision()) && Double.isNaN(p.recall()) && Double.isNaN(p.f1()));
    }
}
