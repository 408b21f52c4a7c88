package org.forgetfilter.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.checkpoint.FloatTensor;

/** Small random models for engine tests: big enough to exercise every code path, small enough for milliseconds. */
public final class TinyModels {
    private TinyModels() {
    }

    /** LLaMA with grouped-query attention (4 query heads, 2 kv heads), untied or tied head. */
    public static ModelConfig llama(boolean tied) {
        return ModelConfig.llama(37, 16, 24, 2, 4, 2, 32, tied, 1, 2);
    }

    /** Qwen2-shaped: the tiny LLaMA with q/k/v biases and a tied head (as Qwen2.5-0.5B). */
    public static ModelConfig qwen2() {
        return llama(true).withAttentionBias(AttentionBias.QKV);
    }

    /** Mistral-shaped: the tiny LLaMA with a sliding window of {@code window} positions. */
    public static ModelConfig mistral(int window) {
        return llama(false).withSlidingWindow(window);
    }

    public static ModelConfig gpt2() {
        return ModelConfig.gpt2(41, 16, 2, 4, 32, 0, 0);
    }

    /**
     * Random weights with a larger spread than the training initialisation (so that every weight visibly moves the
     * logits), norm scales around 1 and non-zero biases.
     */
    public static Map<String, FloatTensor> weights(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : TransformerLm.randomWeights(config, seed).entrySet()) {
            float[] d = e.getValue().data().clone();
            boolean norm = e.getKey().contains("norm") || e.getKey().contains(".ln_");
            for (int i = 0; i < d.length; i++) {
                double u = rnd.nextDouble() * 2 - 1;
                d[i] = (float) (norm && e.getKey().endsWith(".weight") ? 1 + 0.2 * u : 0.4 * u);
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), d));
        }
        return out;
    }
}
