package org.forgetfilter.forget;

import java.util.Locale;

/** How an example's fit to a model is measured before and after the safety finetune. */
public enum ScoreType {
    /**
     * Geometric-mean probability of the reference response tokens, exp(mean log-likelihood), teacher-forced. Like
     * the paper's ROUGE it lives on [0, 1], so an example the model never learned well cannot lose much; unlike
     * ROUGE it needs no generation and is deterministic. The default: it separated unsafe examples best in our
     * measurements (README).
     */
    PROB,
    /**
     * The paper's score: ROUGE-1 F (Porter-stemmed, as rouge_score) of the model's greedy completion of the prompt,
     * first line only, against the reference response.
     */
    ROUGE1,
    /** Mean log-likelihood of the reference response tokens, teacher-forced: no generation, cheaper, deterministic. */
    LOGLIK,
    /** All three, reported side by side; decisions use the probability. */
    BOTH;

    public static ScoreType parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown score '" + s + "' (expected prob, loglik, rouge1 or both)");
        }
    }

    public boolean needsRouge() {
        return this == ROUGE1 || this == BOTH;
    }

    public boolean needsLoglik() {
        return this != ROUGE1;
    }

    /** The score that decides removal. */
    public String decidingName() {
        return switch (this) {
            case ROUGE1 -> "rouge1";
            case LOGLIK -> "loglik";
            case PROB, BOTH -> "prob";
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
