package org.forgetfilter.model;

/**
 * Which attention projections of a LLaMA-family model carry a bias; the checkpoint then holds
 * {@code self_attn.<proj>.bias} tensors beside the weights.
 */
public enum AttentionBias {
    /** LLaMA, Mistral: no biases. */
    NONE,
    /** Qwen2: q_proj, k_proj and v_proj have biases, o_proj has none. */
    QKV,
    /** LLaMA with {@code attention_bias: true}: all four projections have biases. */
    QKVO;

    /** True when the projection {@code q_proj}, {@code k_proj}, {@code v_proj} or {@code o_proj} has a bias. */
    public boolean has(String projection) {
        return switch (this) {
            case NONE -> false;
            case QKV -> !projection.equals("o_proj");
            case QKVO -> true;
        };
    }
}
