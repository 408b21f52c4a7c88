package org.forgetfilter.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of past positions, per layer, shape (B, kvHeads, 1, Tk, headDim). Generation appends one
 * position per step. The arrays must outlive the NDScope of the step that made them, so the cache takes
 * them out of the scope and closes each one itself when it is replaced or the cache is closed.
 *
 * <p>With a sliding window (Mistral) every position is still kept: the model's mask hides the keys outside the
 * window, counting from {@link #length()}. Dropping them would save memory only past the window (4096 tokens
 * for Mistral 7B v0.1), far beyond the generations this project makes.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(int numLayers) {
        keys = new NDArray[numLayers];
        values = new NDArray[numLayers];
    }

    /** Number of cached positions (0 when empty), as seen before a forward call updates the layers. */
    public long length() {
        return length(0);
    }

    /** Cached positions of one layer; during a forward pass the layers before it already hold the new ones. */
    long length(int layer) {
        return keys[layer] == null ? 0 : keys[layer].getShape().get(3);
    }

    /**
     * Appends this step's keys and values for one layer and returns the full (past + new) arrays.
     * The previous arrays of the layer are closed.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = keys[layer] == null ? k : keys[layer].concat(k, 3);
        NDArray fullV = values[layer] == null ? v : values[layer].concat(v, 3);
        NDScope.unregister(fullK, fullV);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = fullK;
        values[layer] = fullV;
        return new NDArray[] {fullK, fullV};
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
            }
        }
    }
}
