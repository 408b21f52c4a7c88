package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfPrecisionTest {

    private static int f16(float f) {
        return HalfPrecision.floatToF16(f) & 0xffff;
    }

    private static int bf16(float f) {
        return HalfPrecision.floatToBf16(f) & 0xffff;
    }

    @Test
    void float16HandCheckedValues() {
        assertEquals(0x3c00, f16(1.0f));
        assertEquals(0xc000, f16(-2.0f));
        assertEquals(0x2e66, f16(0.1f)); // 0.0999755859375
        assertEquals(0x7bff, f16(65504f)); // largest half
        assertEquals(0x7bff, f16(65519.99f));
        assertEquals(0x7c00, f16(65520f)); // halfway to 65536: ties to even = infinity
        assertEquals(0x3c00, f16(1f + 0x1p-11f)); // tie between 0x3c00 (even) and 0x3c01
        assertEquals(0x3c02, f16(1f + 3 * 0x1p-11f)); // tie between 0x3c01 (odd) and 0x3c02
        assertEquals(0x0400, f16(0x1p-14f)); // smallest normal
        assertEquals(0x0001, f16(0x1p-24f)); // smallest subnormal
        assertEquals(0x0000, f16(0x1p-25f)); // tie to even zero
        assertEquals(0x0001, f16(1.5f * 0x1p-25f));
        assertEquals(0x0002, f16(3 * 0x1p-25f)); // 1.5 * 2^-24: tie to even 2
        assertEquals(0x03ff, f16(0x3ffp-24f)); // largest subnormal
        assertEquals(0x8000, f16(-0f));
        assertEquals(0x7c00, f16(Float.POSITIVE_INFINITY));
        assertEquals(0xfc00, f16(Float.NEGATIVE_INFINITY));
        int nan = f16(Float.intBitsToFloat(0x7f800001)); // NaN whose payload sits in dropped bits stays NaN
        assertEquals(0x7c00, nan & 0x7c00);
        assertTrue((nan & 0x3ff) != 0);
    }

    @Test
    void float16DecodesExactly() {
        assertEquals(1.0f, HalfPrecision.f16ToFloat((short) 0x3c00));
        assertEquals(65504f, HalfPrecision.f16ToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, HalfPrecision.f16ToFloat((short) 0x0001));
        assertEquals(-0x3ffp-24f, HalfPrecision.f16ToFloat((short) 0x83ff));
        assertEquals(0.0999755859375f, HalfPrecision.f16ToFloat((short) 0x2e66));
        assertEquals(Float.NEGATIVE_INFINITY, HalfPrecision.f16ToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(HalfPrecision.f16ToFloat((short) 0x7e00)));
        // every half survives half -> float -> half
        for (int h = 0; h < 0x10000; h++) {
            final int bits = h;
            float f = HalfPrecision.f16ToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertEquals(bits, f16(f), () -> "half " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void bfloat16HandCheckedValues() {
        assertEquals(0x3f80, bf16(1.0f));
        assertEquals(0x3dcd, bf16(0.1f)); // 0x3dcccccd rounds up
        assertEquals(0x3f80, bf16(Float.intBitsToFloat(0x3f808000))); // tie, keep even
        assertEquals(0x3f82, bf16(Float.intBitsToFloat(0x3f818000))); // tie, round to even
        assertEquals(0x7f80, bf16(Float.MAX_VALUE)); // overflows to infinity
        assertEquals(0xff80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x7fc0, bf16(Float.NaN));
        assertEquals(0x7fc0, bf16(Float.intBitsToFloat(0x7f800001))); // payload below the cut stays NaN
        assertEquals(0x0000, bf16(Float.intBitsToFloat(0x00008000))); // subnormal tie to even zero
        assertEquals(0x0002, bf16(Float.intBitsToFloat(0x00018000)));
        assertEquals(Float.intBitsToFloat(0x3dcd0000), HalfPrecision.bf16ToFloat((short) 0x3dcd));
    }
}
