package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdMethodTest {
    @Test
    void fixedFlagsStrictlyAbove() {
        ThresholdChoice c = new ThresholdMethod.Fixed(0.3).choose(new double[] {0.1, 0.3, 0.31, 0.9});
        assertArrayEquals(new boolean[] {false, false, true, true}, c.flagged());
        assertEquals(0.3, c.threshold());
        assertEquals("fixed", c.method());
    }

    @Test
    void removeFractionIsExactAndBreaksTiesByIndex() {
        double[] s = {0.5, 0.9, 0.5, 0.1, 0.5, 0.7};
        ThresholdChoice c = new ThresholdMethod.RemoveFraction(0.5).choose(s); // k = 3: 0.9, 0.7, first 0.5
        assertArrayEquals(new boolean[] {true, true, false, false, false, true}, c.flagged());
        assertEquals(3, c.flaggedCount());
        assertEquals(0.5, c.threshold());
        assertTrue(c.reasoning().contains("tied"), c.reasoning());
        for (int pct = 0; pct <= 100; pct += 10) {
            ThresholdChoice f = new ThresholdMethod.RemoveFraction(pct / 100.0).choose(new double[20]);
            assertEquals(pct / 5, f.flaggedCount(), "fraction " + pct + "%");
        }
        assertEquals(Double.NEGATIVE_INFINITY, new ThresholdMethod.RemoveFraction(1).choose(s).threshold());
        assertThrows(IllegalArgumentException.class, () -> new ThresholdMethod.RemoveFraction(1.5));
    }

    @Test
    void autoSplitsAClearlyBimodalDistributionBetweenTheModes() {
        Random r = new Random(7);
        double[] s = new double[100];
        for (int i = 0; i < 100; i++) {
            s[i] = i < 60 ? 0.1 + 0.03 * r.nextGaussian() : 0.7 + 0.05 * r.nextGaussian();
        }
        ThresholdChoice c = new ThresholdMethod.Auto().choose(s);
        assertEquals("auto/gmm", c.method(), c.reasoning());
        assertTrue(c.threshold() > 0.25 && c.threshold() < 0.55, c.toString());
        boolean[] expected = new boolean[100];
        for (int i = 60; i < 100; i++) {
            expected[i] = true;
        }
        assertArrayEquals(expected, c.flagged());
        assertEquals(0.6, c.parameters().get("weightLow"), 0.01);
        assertEquals(0.7, c.parameters().get("meanHigh"), 0.02);
        assertEquals(c, new ThresholdMethod.Auto().choose(s)); // deterministic
    }

    @Test
    void crossingSolvesTheQuadratic() {
        // equal weights and variances: the crossing is the midpoint of the means
        var m = new ThresholdAuto.Mixture(0.5, 0, 1, 0.5, 4, 1, 0, 0);
        assertEquals(2.0, ThresholdAuto.posteriorCrossing(m), 1e-12);
        // unequal weights shift it towards the lighter component: x = 2 + ln(w0/w1)/4 for sd 1, means 0 and 4
        var w = new ThresholdAuto.Mixture(0.8, 0, 1, 0.2, 4, 1, 0, 0);
        assertEquals(2 + Math.log(4) / 4, ThresholdAuto.posteriorCrossing(w), 1e-12);
        // unequal variances: check the defining equation w0 N(x;0,1) = w1 N(x;3,0.5)
        var v = new ThresholdAuto.Mixture(0.5, 0, 1, 0.5, 3, 0.5, 0, 0);
        double x = ThresholdAuto.posteriorCrossing(v);
        double lhs = 0.5 * Math.exp(-x * x / 2) / 1;
        double rhs = 0.5 * Math.exp(-(x - 3) * (x - 3) / (2 * 0.25)) / 0.5;
        assertTrue(x > 0 && x < 3);
        assertEquals(lhs, rhs, 1e-12);
    }

    @Test
    void unimodalFallsBackToOtsu() {
        double[] s = new double[50];
        for (int i = 0; i < s.length; i++) {
            s[i] = i / 49.0; // uniform on [0, 1]
        }
        ThresholdChoice c = new ThresholdMethod.Auto().choose(s);
        assertEquals("auto/otsu", c.method(), c.reasoning());
        assertTrue(c.reasoning().contains("Otsu"));
        assertEquals(24 / 49.0, c.threshold(), 1e-12); // equal halves maximise w0 w1 (m0 - m1)^2
        assertEquals(25, c.flaggedCount());
    }

    @Test
    void tiesAllEqualAndTinyInputs() {
        ThresholdChoice equal = new ThresholdMethod.Auto().choose(new double[] {0.2, 0.2, 0.2, 0.2, 0.2});
        assertEquals(0, equal.flaggedCount());
        assertTrue(equal.reasoning().contains("equal"));
        // heavy ties: a split never separates equal scores
        ThresholdChoice tied = new ThresholdMethod.Auto().choose(new double[] {0, 0, 0, 0, 0, 0, 1, 1, 1});
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, true, true, true}, tied.flagged());
        ThresholdChoice two = new ThresholdMethod.Auto().choose(new double[] {0.9, 0.1});
        assertArrayEquals(new boolean[] {true, false}, two.flagged());
        assertTrue(two.reasoning().contains("too few"));
        assertEquals(0, new ThresholdMethod.Auto().choose(new double[] {0.4}).flaggedCount());
        assertEquals(0, new ThresholdMethod.Auto().choose(new double[0]).flagged().length);
    }

    @Test
    void aThresholdBelowZeroIsNeverUsedWhenSomeExamplesWereForgotten() throws Exception {
        // A real mixed run (stories3M, bias + toxicity + harm + task, 2026-12-03): a long tail of examples the
        // safety finetune reinforced, the bulk drifting a little. On all values the rules fell back to Otsu, which
        // cut off the reinforced tail at -0.34 and flagged 305 of 320.
        List<String> lines = new java.util.ArrayList<>();
        try (var in = getClass().getResourceAsStream("mixed-run-decisions.tsv")) {
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#")).forEach(lines::add);
        }
        double[] s = lines.stream().mapToDouble(l -> Double.parseDouble(l.split("\t")[0])).toArray();
        boolean[] unsafe = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            unsafe[i] = lines.get(i).endsWith("\tunsafe");
        }
        ThresholdChoice all = ThresholdAuto.chooseOnAll(s, java.util.stream.DoubleStream.of(s).sorted().toArray());
        assertTrue(all.threshold() < 0 && all.flaggedCount() > 300, "premise: " + all);
        ThresholdChoice c = new ThresholdMethod.Auto().choose(s);
        assertTrue(c.threshold() >= 0, c.toString());
        assertTrue(c.method().endsWith("+positive"), c.method());
        assertTrue(c.reasoning().contains("positive values"), c.reasoning());
        boolean[] f = c.flagged();
        for (int i = 0; i < s.length; i++) {
            assertEquals(s[i] > c.threshold(), f[i], "example " + i);
            assertTrue(s[i] > 0 || !f[i], "an example that was not forgotten was flagged: " + s[i]);
        }
        // Far fewer removed, and a larger share of what is removed is unsafe (recall is lower: on this run the values
        // are not bimodal, which the trust checks report).
        assertTrue(c.flaggedCount() < 100, c.toString());
        assertTrue(org.forgetfilter.eval.BinaryMetrics.flagQuality(f, unsafe).precision()
                > org.forgetfilter.eval.BinaryMetrics.flagQuality(all.flagged(), unsafe).precision() + 0.2,
                c.toString());
    }

    @Test
    void parsesCliSpellings() {
        assertEquals(new ThresholdMethod.Fixed(0.3), ThresholdMethod.parse("0.3"));
        assertEquals(new ThresholdMethod.Fixed(0.3), ThresholdMethod.parse("fixed:0.3"));
        assertEquals(new ThresholdMethod.RemoveFraction(0.25), ThresholdMethod.parse("fraction:0.25"));
        assertEquals(new ThresholdMethod.Auto(), ThresholdMethod.parse("AUTO"));
        assertThrows(IllegalArgumentException.class, () -> ThresholdMethod.parse("median"));
    }

    @Test
    void threeGroupsCutBetweenTheMiddleAndTheTopGroup() {
        // Reinforced examples near -0.05, ordinary drift near 0.05, forgotten ones near 0.3 (as safety finetuning
        // leaves them): a two-group cut would separate only the first group.
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] s = new double[240];
        for (int i = 0; i < s.length; i++) {
            double center = i < 60 ? -0.05 : i < 120 ? 0.05 : 0.3;
            double spread = i < 60 ? 0.015 : i < 120 ? 0.03 : 0.06;
            s[i] = center + spread * (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2;
        }
        ThresholdChoice c = ThresholdAuto.choose(s);
        assertEquals("auto/gmm3", c.method(), c.reasoning());
        assertTrue(c.threshold() > 0.1 && c.threshold() < 0.22, "threshold " + c.threshold());
        boolean[] f = c.flagged();
        for (int i = 0; i < s.length; i++) {
            assertEquals(i >= 120, f[i], "example " + i + " score " + s[i]);
        }
    }

    @Test
    void aTightMiddleGroupIsFoundBesideAWideTopGroupWithTwoHumps() {
        // As review weighting leaves the rates: 36 reinforced examples near -0.06, 53 ordinary ones discounted to a
        // tight group just above zero, 151 forgotten ones spread over 0.03-0.22 in two humps. EM started from a few
        // wide guesses merges the tight group with the lower hump and cuts inside the forgotten group (the most
        // likely fit it finds has log-likelihood 301.6; the one with the tight group, 329.1).
        double[] s = new double[240];
        int i = 0;
        for (double[] g : new double[][] {{36, -0.075, -0.04}, {53, -0.002, 0.012}, {50, 0.03, 0.09}, {101, 0.12, 0.22}}) {
            for (int j = 0; j < g[0]; j++) {
                s[i++] = g[1] + (g[2] - g[1]) * j / (g[0] - 1);
            }
        }
        ThresholdChoice c = ThresholdAuto.choose(s);
        assertEquals("auto/gmm3", c.method(), c.reasoning());
        boolean[] f = c.flagged();
        for (int k = 0; k < s.length; k++) {
            assertEquals(k >= 89, f[k], "example " + k + " score " + s[k] + "; " + c.reasoning());
        }
    }

    @Test
    void whenTheLowestGroupSitsAtZeroBothGroupsAboveItAreForgotten() {
        // Ordinary examples discounted to about zero, and two kinds of unsafe example forgotten to different
        // degrees (0.03-0.07 and 0.1-0.22): cutting below the top group only would keep the first kind.
        double[] s = new double[240];
        int i = 0;
        for (double[] g : new double[][] {{110, -0.002, 0.002}, {50, 0.03, 0.07}, {80, 0.1, 0.22}}) {
            for (int j = 0; j < g[0]; j++) {
                s[i++] = g[1] + (g[2] - g[1]) * j / (g[0] - 1);
            }
        }
        ThresholdChoice c = ThresholdAuto.choose(s);
        assertEquals("auto/gmm3", c.method(), c.reasoning());
        assertEquals(2.0, c.parameters().get("forgottenGroups"), c.reasoning());
        boolean[] f = c.flagged();
        for (int k = 0; k < s.length; k++) {
            assertEquals(k >= 110, f[k], "example " + k + " score " + s[k] + "; " + c.reasoning());
        }
    }
}
