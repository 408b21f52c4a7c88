package org.forgetfilter.train;

/**
 * What one optimizer step did.
 *
 * @param step         1-based optimizer step
 * @param epoch        1-based pass over the data the step belongs to
 * @param loss         mean token cross-entropy of the step's batch
 * @param lr           learning rate used
 * @param gradNorm     global gradient norm before clipping
 * @param tokens       real (unpadded) input tokens of the step
 * @param seconds      wall time of the step
 */
public record StepRecord(int step, int epoch, double loss, double lr, double gradNorm, long tokens, double seconds) {
}
