package org.forgetfilter.checkpoint;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Element types of a safetensors file that can be read as float32. Reading converts in Java; writing
 * supports the three float types a model is usually stored in.
 */
public enum SafetensorsDtype {
    F32(4, "float32"),
    F16(2, "float16"),
    BF16(2, "bfloat16"),
    F64(8, "float64"),
    I32(4, "int32"),
    I64(8, "int64");

    private final int bytes;
    private final String torchName;

    SafetensorsDtype(int bytes, String torchName) {
        this.bytes = bytes;
        this.torchName = torchName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The name PyTorch and config.json's {@code torch_dtype} use, e.g. bfloat16. */
    public String torchName() {
        return torchName;
    }

    /** True for the types {@link SafetensorsWriter} can write. */
    public boolean writable() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The dtype named in a safetensors header (e.g. "BF16"), or null when it is not one we read. */
    public static SafetensorsDtype fromHeader(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Parses a user's choice: f32, f16, bf16 (also float32, float16, bfloat16), case-insensitive. */
    public static SafetensorsDtype parseWritable(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (SafetensorsDtype d : values()) {
            if (d.writable() && (d.name().toLowerCase(Locale.ROOT).equals(t) || d.torchName.equals(t))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported dtype '" + text + "': expected f32, f16 or bf16");
    }

    /**
     * Reads {@code count} little-endian elements from {@code in}, starting at its position, into {@code out} from
     * index {@code from}, as float32.
     */
    void decode(ByteBuffer in, float[] out, int from, int count) {
        int p = in.position();
        switch (this) {
            case F32 -> in.asFloatBuffer().get(out, from, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = HalfPrecision.f16ToFloat(in.getShort(p + i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = HalfPrecision.bf16ToFloat(in.getShort(p + i * 2));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = (float) in.getDouble(p + i * 8);
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = in.getInt(p + i * 4);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = in.getLong(p + i * 8);
                }
            }
        }
    }

    /** Writes {@code count} floats from {@code values} starting at {@code from} as little-endian elements. */
    void encode(float[] values, int from, int count, ByteBuffer out) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(values[from + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(HalfPrecision.floatToF16(values[from + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(HalfPrecision.floatToBf16(values[from + i]));
                }
            }
            default -> throw new IllegalArgumentException("cannot write dtype " + this + ": expected F32, F16 or BF16");
        }
    }
}
