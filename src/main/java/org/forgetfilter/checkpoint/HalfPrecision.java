package org.forgetfilter.checkpoint;

/**
 * Conversions between float32 and the two 16-bit formats found in checkpoints, done in Java so that no
 * half-precision value ever reaches native code. Float to 16-bit rounds to nearest, ties to even, like
 * PyTorch's {@code tensor.to(torch.float16 / torch.bfloat16)}. (Java 20 has Float.floatToFloat16; we target 17.)
 */
public final class HalfPrecision {
    private HalfPrecision() {
    }

    /** IEEE binary16 bits (in the low 16 bits) of the nearest half to {@code f}; overflow gives infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            // Keep NaN a NaN: force the quiet bit so that dropping low mantissa bits cannot give infinity.
            return (short) (abs > 0x7f800000 ? sign | 0x7e00 | ((abs >>> 13) & 0x3ff) : sign | 0x7c00);
        }
        if (abs >= 0x477ff000) { // 65520 = halfway between the largest half 65504 and 65536: ties go to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) { // below 2^-14, the smallest normal half: result is subnormal or zero
            int exp = abs >>> 23;
            int shift = 126 - exp; // value / 2^-24 = mantissa * 2^(exp - 126)
            if (shift > 24) {
                return (short) sign;
            }
            int mant = (abs & 0x7fffff) | 0x800000;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int tie = 1 << (shift - 1);
            if (rem > tie || (rem == tie && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int h = (((abs >>> 23) - 112) << 10) | ((abs & 0x7fffff) >>> 13);
        int rem = abs & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) {
            h++; // a carry into the exponent is the correct rounding up to the next binade
        }
        return (short) (sign | h);
    }

    /** The float32 value of IEEE binary16 bits (exact: every half is a float). */
    public static float f16ToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 bits (the upper half of a float32) of the nearest bfloat16 to {@code f}. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 value of bfloat16 bits. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }
}
