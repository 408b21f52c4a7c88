package org.forgetfilter.forget;

import java.util.Locale;

/** How an example's fit to a model is measured before and after the safety finetune. */
public enum ScoreType {
    /**
     * The paper's score: ROUGE-1 F (Porter-stemmed, as rouge_score) of the model's greedy completion of the prompt,
     * first line only, against the reference response.
     */
    ROUGE1,
    /** Mean log-likelihood of the reference response tokens, teacher-forced: no generation, cheaper, deterministic. */
    LOGLIK,
    /** Both, reported side by side; decisions use the log-likelihood. */
    BOTH;

    public static ScoreType parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown score '" + s + "' (expected rouge1, loglik or both)");
        }
    }

    public boolean needsRouge() {
        return this != LOGLIK;
    }

    public boolean needsLoglik() {
        return this != ROUGE1;
    }

    /** The score that decides removal. */
    public String decidingName() {
        return this == ROUGE1 ? "rouge1" : "loglik";
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
