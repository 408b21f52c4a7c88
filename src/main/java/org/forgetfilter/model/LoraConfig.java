package org.forgetfilter.model;

import java.util.List;

/**
 * Low-rank adaptation of selected linear layers (Hu et al. 2021; PEFT's LoraConfig):
 * {@code y = x W + dropout(x) A B * alpha / rank}, with A (in, rank) random and B (rank, out) zero at start.
 *
 * @param rank          r
 * @param alpha         scaling numerator (PEFT's lora_alpha)
 * @param dropout       dropout on the adapter input during training
 * @param targetModules module names matched against the last component of a layer name, e.g. q_proj, v_proj, c_attn
 */
public record LoraConfig(int rank, float alpha, float dropout, List<String> targetModules) {

    public LoraConfig {
        if (rank <= 0) {
            throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        targetModules = List.copyOf(targetModules);
    }

    /** The usual targets per architecture (PEFT's defaults): q_proj and v_proj for LLaMA, the fused c_attn for GPT-2. */
    public static List<String> defaultTargets(Architecture architecture) {
        return architecture == Architecture.GPT2 ? List.of("c_attn") : List.of("q_proj", "v_proj");
    }

    public float scaling() {
        return alpha / rank;
    }

    /** True when the linear layer {@code layerName} (e.g. model.layers.0.self_attn.q_proj) is adapted. */
    public boolean targets(String layerName) {
        String last = layerName.substring(layerName.lastIndexOf('.') + 1);
        return targetModules.contains(last);
    }
}
