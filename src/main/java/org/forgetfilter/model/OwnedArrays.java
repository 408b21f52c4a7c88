package org.forgetfilter.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Creates NDArrays whose memory belongs to libtorch, and copies Java arrays into them.
 *
 * <p>Why: DJL's PyTorch engine wraps a Java direct buffer without copying it ({@code torch::from_blob}); the buffer
 * lives only as long as the Java wrapper. A tensor that outlives its wrapper inside libtorch (an input saved by
 * autograd for the backward pass, a view) then reads freed memory once the garbage collector reclaims the buffer.
 * The same holds for DJL's {@code NDArray.mul(Number)} and friends, which wrap the number in a temporary array
 * and close it at once: under gradient recording the backward pass later reads the freed scalar. We saw both as
 * random NaN gradients under memory pressure. Model code therefore multiplies by {@link #scalar} constants and
 * builds inputs through {@link #of}, never by passing Java numbers to differentiable operations.
 *
 * <p>Memory: on the CPU the values are written straight into a tensor that libtorch allocated ({@code torch::empty}),
 * through a direct buffer that aliases the tensor's own memory ({@code toByteBuffer(true)}). DJL's
 * {@code NDManager.create(float[])} would instead stage the whole array in a fresh JVM direct buffer, which the JVM
 * frees only when its garbage collector happens to find it: loading GPT-2 small that way kept one more copy of the
 * weights (475 MiB) alive for the whole run (docs/BENCHMARKS.md, "Memory of a filter run").
 */
public final class OwnedArrays {
    private OwnedArrays() {
    }

    /** A libtorch-owned copy of {@code data}, attached to {@code m} and registered in the current NDScope. */
    public static NDArray of(NDManager m, float[] data, Shape shape) {
        requireSize(data.length, shape);
        if (!isCpu(m.getDevice())) {
            return viaStaging(m.create(data, shape));
        }
        NDArray a = m.create(shape, DataType.FLOAT32);
        copyInto(a, data);
        return a;
    }

    /** A libtorch-owned copy of {@code data}, attached to {@code m} and registered in the current NDScope. */
    public static NDArray of(NDManager m, long[] data, Shape shape) {
        requireSize(data.length, shape);
        if (!isCpu(m.getDevice())) {
            return viaStaging(m.create(data, shape));
        }
        NDArray a = m.create(shape, DataType.INT64);
        if (data.length > 0) {
            memoryOf(a).asLongBuffer().put(data);
        }
        return a;
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

    /**
     * Overwrites the values of a float32 array in place (same shape, no new tensor): on the CPU a plain memory copy
     * into libtorch's buffer. Not recorded by autograd; use it on weights, outside a gradient collector.
     */
    public static void copyInto(NDArray target, float[] data) {
        requireSize(data.length, target.getShape());
        if (target.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("copyInto needs a float32 array, got " + target.getDataType());
        }
        if (data.length == 0) {
            return;
        }
        if (!isCpu(target.getDevice())) {
            try (NDArray staged = target.getManager().create(data, target.getShape())) {
                staged.copyTo(target);
            }
            return;
        }
        memoryOf(target).asFloatBuffer().put(data);
    }

    /**
     * Overwrites {@code target}'s values with {@code source}'s (same shape and dtype) in place: on the CPU one memory
     * copy, no new tensor. Not recorded by autograd; use it on weights, outside a gradient collector.
     */
    public static void copyInto(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape()) || target.getDataType() != source.getDataType()) {
            throw new IllegalArgumentException("cannot copy " + source.getDataType() + " " + source.getShape()
                    + " into " + target.getDataType() + " " + target.getShape());
        }
        if (target.size() == 0) {
            return;
        }
        if (!isCpu(target.getDevice()) || !isCpu(source.getDevice())) {
            target.muli(0).addi(source);
            return;
        }
        memoryOf(target).put(memoryOf(source));
    }

    /** A direct buffer over the array's own memory (a contiguous CPU tensor), for writing into it. */
    private static ByteBuffer memoryOf(NDArray a) {
        ByteBuffer memory = a.toByteBuffer(true);
        if (!memory.isDirect() || memory.capacity() != a.size() * a.getDataType().getNumOfBytes()) {
            // a non-contiguous array hands back a copy, and writing into that would change nothing
            throw new IllegalStateException("cannot write into the memory of array " + a.getName() + " "
                    + a.getShape() + " (not a contiguous CPU tensor)");
        }
        return memory;
    }

    private static NDArray viaStaging(NDArray blob) {
        // off the CPU, create() copies to the device at once, so the staging buffer is not shared with the result
        try (blob) {
            return blob.duplicate();
        }
    }

    private static boolean isCpu(Device d) {
        return Device.Type.CPU.equals(d.getDeviceType());
    }

    private static void requireSize(long n, Shape shape) {
        if (n != shape.size()) {
            throw new IllegalArgumentException(n + " values for shape " + Arrays.toString(shape.getShape()) + " ("
                    + shape.size() + " needed)");
        }
    }
}
