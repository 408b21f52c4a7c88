package org.forgetfilter.forget;

import java.util.List;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.train.TrainingConfig;

/**
 * Everything that decides a ForgetFilter run (METHOD.md section 2).
 *
 * @param finetune      S1: finetune M0 on the customer data (also used for the final retrain on the kept data)
 * @param safety        the trial safety finetune of M1 on the safe review set; its step count is {@code safetySteps}
 * @param safetySteps   t, the number of safety steps
 * @param scoreAt       safety steps after which every example is scored (forgetting curves); t is always included
 * @param score         rouge1, loglik or both
 * @param reviewWeighted decide on forgetting × review-proximity weight ({@link ReviewProximity}) instead of the
 *                      forgetting rate alone (the paper's)
 * @param threshold     φ, a removal fraction, or automatic
 * @param lora          LoRA adapters for every finetune, or null for full finetuning
 * @param retrain       finetune M0 on the kept examples at the end (the delivered model)
 * @param template      renders examples into prompt and response text
 * @param maxLength     tokens per example (longer ones are cut: the response's tail first, see SequenceEncoder)
 * @param scoreBatch    examples per scoring / generation batch
 * @param maxNewTokens  generation budget for the rouge1 score (decoding stops at the first newline anyway)
 * @param seed          seed of everything random
 */
public record FilterConfig(TrainingConfig finetune, TrainingConfig safety, int safetySteps, List<Integer> scoreAt,
                           ScoreType score, boolean reviewWeighted, ThresholdMethod threshold, LoraConfig lora,
                           boolean retrain, PromptTemplate template, int maxLength, int scoreBatch, int maxNewTokens,
                           long seed) {

    public FilterConfig {
        if (safetySteps <= 0) {
            throw new IllegalArgumentException("safety steps must be positive, got " + safetySteps);
        }
        for (int s : scoreAt) {
            if (s <= 0 || s > safetySteps) {
                throw new IllegalArgumentException("--score-at step " + s + " is outside 1.." + safetySteps);
            }
        }
        scoreAt = scoreAt.stream().distinct().sorted().toList();
        if (!scoreAt.contains(safetySteps)) {
            scoreAt = java.util.stream.Stream.concat(scoreAt.stream(), java.util.stream.Stream.of(safetySteps)).toList();
        }
    }

    /** The settings that make M1 (and the retrained model): cache key of the finetune stages. */
    public String finetuneKey() {
        return "finetune=" + finetune + ";lora=" + lora + ";template=" + template.name() + ";maxLength=" + maxLength
                + ";seed=" + seed;
    }

    /** The settings that decide the scores of a model, on top of {@link #finetuneKey()}. */
    public String scoringKey() {
        return finetuneKey() + ";score=" + score + ";maxNew=" + maxNewTokens;
    }

    /** A stable text of all the settings, for provenance. */
    public String describe() {
        return "finetune=" + finetune + ";safety=" + safety + ";t=" + safetySteps + ";scoreAt=" + scoreAt + ";score=" + score
                + ";reviewWeighted=" + reviewWeighted
                + ";lora=" + lora + ";template=" + template.name() + ";maxLength=" + maxLength + ";maxNew=" + maxNewTokens
                + ";seed=" + seed;
    }
}
