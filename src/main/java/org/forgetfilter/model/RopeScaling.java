package org.forgetfilter.model;

/**
 * Llama 3.x rope scaling ({@code rope_scaling.rope_type "llama3"} in config.json), which stretches the context of a
 * model trained on {@code originalMaxPositions} tokens. Each RoPE frequency is handled by its wavelength
 * {@code 2 pi / inv_freq}, with {@code low = original / lowFreqFactor} and {@code high = original / highFreqFactor}:
 * <pre>
 * wavelength &lt; high          : inv_freq unchanged (high frequencies carry local order)
 * wavelength &gt; low           : inv_freq / factor  (low frequencies are interpolated)
 * otherwise, with s = (original / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor):
 *                               (1 - s) * inv_freq / factor + s * inv_freq
 * </pre>
 * The attention scores are not rescaled (the attention factor of this scheme is 1).
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

    public RopeScaling {
        if (!(factor >= 1) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0) {
            throw new IllegalArgumentException("llama3 rope_scaling needs factor >= 1, 0 < low_freq_factor < "
                    + "high_freq_factor and original_max_position_embeddings > 0, got factor " + factor
                    + ", low_freq_factor " + lowFreqFactor + ", high_freq_factor " + highFreqFactor
                    + ", original_max_position_embeddings " + originalMaxPositions);
        }
    }

    /** The scaled inverse frequency for one unscaled {@code invFreq}. */
    public double scale(double invFreq) {
        double wavelength = 2 * Math.PI / invFreq;
        if (wavelength < originalMaxPositions / highFreqFactor) {
            return invFreq;
        }
        if (wavelength > originalMaxPositions / lowFreqFactor) {
            return invFreq / factor;
        }
        double s = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - s) * invFreq / factor + s * invFreq;
    }
}
