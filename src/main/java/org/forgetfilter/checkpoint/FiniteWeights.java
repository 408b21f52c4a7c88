package org.forgetfilter.checkpoint;

import java.io.IOException;

/**
 * The load-time check that weights are numbers: a NaN or infinite weight makes every score NaN, and a filter
 * would then decide on NaN without a word. Readers call it on each tensor as it is decoded.
 */
final class FiniteWeights {
    private FiniteWeights() {
    }

    /** Fails naming the file, the tensor and the first bad element unless every value is finite. */
    static void check(Object file, String tensor, float[] data) throws IOException {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                long bad = 0;
                for (int j = i; j < data.length; j++) {
                    bad += Float.isFinite(data[j]) ? 0 : 1;
                }
                throw new IOException(file + ": tensor " + tensor + " holds " + data[i] + " at element " + i + " ("
                        + bad + " of " + data.length + " values are not finite); expected finite weights (the "
                        + "checkpoint is corrupt, or was saved after training diverged)");
            }
        }
    }
}
