package org.forgetfilter.forget;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.eval.BinaryMetrics;

/**
 * The checks every filter run makes on its own outcome, before the retrain: each names a way the decision can be
 * meaningless even though every stage ran without error. A run reports what fired as {@link RunWarning}s
 * (summary.json {@code warnings}, the console, report.html); {@code filter --strict} stops before the retrain when
 * any did.
 *
 * <ul>
 *   <li>{@code m1_not_learned}: under half the examples are learned under M1 (deciding score at or above its bar,
 *       {@link #learnedRule}); value: the fraction learned;</li>
 *   <li>{@code not_separable}: the mixture fit of the deciding values is rejected and the automatic threshold falls
 *       back to Otsu's method (checked with the automatic rule whatever the run's threshold method); value: Ashman D
 *       of the two-group fit;</li>
 *   <li>{@code threshold_not_positive}: the threshold is at or below zero, so examples M2 fits as well as M1 or
 *       better are removed; value: the threshold;</li>
 *   <li>{@code removes_majority}: more than half the examples removed; value: the fraction removed;</li>
 *   <li>{@code labels_disagree}: every example is labelled and the decision's AUROC against the labels is below
 *       0.6; value: the AUROC;</li>
 *   <li>{@code truncated}: examples were cut to the maximum length; value: how many;</li>
 *   <li>{@code duplicates}: records repeat an earlier record's id or prompt and response ({@link InputChecks}, the
 *       customer data and the safe set); value: how many repeat.</li>
 * </ul>
 */
public final class TrustChecks {
    public static final String M1_NOT_LEARNED = "m1_not_learned";
    public static final String NOT_SEPARABLE = "not_separable";
    public static final String THRESHOLD_NOT_POSITIVE = "threshold_not_positive";
    public static final String REMOVES_MAJORITY = "removes_majority";
    public static final String LABELS_DISAGREE = "labels_disagree";
    public static final String TRUNCATED = "truncated";
    public static final String DUPLICATES = InputChecks.DUPLICATES;

    /** The method name prefix of the automatic threshold's fallback when no mixture fit is accepted. */
    static final String OTSU_FALLBACK = "auto/otsu";
    /** Least share of examples M1 must have learned: the forgetting of unlearned examples means nothing. */
    static final double MIN_LEARNED_FRACTION = 0.5;
    /** Most share of the data the filter may remove before its decision is suspicious. */
    static final double MAX_REMOVED_FRACTION = 0.5;
    /** Least AUROC of the decision against supplied labels. */
    static final double MIN_LABEL_AUROC = 0.6;

    private TrustChecks() {
    }

    /** Everything a run's checks look at. {@code unsafe} is null when not every example carries a label. */
    record Evidence(boolean[] learned, String learnedRule, double[] decision, ThresholdChoice choice, boolean[] unsafe,
                    int truncated, int maxLength, List<InputChecks.Finding> duplicates) {
    }

    /** Every check, in the order of the table above. */
    static List<RunWarning> check(Evidence e) {
        List<RunWarning> out = new ArrayList<>();
        m1NotLearned(e.learned(), e.learnedRule(), out);
        notSeparable(e.decision(), e.choice(), out);
        thresholdNotPositive(e.choice(), out);
        removesMajority(e.choice(), out);
        labelsDisagree(e.decision(), e.unsafe(), out);
        truncated(e.truncated(), e.decision().length, e.maxLength(), out);
        for (InputChecks.Finding f : e.duplicates()) {
            out.add(new RunWarning(DUPLICATES, f.message(), f.count()));
        }
        return out;
    }

    /** How "learned" is defined for {@code score}: the bar {@link FilterSummary#learned} applies. */
    static String learnedRule(ScoreType score) {
        return switch (score) {
            case ROUGE1 -> String.format(Locale.ROOT, "ROUGE-1 F of the greedy completion under M1 >= %.2f",
                    FilterSummary.LEARNED_ROUGE);
            case LOGLIK -> String.format(Locale.ROOT, "mean response log-likelihood under M1 >= %.4f (log 0.5)",
                    FilterSummary.LEARNED_LOGLIK);
            case PROB, BOTH -> String.format(Locale.ROOT, "geometric-mean token probability of the response under M1 "
                    + ">= %.2f", FilterSummary.LEARNED_PROB);
        };
    }

