package org.forgetfilter.forget;

import java.util.List;
import java.util.Locale;
import org.forgetfilter.data.Example;

/**
 * The check that a stage's per-example values are numbers. A model that diverged (or whose weights overflow on some
 * input) scores NaN or infinity, and a threshold over such values decides nothing: the stage fails instead, naming
 * itself and the first example affected, and since it fails inside its computation it leaves no cache record
 * ({@link StageRunner}). Loaded weights get the same check in {@code checkpoint.FiniteWeights}.
 */
final class FiniteScores {
    private FiniteScores() {
    }

    /**
     * Fails unless every value is finite.
     *
     * @param stage    the stage, e.g. {@code scores_m1}, as the message names it
     * @param score    which value, e.g. {@code loglik}
     * @param values   one per example, in input order; null (not computed) passes
     * @param examples the examples the values belong to, for their id and line
     */
    static void check(String stage, String score, double[] values, List<Example> examples) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                int bad = 0;
                for (double v : values) {
                    bad += Double.isFinite(v) ? 0 : 1;
                }
                Example e = i < examples.size() ? examples.get(i) : null;
                String which = e == null ? "example " + (i + 1)
                        : "example '" + e.id() + "'" + (e.line() > 0 ? " (line " + e.line() + ")" : "");
                throw new ArithmeticException(String.format(Locale.ROOT, "stage %s: %s scored %s %s (%d of %d "
                                + "examples are not finite); the model no longer gives numbers (training diverged, "
                                + "or its weights overflow on this input): lower that stage's learning rate or check "
                                + "the model; the stage was not recorded and reruns",
                        stage, which, score, values[i], bad, values.length));
            }
        }
    }
}
