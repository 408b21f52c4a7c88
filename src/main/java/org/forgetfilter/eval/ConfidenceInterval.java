package org.forgetfilter.eval;

/**
 * A bootstrap percentile interval around a point estimate. {@code validResamples} counts the resamples on which
 * the metric was defined (e.g. AUROC needs both classes); the percentiles are taken over those only.
 */
public record ConfidenceInterval(double estimate, double lower, double upper, double level,
                                 int resamples, int validResamples, long seed) {
}
