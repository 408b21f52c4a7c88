package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.util.Map;

/**
 * The load-time check that weights are numbers: a NaN or infinite weight makes every score NaN, and a filter
 * would then decide on NaN without a word. The model loaders call it on what they read; the safetensors reader
 * itself stays faithful to the file (it round-trips any float).
 */
final class FiniteWeights {
    private FiniteWeights() {
    }

    /** Checks every tensor of a file. */
    static void check(Object file, Map<String, FloatTensor> tensors) throws IOException {
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            check(file, e.getKey(), e.getValue().data());
        }
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
