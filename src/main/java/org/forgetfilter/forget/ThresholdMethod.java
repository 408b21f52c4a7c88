package org.forgetfilter.forget;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * How to turn forgetting scores f = s1 - s2 into a set of flagged (removed) examples. Three methods:
 * <ul>
 *   <li>{@link Fixed}: the paper's rule, flag f > φ;</li>
 *   <li>{@link RemoveFraction}: flag the top P fraction;</li>
 *   <li>{@link Auto}: choose φ from the score distribution alone (two-Gaussian mixture, Otsu fallback), see
 *       {@link ThresholdAuto}.</li>
 * </ul>
 * {@link #parse(String)} reads the CLI spellings {@code 0.3}, {@code fixed:0.3}, {@code fraction:0.25},
 * {@code auto}.
 */
public sealed interface ThresholdMethod {
    ThresholdChoice choose(double[] scores);

    /** Flag every example whose score is strictly greater than φ. */
    record Fixed(double phi) implements ThresholdMethod {
        @Override
        public ThresholdChoice choose(double[] scores) {
            boolean[] flags = ThresholdChoice.flagAbove(scores, phi);
            int count = ThresholdChoice.count(flags);
            return new ThresholdChoice(phi, "fixed",
                    String.format(Locale.ROOT, "fixed threshold: flag forgetting score > %.6g (%d of %d flagged)",
                            phi, count, scores.length),
                    Map.of("phi", phi), flags);
        }
    }

    /**
     * Flag the k = round(P * n) highest scores (half rounds up). Order: higher score first; among equal scores the
     * lower index first, so ties at the boundary are split deterministically and exactly k are flagged. The
     * reported threshold is the highest unflagged score (−∞ when all are flagged), so "score > threshold" gives the
     * same set unless the boundary splits a tie (the reasoning says so).
     */
    record RemoveFraction(double fraction) implements ThresholdMethod {
        public RemoveFraction {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("remove fraction must be in [0, 1], got " + fraction);
            }
        }

        @Override
        public ThresholdChoice choose(double[] scores) {
            int n = scores.length;
            int k = (int) Math.min(n, Math.floor(fraction * n + 0.5));
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
            boolean[] flags = new boolean[n];
            for (int r = 0; r < k; r++) {
                flags[order[r]] = true;
            }
            double threshold = k == n ? Double.NEGATIVE_INFINITY : scores[order[k]];
            boolean splitTie = k > 0 && k < n && scores[order[k - 1]] == scores[order[k]];
            String reasoning = String.format(Locale.ROOT,
                    "remove fraction %.4g: flag the top %d of %d scores (round(P*n), ties broken by lower index)",
                    fraction, k, n)
                    + (splitTie ? String.format(Locale.ROOT,
                    "; the boundary splits examples tied at %.6g, so the flags, not 'score > threshold', decide",
                    threshold) : "");
            return new ThresholdChoice(threshold, "remove-fraction", reasoning,
                    Map.of("fraction", fraction, "count", (double) k), flags);
        }
    }

    /** Threshold from the distribution alone; see {@link ThresholdAuto}. */
    record Auto() implements ThresholdMethod {
        @Override
        public ThresholdChoice choose(double[] scores) {
            return ThresholdAuto.choose(scores);
        }
    }

    static ThresholdMethod parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("auto")) {
                return new Auto();
            }
            if (s.startsWith("fraction:")) {
                return new RemoveFraction(Double.parseDouble(s.substring("fraction:".length())));
            }
            if (s.startsWith("fixed:")) {
                return new Fixed(Double.parseDouble(s.substring("fixed:".length())));
            }
            return new Fixed(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold '" + spec
                    + "' is not one of: <number>, fixed:<number>, fraction:<0..1>, auto", e);
        }
    }
}
