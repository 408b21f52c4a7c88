package org.forgetfilter.model;

/** The model families ForgetFilter can load and finetune. */
public enum Architecture {
    /** RMSNorm, rotary positions (rotate-half layout, as Hugging Face stores them), grouped-query attention, SwiGLU. */
    LLAMA,
    /** LayerNorm, learned positions, GELU (tanh approximation), tied output head. */
    GPT2
}
