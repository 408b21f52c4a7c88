package org.forgetfilter.forget;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the forgetting-score threshold from the scores alone. The premise of the method is that unsafe examples
 * are forgotten much more than the rest, so the scores should form two groups, or three when the safety finetune
 * also reinforces some examples ({@link #chooseWithThreeGroups}, tried first; the steps below are the two-group
 * rules it falls back to).
 *
 * <ol>
 *   <li>Fit a two-component 1-D Gaussian mixture by EM. Initialisation is deterministic: means at the 25th and
 *       75th percentiles (min and max if those coincide), both variances the overall variance, equal weights.
 *       Variances are floored at 1e-4 of the overall variance so a component cannot collapse onto one value.</li>
 *   <li>Accept the mixture only when it is really bimodal: both weights at least max(0.02, 2/n) and Ashman's
 *       separation D = sqrt(2) |μ1-μ2| / sqrt(σ1²+σ2²) at least 2 (the usual criterion for a clean split), and
 *       the scores themselves dip at the crossing (see {@link #dipRatio}; a uniform spread passes the D test
 *       but has no valley).</li>
 *   <li>The threshold is where the posterior of the high-mean component is 0.5, i.e. w1 N(x; μ1, σ1) =
 *       w2 N(x; μ2, σ2), a quadratic in x; the root between the two means is taken.</li>
 *   <li>Otherwise (fewer than 4 scores, a degenerate or unimodal fit, no root between the means) fall back to
 *       Otsu's method computed exactly on the sorted scores: the split maximising the between-class variance
 *       w0 w1 (m0 - m1)²; the threshold is the largest score of the low class.</li>
 * </ol>
 * Examples are flagged when score > threshold. A threshold below zero is never used when some value is
 * positive: it would remove examples that were not forgotten (typically it splits off the examples the safety
 * finetune reinforced); the rules are then applied again to the positive values alone (method
 * {@code auto/...+positive}). The reasoning string says which branch was taken and why.
 */
public final class ThresholdAuto {
    static final int MAX_ITERATIONS = 1000;
    static final double MIN_ASHMAN_D = 2.0;
    static final double MAX_DIP_RATIO = 0.8;
    /**
     * The three-component EM starts from every increasing triple of these quantiles (10 starts) with each of
     * {@link #THREE_GROUP_START_VARIANCES}; the most likely result is kept. Deterministic.
     */
    static final double[] THREE_GROUP_START_QUANTILES = {0.05, 0.25, 0.5, 0.75, 0.95};
    /**
     * Start variances of the three-component EM, as shares of the overall variance: a third each, and narrow ones,
     * from which EM can find a tight group (such as ordinary examples whose drift the review weighting discounted
     * to almost nothing) that wide starts merge with a neighbour.
     */
    static final double[] THREE_GROUP_START_VARIANCES = {1 / 3.0, 0.05};

    /** A fitted two-component mixture; component 1 has the higher mean. */
    record Mixture(double w0, double mu0, double sd0, double w1, double mu1, double sd1, int iterations,
                   double logLikelihood) {
        double ashmanD() {
            return Math.sqrt(2) * Math.abs(mu1 - mu0) / Math.sqrt(sd0 * sd0 + sd1 * sd1);
        }
    }

    private ThresholdAuto() {
    }

    public static ThresholdChoice choose(double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("forgetting score " + i + " is not finite: " + scores[i]);
            }
        }
        if (scores.length == 0) {
            return new ThresholdChoice(Double.POSITIVE_INFINITY, "auto", "no scores: nothing to flag", Map.of(),
                    new boolean[0]);
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        if (sorted[0] == sorted[sorted.length - 1]) {
            return new ThresholdChoice(sorted[0], "auto/otsu",
                    "all " + scores.length + " scores are equal (" + sorted[0] + "): no split exists, nothing flagged",
                    Map.of(), new boolean[scores.length]);
        }
        ThresholdChoice c = chooseOnAll(scores, sorted);
        if (c.threshold() >= 0 || sorted[sorted.length - 1] <= 0) {
            return c;
        }
        // A threshold below zero would remove examples the safety finetune did not make the model forget (it may
        // have reinforced them): the split then separated the reinforced tail from the rest, not the forgotten
        // examples. The rules are applied again to the positive values only.
        double[] positive = Arrays.stream(scores).filter(v -> v > 0).toArray();
        double[] positiveSorted = positive.clone();
        Arrays.sort(positiveSorted);
        ThresholdChoice p = positiveSorted[0] == positiveSorted[positiveSorted.length - 1]
                ? new ThresholdChoice(0, "auto/otsu", "the " + positive.length + " positive values are equal; ",
                        Map.of(), new boolean[positive.length])
                : chooseOnAll(positive, positiveSorted);
        double t = Math.max(0, p.threshold());
        boolean[] flags = ThresholdChoice.flagAbove(scores, t);
        Map<String, Double> params = new LinkedHashMap<>(p.parameters());
        params.put("thresholdOnAllValues", c.threshold());
        params.put("positiveValues", (double) positive.length);
        return new ThresholdChoice(t, p.method() + "+positive", String.format(Locale.ROOT,
                "on all %d values the rule gave threshold %.6g <= 0, which would remove examples that were not "
                        + "forgotten (%s); applied again to the %d positive values: %s; threshold %.6g, %d of %d "
                        + "flagged", scores.length, c.threshold(), c.reasoning(), positive.length, p.reasoning(), t,
                ThresholdChoice.count(flags), scores.length), params, flags);
    }

    static ThresholdChoice chooseOnAll(double[] scores, double[] sorted) {
        if (scores.length < 4) {
            return otsu(scores, sorted, "only " + scores.length + " scores, too few to fit a mixture; ", Map.of());
        }
        ThresholdChoice three = chooseWithThreeGroups(scores, sorted);
        if (three != null) {
            return three;
        }
        return chooseWithTwoGroups(scores, sorted);
    }

    static ThresholdChoice chooseWithTwoGroups(double[] scores, double[] sorted) {
        Mixture m = fitMixture(scores, sorted);
        Map<String, Double> params = new LinkedHashMap<>();
        params.put("weightLow", m.w0());
        params.put("meanLow", m.mu0());
        params.put("sdLow", m.sd0());
        params.put("weightHigh", m.w1());
        params.put("meanHigh", m.mu1());
        params.put("sdHigh", m.sd1());
        params.put("ashmanD", m.ashmanD());
        params.put("iterations", (double) m.iterations());
        params.put("logLikelihood", m.logLikelihood());
        String fit = String.format(Locale.ROOT,
                "mixture fit: low N(%.4g, %.4g²) weight %.3f, high N(%.4g, %.4g²) weight %.3f, Ashman D %.2f",
                m.mu0(), m.sd0(), m.w0(), m.mu1(), m.sd1(), m.w1(), m.ashmanD());
        double minWeight = Math.max(0.02, 2.0 / scores.length);
        if (Math.min(m.w0(), m.w1()) < minWeight) {
            return otsu(scores, sorted, fit + String.format(Locale.ROOT,
                    " — degenerate (a component weighs under %.3f); ", minWeight), params);
        }
        if (m.ashmanD() < MIN_ASHMAN_D) {
            return otsu(scores, sorted, fit + " — not clearly bimodal (D < 2); ", params);
        }
        double x = posteriorCrossing(m);
        if (Double.isNaN(x)) {
            return otsu(scores, sorted, fit + " — the posteriors do not cross between the means; ", params);
        }
        double dip = dipRatio(scores, m, x);
        params.put("dipRatio", dip);
        if (dip > MAX_DIP_RATIO) {
            return otsu(scores, sorted, fit + String.format(Locale.ROOT,
                    " — but the scores show no dip between the modes (density at the crossing is %.2f of that at"
                            + " the modes, above %.2f); ", dip, MAX_DIP_RATIO), params);
        }
        boolean[] flags = ThresholdChoice.flagAbove(scores, x);
        int count = ThresholdChoice.count(flags);
        return new ThresholdChoice(x, "auto/gmm", fit + String.format(Locale.ROOT,
                "; threshold %.6g where P(high component | score) = 0.5; %d of %d flagged", x, count, scores.length),
                params, flags);
    }

    /**
     * Forgetting rates often form three groups, not two: examples of the safe set's own kind are reinforced by the
     * safety finetune (negative rates), ordinary task examples drift a little, unsafe ones drop most. A two-component
     * fit then separates the first group from the other two. So a three-component mixture is fitted as well and,
     * when the Bayesian information criterion prefers it and its top component stands apart from the middle one
     * (Ashman D >= 2, enough weight), the threshold is where the top component's posterior against the middle one
     * is 0.5 (or, when the lowest component sits at zero, where the middle one's posterior against it is 0.5).
     * Returns null when the three-group reading does not hold, and the two-group rules apply.
     */
    static ThresholdChoice chooseWithThreeGroups(double[] scores, double[] sorted) {
        int n = scores.length;
        if (n < 12) {
            return null;
        }
        double minWeight = Math.max(0.05, 4.0 / n);
        double[][] two = fitK(scores, sorted, new double[] {0.25, 0.75}, 0.5);
        double[][] three = null;
        // EM finds local optima: start from several spreads of quantiles and keep the most likely fit among those
        // whose groups all hold a real share of the data (a component on two outliers is not a group).
        double[] q = THREE_GROUP_START_QUANTILES;
        for (int a = 0; a < q.length; a++) {
            for (int b = a + 1; b < q.length; b++) {
                for (int c = b + 1; c < q.length; c++) {
                    for (double share : THREE_GROUP_START_VARIANCES) {
                        double[][] fit = fitK(scores, sorted, new double[] {q[a], q[b], q[c]}, share);
                        boolean substantial = Arrays.stream(fit[0]).allMatch(wc -> wc >= minWeight);
                        if (substantial && (three == null || fit[3][0] > three[3][0])) {
                            three = fit;
                        }
                    }
                }
            }
        }
        if (three == null) {
            return null;
        }
        // BIC = -2 log L + (free parameters) ln n; a k-component mixture has 3k - 1.
        double bic2 = -2 * two[3][0] + 5 * Math.log(n);
        double bic3 = -2 * three[3][0] + 8 * Math.log(n);
        if (!(bic3 < bic2)) {
            return null;
        }
        double[] w = three[0];
        double[] mu = three[1];
        double[] sd = three[2];
        Mixture top = new Mixture(w[1], mu[1], sd[1], w[2], mu[2], sd[2], (int) three[3][1], three[3][0]);
        if (top.ashmanD() < MIN_ASHMAN_D) {
            return null;
        }
        double x = posteriorCrossing(top);
        if (Double.isNaN(x)) {
            return null;
        }
        // Normally only the top group counts as forgotten: below it sit the ordinary examples, which drift a little,
        // and the ones the safety finetune reinforced. But when the lowest group is centred at zero (at most half
        // as far from it as either other group), nothing in it moved, and both groups above it were forgotten: two
        // kinds of unsafe example forgotten to different degrees. The cut then goes above the lowest group.
        boolean lowestAtZero = Math.abs(mu[0]) * 2 < Math.abs(mu[1]) && Math.abs(mu[0]) * 2 < Math.abs(mu[2]);
        double aboveLowest = lowestAtZero
                ? posteriorCrossing(new Mixture(w[0], mu[0], sd[0], w[1], mu[1], sd[1], 0, 0)) : Double.NaN;
        boolean cutAboveLowest = !Double.isNaN(aboveLowest);
        if (cutAboveLowest) {
            x = aboveLowest;
        }
        Map<String, Double> params = new LinkedHashMap<>();
        String[] names = {"Low", "Mid", "High"};
        for (int c = 0; c < 3; c++) {
            params.put("weight" + names[c], w[c]);
            params.put("mean" + names[c], mu[c]);
            params.put("sd" + names[c], sd[c]);
        }
        params.put("bic2", bic2);
        params.put("bic3", bic3);
        params.put("ashmanDMidHigh", top.ashmanD());
        params.put("forgottenGroups", cutAboveLowest ? 2.0 : 1.0);
        boolean[] flags = ThresholdChoice.flagAbove(scores, x);
        int count = ThresholdChoice.count(flags);
        String fit = String.format(Locale.ROOT, "three-group mixture fit (BIC %.1f vs %.1f for two): low N(%.4g, %.4g²) "
                        + "weight %.3f, middle N(%.4g, %.4g²) weight %.3f, high N(%.4g, %.4g²) weight %.3f, Ashman D "
                        + "middle-high %.2f; %s; %d of %d flagged",
                bic3, bic2, mu[0], sd[0], w[0], mu[1], sd[1], w[1], mu[2], sd[2], w[2], top.ashmanD(), cutAboveLowest
                        ? String.format(Locale.ROOT, "the low group is centred at zero (nothing in it moved), so both "
                                + "groups above it count as forgotten: threshold %.6g where P(middle | score) = "
                                + "P(low | score)", x)
                        : String.format(Locale.ROOT, "threshold %.6g where P(high | score) = P(middle | score)", x),
                count, n);
        return new ThresholdChoice(x, "auto/gmm3", fit, params, flags);
    }

    /**
     * EM for a k-component 1-D Gaussian mixture, started with equal weights, means at the given quantiles (spread
     * over the range when those coincide) and variances of {@code startVarianceShare} times the overall variance,
     * floored at 1e-4 of it. Returns {weights, means, sds, {logLikelihood, iterations}}, components sorted by mean.
     */
    static double[][] fitK(double[] x, double[] sorted, double[] startQuantiles, double startVarianceShare) {
        int k = startQuantiles.length;
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= n;
        double floor = Math.max(var * 1e-4, 1e-12);
        double[] w = new double[k];
        double[] mu = new double[k];
        double[] v = new double[k];
        boolean distinct = quantile(sorted, startQuantiles[0]) < quantile(sorted, startQuantiles[k - 1]);
        for (int c = 0; c < k; c++) {
            w[c] = 1.0 / k;
            // when the start quantiles coincide (many equal scores), spread the means over the whole range instead
            mu[c] = distinct ? quantile(sorted, startQuantiles[c])
                    : sorted[0] + (sorted[n - 1] - sorted[0]) * c / (k - 1);
            v[c] = var * startVarianceShare;
        }
        double[][] r = new double[n][k];
        double previous = Double.NEGATIVE_INFINITY;
        double logLik = 0;
        int it = 0;
        while (it < MAX_ITERATIONS) {
            it++;
            logLik = 0;
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    r[i][c] = Math.log(Math.max(w[c], 1e-300)) + logNormal(x[i], mu[c], v[c]);
                    max = Math.max(max, r[i][c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(r[i][c] - max);
                }
                double lse = max + Math.log(sum);
                for (int c = 0; c < k; c++) {
                    r[i][c] = Math.exp(r[i][c] - lse);
                }
                logLik += lse;
            }
            for (int c = 0; c < k; c++) {
                double nc = 0;
                double s = 0;
                for (int i = 0; i < n; i++) {
                    nc += r[i][c];
                    s += r[i][c] * x[i];
                }
                if (nc < 1e-9) {
                    w[c] = 0;
                    continue;
                }
                mu[c] = s / nc;
                double q = 0;
                for (int i = 0; i < n; i++) {
                    q += r[i][c] * (x[i] - mu[c]) * (x[i] - mu[c]);
                }
                v[c] = Math.max(q / nc, floor);
                w[c] = nc / n;
            }
            if (Math.abs(logLik - previous) < 1e-10 * n) {
                break;
            }
            previous = logLik;
        }
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> Double.compare(mu[a], mu[b]));
        double[][] out = new double[4][];
        out[0] = new double[k];
        out[1] = new double[k];
        out[2] = new double[k];
        for (int c = 0; c < k; c++) {
            out[0][c] = w[order[c]];
            out[1][c] = mu[order[c]];
            out[2][c] = Math.sqrt(v[order[c]]);
        }
        out[3] = new double[] {logLik, it};
        return out;
    }

    /** The two-component fit: {@link #fitK} started at the quartiles, as a {@link Mixture}. */
    static Mixture fitMixture(double[] x, double[] sorted) {
        double[][] f = fitK(x, sorted, new double[] {0.25, 0.75}, 1.0);
        return new Mixture(f[0][0], f[1][0], f[2][0], f[0][1], f[1][1], f[2][1], (int) f[3][1], f[3][0]);
    }

    /**
     * Empirical check that the data, not just the fitted curves, have a valley at the crossing: the density of scores
     * at the crossing divided by the smaller of the densities at the two means. Each density is a count in a window
     * of half a standard deviation on either side, divided by the window's width: the window around each mean is
     * that component's own, the one around the crossing the narrower of the two. A flat (e.g. uniform) distribution
     * gives about 1, two clusters ~0, whether or not the clusters have the same spread.
     */
    static double dipRatio(double[] scores, Mixture m, double crossing) {
        double atCrossing = density(scores, crossing, 0.5 * Math.min(m.sd0(), m.sd1()));
        double modes = Math.min(density(scores, m.mu0(), 0.5 * m.sd0()), density(scores, m.mu1(), 0.5 * m.sd1()));
        return modes == 0 ? Double.POSITIVE_INFINITY : atCrossing / modes;
    }

    /** Scores within h of x, per unit of score. */
    private static double density(double[] scores, double x, double h) {
        int count = 0;
        for (double v : scores) {
            count += Math.abs(v - x) <= h ? 1 : 0;
        }
        return count / (2 * h);
    }

    /**
     * Solves w1 N(x; μ1, σ1) = w0 N(x; μ0, σ0): taking logs gives a x² + b x + c = 0 with
     * a = 1/(2σ0²) − 1/(2σ1²), b = μ1/σ1² − μ0/σ0², c = μ0²/(2σ0²) − μ1²/(2σ1²) + ln(w1 σ0 / (w0 σ1)).
     * Returns the root in [μ0, μ1], or NaN when there is none.
     */
    static double posteriorCrossing(Mixture m) {
        double v0 = m.sd0() * m.sd0();
        double v1 = m.sd1() * m.sd1();
        double a = 1 / (2 * v0) - 1 / (2 * v1);
        double b = m.mu1() / v1 - m.mu0() / v0;
        double c = m.mu0() * m.mu0() / (2 * v0) - m.mu1() * m.mu1() / (2 * v1)
                + Math.log(m.w1() * m.sd0() / (m.w0() * m.sd1()));
        double lo = m.mu0();
        double hi = m.mu1();
        if (Math.abs(a) < 1e-12 * Math.max(Math.abs(b), 1e-300)) {
            double root = -c / b;
            return root >= lo && root <= hi ? root : Double.NaN;
        }
        double disc = b * b - 4 * a * c;
        if (disc < 0) {
            return Double.NaN;
        }
        // Numerically stable pair of roots.
        double q = -0.5 * (b + Math.copySign(Math.sqrt(disc), b));
        double r1 = q / a;
        double r2 = q != 0 ? c / q : r1;
        boolean in1 = r1 >= lo && r1 <= hi;
        boolean in2 = r2 >= lo && r2 <= hi;
        if (in1 && in2) {
            return Math.min(r1, r2);
        }
        return in1 ? r1 : in2 ? r2 : Double.NaN;
    }

    /** Otsu's method on the exact sorted values: split after the distinct value that maximises w0 w1 (m0 − m1)². */
    static ThresholdChoice otsu(double[] scores, double[] sorted, String why, Map<String, Double> fitted) {
        int n = sorted.length;
        double total = 0;
        for (double v : sorted) {
            total += v;
        }
        double best = -1;
        double threshold = sorted[n - 1];
        double prefix = 0;
        for (int i = 0; i < n - 1; i++) {
            prefix += sorted[i];
            if (sorted[i] == sorted[i + 1]) {
                continue; // a split must not separate equal scores
            }
            double n0 = i + 1;
            double n1 = n - n0;
            double m0 = prefix / n0;
            double m1 = (total - prefix) / n1;
            double between = (n0 / n) * (n1 / n) * (m0 - m1) * (m0 - m1);
            if (between > best) {
                best = between;
                threshold = sorted[i];
            }
        }
        Map<String, Double> params = new LinkedHashMap<>(fitted);
        params.put("otsuBetweenClassVariance", best);
        boolean[] flags = ThresholdChoice.flagAbove(scores, threshold);
        int count = ThresholdChoice.count(flags);
        return new ThresholdChoice(threshold, "auto/otsu", why + String.format(Locale.ROOT,
                "fell back to Otsu's method: threshold %.6g maximises the between-class variance; %d of %d flagged",
                threshold, count, n), params, flags);
    }

    private static double logNormal(double x, double mu, double var) {
        return -0.5 * Math.log(2 * Math.PI * var) - (x - mu) * (x - mu) / (2 * var);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
