package org.forgetfilter.bench;

import java.util.Locale;
import org.forgetfilter.model.ModelConfig;

/** Model shapes the benchmarks build with random weights: no checkpoint is needed to measure speed. */
public enum BenchPreset {
    /** GPT-2 small, 124M parameters (the paper's smallest model family member). */
    GPT2_SMALL("gpt2-small", ModelConfig.gpt2(50257, 768, 12, 12, 1024, 50256, 50256)),
    /** The shape of llama2.c's stories260K (dim 64, 5 layers, 8 heads / 4 kv heads, vocab 512). */
    STORIES260K("stories260k", ModelConfig.llama(512, 64, 172, 5, 8, 4, 512, true, 1, 2));

    private final String label;
    private final ModelConfig config;

    BenchPreset(String label, ModelConfig config) {
        this.label = label;
        this.config = config;
    }

    public String label() {
        return label;
    }

    public ModelConfig config() {
        return config;
    }

    public static BenchPreset parse(String text) {
        for (BenchPreset p : values()) {
            if (p.label.equals(text.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + text + "' (expected gpt2-small or stories260k)");
    }
}
