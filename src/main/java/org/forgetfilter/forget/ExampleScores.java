package org.forgetfilter.forget;

/**
 * Scores of every example under one model, in input order; an array is null when that score was not computed.
 *
 * @param loglik mean response log-likelihood per token (its exponential is the {@code prob} score)
 * @param rouge1 ROUGE-1 F of the greedy first-line completion against the reference response
 */
public record ExampleScores(double[] loglik, double[] rouge1) {

    /** The score that decides removal for a score type. */
    public double[] deciding(ScoreType type) {
        return switch (type) {
            case ROUGE1 -> rouge1;
            case LOGLIK -> loglik;
            case PROB, BOTH -> prob();
        };
    }

    /** Geometric-mean token probability of each response, exp(loglik); null without the log-likelihood. */
    public double[] prob() {
        if (loglik == null) {
            return null;
        }
        double[] p = new double[loglik.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(loglik[i]);
        }
        return p;
    }

    /**
     * These scores, after failing unless every computed one is finite ({@link FiniteScores}).
     *
     * @param stage    the stage that computed them, named in the error
     * @param examples the scored examples, in the same order
     */
    public ExampleScores requireFinite(String stage, java.util.List<org.forgetfilter.data.Example> examples) {
        FiniteScores.check(stage, "loglik", loglik, examples);
        FiniteScores.check(stage, "rouge1", rouge1, examples);
        return this;
    }

    public int size() {
        return loglik != null ? loglik.length : rouge1.length;
    }
}
