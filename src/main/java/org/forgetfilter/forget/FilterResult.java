package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a ForgetFilter run decided, in input order.
 *
 * @param m1             scores under M1 (after the customer finetune)
 * @param m2             scores after the last safety step
 * @param atStep         deciding scores after each scored safety step
 * @param forgetting     deciding score under M1 minus under M2
 * @param proximity      closeness of each example to the review set, or null when the run does not weight by it
 * @param decision       what the threshold was applied to: forgetting × proximity weight, or the forgetting rate
 * @param removed        the examples flagged as unsafe
 * @param threshold      how the flags were chosen
 * @param deliveredModel the model finetuned on the kept examples, or null when retraining was off
 * @param summary        the content of summary.json
 */
public record FilterResult(ExampleScores m1, ExampleScores m2, Map<Integer, double[]> atStep, double[] forgetting,
                           ReviewProximity proximity, double[] decision, boolean[] removed, ThresholdChoice threshold,
                           Path deliveredModel, ObjectNode summary) {

    public int removedCount() {
        return ThresholdChoice.count(removed);
    }
}
