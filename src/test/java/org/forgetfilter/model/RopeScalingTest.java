package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Llama 3 rope scaling against values worked out by hand from the published formula. */
class RopeScalingTest {

    /**
     * theta 10000, head size 16: inv_freq_j = 10000^(-j/8) = 1, 0.316, 0.1, 0.0316, 0.01, ... with wavelengths
     * 2 pi / inv_freq = 6.3, 19.9, 62.8, 198.7, 628, 1987, 6283, 19869. With original 256, low_freq_factor 1 and
     * high_freq_factor 4 the bands are: below 256 / 4 = 64 unchanged (j = 0..2); above 256 / 1 = 256 divided by
     * factor 8 (j = 4..7); j = 3 (198.7) is blended: s = (256 / 198.692 - 1) / (4 - 1) = 0.0961426,
     * inv_freq = 0.0316228 * ((1 - s) / 8 + s) = 0.0316228 * 0.2091249 = 0.00661311.
     */
    @Test
    void inverseFrequenciesFollowTheLlama3Formula() {
        ModelConfig c = ModelConfig.llama(10, 32, 8, 1, 2, 1, 16, true, 1, 2)
                .withRopeScaling(new RopeScaling(8, 1, 4, 256));
        assertEquals(16, c.headDim());
        double[] expected = {1.0, 0.31622776601683794, 0.1, 0.00661311, 0.00125, 0.000395284708, 0.000125,
                0.0000395284708};
        double[] got = c.ropeInverseFrequencies();
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], got[j], expected[j] * 1e-6, "inv_freq[" + j + "]");
        }
    }

    @Test
    void withoutScalingTheFrequenciesArePlainRope() {
        ModelConfig c = ModelConfig.llama(10, 32, 8, 1, 2, 1, 16, true, 1, 2);
        double[] got = c.ropeInverseFrequencies();
        assertArrayEquals(new double[] {1.0, 0.31622776601683794, 0.1, 0.03162277660168379}, new double[] {got[0],
                got[1], got[2], got[3]}, 1e-15);
    }

    /** Llama 3.2's own settings (factor 32, original 8192, theta 500000, head size 64), at both ends and mid-band. */
    @Test
    void llama32Settings() {
        RopeScaling s = new RopeScaling(32, 1, 4, 8192);
        // wavelength 2 pi < 8192 / 4 = 2048: unchanged
        assertEquals(1.0, s.scale(1.0), 0.0);
        // 500000^(-62/64): wavelength 2 pi * 500000^(62/64) ~ 2.0e6 > 8192: divided by 32
        double lowest = Math.pow(500000, -62.0 / 64);
        assertEquals(lowest / 32, s.scale(lowest), lowest * 1e-12);
        // wavelength 4096, the middle of the blended band [2048, 8192]: s = (8192 / 4096 - 1) / 3 = 1/3,
        // result = inv_freq * (2/3 / 32 + 1/3)
        double mid = 2 * Math.PI / 4096;
        assertEquals(mid * (2.0 / 3 / 32 + 1.0 / 3), s.scale(mid), mid * 1e-12);
    }

    @Test
    void nonsenseParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling(8, 4, 1, 8192));
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling(0.5, 1, 4, 8192));
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling(8, 1, 4, 0));
    }
}
