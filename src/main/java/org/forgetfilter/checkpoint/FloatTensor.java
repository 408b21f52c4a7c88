package org.forgetfilter.checkpoint;

import java.util.Arrays;

/**
 * A named checkpoint tensor held as float32 in row-major order, in the layout the checkpoint stores it
 * (Hugging Face conventions: a torch {@code Linear} weight is (out, in), a GPT-2 {@code Conv1D} weight is (in, out)).
 * Every dtype on disk (F32, F16, BF16, ...) is converted to float in Java before any native array exists.
 */
public record FloatTensor(long[] shape, float[] data) {

    public FloatTensor {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public static FloatTensor of(float[] data, long... shape) {
        return new FloatTensor(shape.clone(), data);
    }

    public long size() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
