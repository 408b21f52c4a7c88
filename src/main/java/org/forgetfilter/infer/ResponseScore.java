package org.forgetfilter.infer;

/**
 * Teacher-forced score of one example's response under a model.
 *
 * @param loglik     sum of the response tokens' log-probabilities (natural log)
 * @param loglikMean loglik / tokens
 * @param tokens     number of response tokens (EOS included when appended)
 */
public record ResponseScore(double loglik, double loglikMean, int tokens) {
}
