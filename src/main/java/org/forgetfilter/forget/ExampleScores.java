package org.forgetfilter.forget;

/**
 * Scores of every example under one model, in input order; an array is null when that score was not computed.
 *
 * @param loglik mean response log-likelihood per token
 * @param rouge1 ROUGE-1 F of the greedy first-line completion against the reference response
 */
public record ExampleScores(double[] loglik, double[] rouge1) {

    /** The score that decides removal for a score type. */
    public double[] deciding(ScoreType type) {
        return type == ScoreType.ROUGE1 ? rouge1 : loglik;
    }

    public int size() {
        return loglik != null ? loglik.length : rouge1.length;
    }
}
