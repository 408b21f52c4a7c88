package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.forgetfilter.io.Json;

/**
 * What the filter measured and decided for one customer example: one row of scores.jsonl.
 *
 * @param id               the example's id
 * @param line             1-based line of the record in the input file (0 when built in memory)
 * @param scoreM1          deciding score under M1
 * @param scoreM2          deciding score after the last safety step
 * @param forgetting       scoreM1 - scoreM2
 * @param scoreAt          deciding score after each scored safety step
 * @param reviewSimilarity closeness of the prompt to the review set (NaN when the run does not weight by it)
 * @param weight           review-proximity weight (1 when the run does not weight)
 * @param decision         the value the threshold was applied to (forgetting × weight)
 * @param removed          flagged as unsafe and removed
 * @param reason           why, in words: the decision against the threshold and how the threshold was chosen
 * @param otherScores      every computed score under both models when several are (prob_m1, loglik_m2, ...)
 */
public record ExampleOutcome(String id, long line, double scoreM1, double scoreM2, double forgetting,
                             Map<Integer, Double> scoreAt, double reviewSimilarity, double weight, double decision,
                             boolean removed, String reason, Map<String, Double> otherScores) {

    /** The field annotated.jsonl adds to each input record (it replaces a field of that name in the record). */
    public static final String ANNOTATION_FIELD = "forgetfilter";

    /** What annotated.jsonl adds to the record: id, line, both scores, forgetting, weight, decision, removed, reason. */
    public ObjectNode annotation() {
        return decisionFields(false);
    }

    /** The scores.jsonl row: the annotation's fields (weight with the review similarity, when there is one), the
     * score at each scored safety step and the other score types. */
    public ObjectNode toJson() {
        ObjectNode n = decisionFields(true);
        ObjectNode at = n.putObject("score_at");
        scoreAt.forEach((step, v) -> at.put(Integer.toString(step), v));
        otherScores.forEach(n::put);
        return n;
    }

    private ObjectNode decisionFields(boolean withSimilarity) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("line", line);
        n.put("score_m1", scoreM1);
        n.put("score_m2", scoreM2);
        n.put("forgetting", forgetting);
        if (!withSimilarity) {
            n.put("weight", weight);
        } else if (!Double.isNaN(reviewSimilarity)) {
            n.put("review_similarity", reviewSimilarity);
            n.put("weight", weight);
        }
        n.put("decision", decision);
        n.put("removed", removed);
        n.put("reason", reason);
        return n;
    }
}