    static void m1NotLearned(boolean[] learned, String rule, List<RunWarning> out) {
        double fraction = learned.length == 0 ? 0 : BinaryMetrics.countTrue(learned) / (double) learned.length;
        if (fraction < MIN_LEARNED_FRACTION) {
            out.add(new RunWarning(M1_NOT_LEARNED, String.format(Locale.ROOT, "M1 learned only %d of %d examples "
                    + "(%.0f %%; learned = %s); an example M1 never learned cannot be forgotten, so the forgetting "
                    + "rates say little. Train M1 longer or harder (--m1-epochs, --m1-lr).",
                    BinaryMetrics.countTrue(learned), learned.length, 100 * fraction, rule), fraction));
        }
    }

    static void notSeparable(double[] decision, ThresholdChoice choice, List<RunWarning> out) {
        if (decision.length < 2) {
            return;
        }
        ThresholdChoice auto = choice.method().startsWith("auto") ? choice : ThresholdAuto.choose(decision);
        // "auto/otsu" and its variants (e.g. a rule applied again to part of the values, "auto/otsu+...").
        if (!auto.method().startsWith(OTSU_FALLBACK)) {
            return;
        }
        double[] sorted = decision.clone();
        Arrays.sort(sorted);
        double d = sorted[0] == sorted[sorted.length - 1] ? 0 : ThresholdAuto.fitMixture(decision, sorted).ashmanD();
        out.add(new RunWarning(NOT_SEPARABLE, String.format(Locale.ROOT, "the deciding values do not form two clear "
                + "groups: the mixture fit was rejected and the automatic threshold fell back to Otsu's method "
                + "(Ashman D of the two-group fit %.2f, a clean split needs >= %.0f and a dip between the modes)%s; "
                + "the threshold is then a cut through one spread of values. Automatic rule's reasoning: %s", d,
                ThresholdAuto.MIN_ASHMAN_D, choice.method().startsWith("auto") ? ""
                        : " (checked with the automatic rule; this run's threshold is " + choice.method() + ")",
                auto.reasoning()), d));
    }

    static void thresholdNotPositive(ThresholdChoice choice, List<RunWarning> out) {
        double t = choice.threshold();
        if (t <= 0) {
            out.add(new RunWarning(THRESHOLD_NOT_POSITIVE, String.format(Locale.ROOT, "the threshold %.4g is not "
                    + "positive: examples that the safety finetune did not make worse (forgetting <= 0) are removed "
                    + "too, so removal does not mean 'forgotten' (%s)", t, choice.method()), t));
        }
    }

    static void removesMajority(ThresholdChoice choice, List<RunWarning> out) {
        int n = choice.flagged().length;
        int removed = choice.flaggedCount();
        double fraction = n == 0 ? 0 : removed / (double) n;
        if (fraction > MAX_REMOVED_FRACTION) {
            out.add(new RunWarning(REMOVES_MAJORITY, String.format(Locale.ROOT, "%d of %d examples (%.0f %%) would be "
                    + "removed, more than half: unsafe examples should be a minority of a customer set, so the "
                    + "threshold probably cuts into ordinary data", removed, n, 100 * fraction), fraction));
        }
    }

    static void labelsDisagree(double[] decision, boolean[] unsafe, List<RunWarning> out) {
        if (unsafe == null) {
            return;
        }
        double auroc = BinaryMetrics.auroc(decision, unsafe);
        if (auroc < MIN_LABEL_AUROC) {
            out.add(new RunWarning(LABELS_DISAGREE, String.format(Locale.ROOT, "the supplied labels disagree with the "
                    + "decision: AUROC of the deciding value against the unsafe labels is %.3f, below %.1f (0.5 is "
                    + "chance); the filter's ranking does not find what the labels call unsafe", auroc,
                    MIN_LABEL_AUROC), auroc));
        }
    }

    static void truncated(int cut, int examples, int maxLength, List<RunWarning> out) {
        if (cut > 0) {
            out.add(new RunWarning(TRUNCATED, String.format(Locale.ROOT, "%d of %d examples are longer than %d tokens "
                    + "and were cut (summary.json truncation says how); what was cut is neither learned nor scored",
                    cut, examples, maxLength), cut));
        }
    }
}
