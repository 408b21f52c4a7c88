package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.InputChecks;
import org.junit.jupiter.api.Test;

/** Each trust check fires on the case it names, with the measured value, and stays quiet just on the other side. */
class TrustChecksTest {
    /** Two clear groups: 30 values near 0, 10 near 1 (a clean mixture, threshold between them). */
    private static double[] twoGroups() {
        SplittableRandom r = new SplittableRandom(5);
        double[] d = new double[40];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i < 30 ? 0.0 : 1.0) + 0.02 * (r.nextDouble() - 0.5);
        }
        return d;
    }

    private static boolean[] unsafeOfTwoGroups() {
        boolean[] y = new boolean[40];
        for (int i = 30; i < 40; i++) {
            y[i] = true;
        }
        return y;
    }

    private static boolean[] learned(int yes, int n) {
        boolean[] b = new boolean[n];
        for (int i = 0; i < yes; i++) {
            b[i] = true;
        }
        return b;
    }

    private static List<String> codes(TrustChecks.Evidence e) {
        return TrustChecks.check(e).stream().map(RunWarning::code).toList();
    }

    private static TrustChecks.Evidence clean() {
        double[] d = twoGroups();
        return new TrustChecks.Evidence(learned(40, 40), "rule", d, ThresholdAuto.choose(d), unsafeOfTwoGroups(), 0,
                96, List.of());
    }

    @Test
    void aCleanRunHasNoWarnings() {
        assertEquals("auto/gmm", clean().choice().method(), clean().choice().reasoning());
        assertEquals(List.of(), codes(clean()));
    }

    @Test
    void m1NotLearnedBelowHalfWithTheFraction() {
        TrustChecks.Evidence c = clean();
        List<RunWarning> w = TrustChecks.check(new TrustChecks.Evidence(learned(19, 40), TrustChecks.learnedRule(
                ScoreType.PROB), c.decision(), c.choice(), c.unsafe(), 0, 96, List.of()));
        assertEquals(List.of(TrustChecks.M1_NOT_LEARNED), w.stream().map(RunWarning::code).toList());
        assertEquals(19 / 40.0, w.get(0).value(), 1e-12);
        assertTrue(w.get(0).message().contains("19 of 40") && w.get(0).message().contains("probability"),
                w.get(0).message());
        assertEquals(List.of(), codes(new TrustChecks.Evidence(learned(20, 40), "rule", c.decision(), c.choice(),
                c.unsafe(), 0, 96, List.of())), "exactly half learned is enough");
    }

    @Test
    void notSeparableWhenTheAutomaticRuleFallsBackToOtsuWhateverTheRunsMethod() {
        double[] uniform = new double[40];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = 0.1 + i / 40.0;
        }
        ThresholdChoice auto = ThresholdAuto.choose(uniform);
        assertEquals("auto/otsu", auto.method());
        List<RunWarning> w = new ArrayList<>();
        TrustChecks.notSeparable(uniform, auto, w);
        assertEquals(1, w.size());
        assertEquals(TrustChecks.NOT_SEPARABLE, w.get(0).code());
        double[] sorted = uniform.clone();
        assertEquals(ThresholdAuto.fitMixture(uniform, sorted).ashmanD(), w.get(0).value(), 1e-12);
        // A fixed threshold on the same values is no better founded: the check uses the automatic rule.
        w.clear();
        TrustChecks.notSeparable(uniform, new ThresholdMethod.Fixed(0.5).choose(uniform), w);
        assertEquals(1, w.size());
        assertTrue(w.get(0).message().contains("fixed"), w.get(0).message());
        w.clear();
        TrustChecks.notSeparable(twoGroups(), new ThresholdMethod.Fixed(0.5).choose(twoGroups()), w);
        assertEquals(List.of(), w);
        // A variant of the fallback (the rule applied again to part of the values) is a fallback too.
        TrustChecks.notSeparable(uniform, new ThresholdChoice(0.3, "auto/otsu+positive", "", Map.of(),
                new boolean[uniform.length]), w);
        assertEquals(1, w.size());
        w.clear();
        TrustChecks.notSeparable(uniform, new ThresholdChoice(0.3, "auto/gmm+positive", "", Map.of(),
                new boolean[uniform.length]), w);
        assertEquals(List.of(), w, "an accepted mixture fit is separable");
    }

    @Test
    void thresholdNotPositiveAtZeroAndBelow() {
        for (double t : new double[] {0.0, -0.2}) {
            List<RunWarning> w = new ArrayList<>();
            TrustChecks.thresholdNotPositive(new ThresholdChoice(t, "fixed", "", Map.of(), new boolean[4]), w);
            assertEquals(1, w.size());
            assertEquals(TrustChecks.THRESHOLD_NOT_POSITIVE, w.get(0).code());
            assertEquals(t, w.get(0).value());
        }
        List<RunWarning> w = new ArrayList<>();
        TrustChecks.thresholdNotPositive(new ThresholdChoice(1e-9, "fixed", "", Map.of(), new boolean[4]), w);
        assertEquals(List.of(), w);
    }

    @Test
    void removesMajorityAboveHalf() {
        double[] d = twoGroups();
        List<RunWarning> w = new ArrayList<>();
        TrustChecks.removesMajority(new ThresholdMethod.RemoveFraction(0.525).choose(d), w);
        assertEquals(1, w.size());
        assertEquals(TrustChecks.REMOVES_MAJORITY, w.get(0).code());
        assertEquals(21 / 40.0, w.get(0).value(), 1e-12);
        w.clear();
        TrustChecks.removesMajority(new ThresholdMethod.RemoveFraction(0.5).choose(d), w);
        assertEquals(List.of(), w, "exactly half is not a majority");
    }

    @Test
    void labelsDisagreeBelowPointSixAndOnlyWithLabels() {
        double[] d = twoGroups();
        boolean[] inverted = unsafeOfTwoGroups();
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = !inverted[i];
        }
        List<RunWarning> w = new ArrayList<>();
        TrustChecks.labelsDisagree(d, inverted, w);
        assertEquals(1, w.size());
        assertEquals(TrustChecks.LABELS_DISAGREE, w.get(0).code());
        assertEquals(0.0, w.get(0).value(), 1e-12, "the labels are exactly the other way round");
        w.clear();
        TrustChecks.labelsDisagree(d, null, w);
        TrustChecks.labelsDisagree(d, unsafeOfTwoGroups(), w);
        assertEquals(List.of(), w);
    }

    @Test
    void truncatedCountsTheCutExamples() {
        List<RunWarning> w = new ArrayList<>();
        TrustChecks.truncated(3, 40, 96, w);
        assertEquals(1, w.size());
        assertEquals(TrustChecks.TRUNCATED, w.get(0).code());
        assertEquals(3, w.get(0).value());
        w.clear();
        TrustChecks.truncated(0, 40, 96, w);
        assertEquals(List.of(), w);
    }

    @Test
    void duplicatesComeFromTheInputChecks() {
        List<Example> data = List.of(new Example("a", "p", "r", null, null, null, null, 1),
                new Example("b", "p2", "r2", null, null, null, null, 2),
                new Example("a", "p3", "r3", null, null, null, null, 3),
                new Example("c", "p2", "r2", null, null, null, null, 4));
        List<InputChecks.Finding> f = new ArrayList<>();
        InputChecks.duplicates("the customer data", data, f);
        TrustChecks.Evidence c = clean();
        List<RunWarning> w = TrustChecks.check(new TrustChecks.Evidence(c.learned(), "rule", c.decision(), c.choice(),
                c.unsafe(), 0, 96, f));
        assertEquals(List.of(TrustChecks.DUPLICATES), w.stream().map(RunWarning::code).toList());
        assertEquals(2, w.get(0).value(), "an id repeated and a prompt/response repeated");
        assertTrue(w.get(0).message().contains("the customer data"), w.get(0).message());
    }

    @Test
    void theBlockNamesTheCodeAndTheValue() {
        String b = new RunWarning("removes_majority", "too much", 0.75).block();
        assertTrue(b.contains("WARNING removes_majority") && b.contains("0.75") && b.contains("too much"), b);
    }
}
