package org.forgetfilter.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Creates NDArrays whose memory belongs to libtorch.
 *
 * <p>Why: DJL's PyTorch engine wraps a Java direct buffer without copying it ({@code torch::from_blob}); the buffer
 * lives only as long as the Java wrapper. A tensor that outlives its wrapper inside libtorch (an input saved by
 * autograd for the backward pass, a view) then reads freed memory once the garbage collector reclaims the buffer.
 * The same holds for DJL's {@code NDArray.mul(Number)} and friends, which wrap the number in a temporary array
 * and close it at once: under gradient recording the backward pass later reads the freed scalar. We saw both as
 * random NaN gradients under memory pressure. Model code therefore multiplies by {@link #scalar} constants and
 * builds inputs through {@link #of}, never by passing Java numbers to differentiable operations.
 */
public final class OwnedArrays {
    private OwnedArrays() {
    }

    /** A libtorch-owned copy of {@code data}, attached to {@code m} and registered in the current NDScope. */
    public static NDArray of(NDManager m, float[] data, Shape shape) {
        try (NDArray blob = m.create(data, shape)) {
            return blob.duplicate();
        }
    }

    /** A libtorch-owned copy of {@code data}, attached to {@code m} and registered in the current NDScope. */
    public static NDArray of(NDManager m, long[] data, Shape shape) {
        try (NDArray blob = m.create(data, shape)) {
            return blob.duplicate();
        }
    }

    /** A 0-d libtorch-owned float, registered in the current NDScope like any other array. */
    public static NDArray scalar(NDManager m, float value) {
        return of(m, new float[] {value}, new Shape());
    }

    /** Like {@link #of} but kept out of the current NDScope: it lives as long as its manager (model weights). */
    public static NDArray persistent(NDManager m, float[] data, Shape shape) {
        NDArray a = of(m, data, shape);
        NDScope.unregister(a);
        return a;
    }
}
