package org.forgetfilter.forget;

import java.util.List;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.train.TrainingConfig;

/**
 * Everything that decides a ForgetFilter run (METHOD.md section 2).
 *
 * @param finetune      the customer finetune: the final retrain of M0 on the kept data (the delivered model)
 * @param probe         the finetune of M0 on all the customer data that makes M1, the probe whose forgetting is
 *                      measured (it is thrown away, so it may learn the data harder than a delivered model should)
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
public record FilterConfig(TrainingConfig finetune, TrainingConfig probe, TrainingConfig safety, int safetySteps,
                           List<Integer> scoreAt,
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

    /**
     * The settings of the customer finetune and of M1, both trained with {@code finetune} (the paper's method, and
     * what the constructor without {@code probe} gives).
     */
    public FilterConfig(TrainingConfig finetune, TrainingConfig safety, int safetySteps, List<Integer> scoreAt,
                        ScoreType score, boolean reviewWeighted, ThresholdMethod threshold, LoraConfig lora,
                        boolean retrain, PromptTemplate template, int maxLength, int scoreBatch, int maxNewTokens,
                        long seed) {
        this(finetune, finetune, safety, safetySteps, scoreAt, score, reviewWeighted, threshold, lora, retrain,
                template, maxLength, scoreBatch, maxNewTokens, seed);
    }

    /** The settings that make the delivered model: cache key of the retrain stage. */
    public String finetuneKey() {
        return trainingKey(finetune);
    }

    /** The settings that make M1: cache key of the probe finetune. */
    public String probeKey() {
        return trainingKey(probe);
    }

    private String trainingKey(TrainingConfig t) {
        return "finetune=" + t + ";lora=" + lora + ";template=" + template.name() + ";maxLength=" + maxLength
                + ";seed=" + seed;
    }

    /** The settings that decide the scores of M1, on top of {@link #probeKey()}. */
    public String scoringKey() {
        return probeKey() + ";score=" + score + ";maxNew=" + maxNewTokens;
    }

    /**
     * Every setting as JSON, for provenance when no {@link FilterSettings} are at hand (a library caller built this
     * record directly). The threshold is written as the command line spells it.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var m = org.forgetfilter.io.Json.MAPPER;
        var n = m.createObjectNode();
        n.set("finetune", m.valueToTree(finetune));
        n.set("probe", m.valueToTree(probe));
        n.set("safety", m.valueToTree(safety));
        n.put("safety_steps", safetySteps);
        n.set("score_at", m.valueToTree(scoreAt));
        n.put("score", score.cliName());
        n.put("review_weighting", reviewWeighted);
        n.put("threshold", threshold instanceof ThresholdMethod.Fixed f ? "fixed:" + f.phi()
                : threshold instanceof ThresholdMethod.RemoveFraction r ? "fraction:" + r.fraction() : "auto");
        n.set("lora", lora == null ? m.nullNode() : m.valueToTree(lora));
        n.put("retrain", retrain);
        n.put("template", template.name());
        n.put("max_length", maxLength);
        n.put("score_batch", scoreBatch);
        n.put("max_new_tokens", maxNewTokens);
        n.put("seed", seed);
        return n;
    }

    /** A stable text of all the settings, for cache keys. */
    public String describe() {
        return "finetune=" + finetune + ";probe=" + probe + ";safety=" + safety + ";t=" + safetySteps + ";scoreAt=" + scoreAt + ";score=" + score
                + ";reviewWeighted=" + reviewWeighted
                + ";lora=" + lora + ";template=" + template.name() + ";maxLength=" + maxLength + ";maxNew=" + maxNewTokens
                + ";seed=" + seed;
    }
}
