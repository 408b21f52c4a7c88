package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ForgetFilter run decided: one {@link ExampleOutcome} per customer example in input order, with the
 * scores behind them, the threshold and where the models are.
 *
 * @param outcomes       per example: scores, weight, decision, removed, reason
 * @param m1             every computed score under M1 (after the customer finetune)
 * @param m2             every computed score after the last safety step
 * @param proximity      closeness of each example to the review set, or null when the run does not weight by it
 * @param threshold      how the removals were chosen
 * @param m1Model        the folder holding M1 (M0 finetuned on all the customer data)
 * @param deliveredModel the model finetuned on the kept examples, or null when retraining was off
 * @param summary        the content of summary.json
 * @param timings        the content of timings.json: when it ran, seconds per stage, which stages were reused
 * @param warnings       the trust checks that fired ({@link TrustChecks}); empty when none did
 * @param stoppedBeforeRetrain the run stopped before the retrain because of the warnings (stop-on-warnings)
 */
public record FilterResult(List<ExampleOutcome> outcomes, ExampleScores m1, ExampleScores m2,
                           ReviewProximity proximity, ThresholdChoice threshold, Path m1Model, Path deliveredModel,
                           ObjectNode summary, ObjectNode timings, List<RunWarning> warnings,
                           boolean stoppedBeforeRetrain) {

    public FilterResult {
        outcomes = List.copyOf(outcomes);
        warnings = List.copyOf(warnings);
    }

    /**
     * The result in one line: counts, threshold and how many warnings, e.g. "removed 12 of 40 examples, threshold
     * 0.1 (auto/gmm), 2 warnings: m1_not_learned, not_separable".
     */
    public String headline() {
        String t = String.format(java.util.Locale.ROOT, "%.4g (%s)", threshold.threshold(), threshold.method());
        String w = warnings.isEmpty() ? "no warnings"
                : warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + ": "
                + String.join(", ", warnings.stream().map(RunWarning::code).toList());
        return "removed " + removedCount() + " of " + outcomes.size() + " examples (kept " + (outcomes.size()
                - removedCount()) + "), threshold " + t + ", " + w
                + (stoppedBeforeRetrain ? "; stopped before the retrain, no delivered model" : "");
    }

    /** The stages this run read back from an earlier run instead of computing them, in run order. */
    public List<String> reusedStages() {
        List<String> out = new java.util.ArrayList<>();
        timings.path("stages").fields().forEachRemaining(e -> {
            if (e.getValue().path("reused").asBoolean()) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    public int removedCount() {
        return ThresholdChoice.count(removed());
    }

    /** The removal flags, in input order. */
    public boolean[] removed() {
        boolean[] b = new boolean[outcomes.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = outcomes.get(i).removed();
        }
        return b;
    }

    /** The forgetting rates, in input order. */
    public double[] forgetting() {
        return outcomes.stream().mapToDouble(ExampleOutcome::forgetting).toArray();
    }

    /** The values the threshold was applied to, in input order. */
    public double[] decision() {
        return outcomes.stream().mapToDouble(ExampleOutcome::decision).toArray();
    }

    /** The deciding score after each scored safety step, per step in input order. */
    public Map<Integer, double[]> atStep() {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        if (outcomes.isEmpty()) {
            return out;
        }
        for (Integer step : outcomes.get(0).scoreAt().keySet()) {
            out.put(step, outcomes.stream().mapToDouble(o -> o.scoreAt().get(step)).toArray());
        }
        return out;
    }
}
