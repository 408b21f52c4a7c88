package org.forgetfilter.train;

/**
 * The training defaults of every command that finetunes ({@code filter}, {@code finetune}, {@code experiment}), in
 * one place. Two regimes, chosen by the model's size:
 * <ul>
 *   <li>models below {@value #SMALL_MODEL_PARAMETERS} parameters (the reference models stories260K and stories3M):
 *       settings measured on held-out task loss (README, "Training defaults"; scripts/training-defaults.sh);</li>
 *   <li>larger models: the usual settings of Hugging Face TRL/PEFT finetuning, learning rate 2e-5 for full
 *       finetuning and 2e-4 for LoRA.</li>
 * </ul>
 * Both use a linear warm-up over {@value #WARMUP_RATIO} of the steps and a cosine decay to zero, AdamW, gradient
 * clipping at 1, and the loss on the response tokens only.
 */
public final class TrainingDefaults {
    /** Below this many parameters a model counts as small (the measured regime). */
    public static final long SMALL_MODEL_PARAMETERS = 100_000_000L;
    /** Peak learning rate for small models, full finetuning or LoRA (measured). */
    public static final float SMALL_MODEL_LR = 5e-4f;
    /** Peak learning rate of full finetuning for larger models (TRL's usual value). */
    public static final float FULL_LR = 2e-5f;
    /** Peak learning rate of LoRA finetuning for larger models (PEFT's usual value, the paper's 2e-4). */
    public static final float LORA_LR = 2e-4f;
    /** Passes over the customer data (measured for small models; the usual 3 for larger ones as well). */
    public static final int EPOCHS = 3;
    /** Examples per optimizer step. */
    public static final int BATCH_SIZE = 16;
    /** Share of the optimizer steps spent on the linear warm-up. */
    public static final double WARMUP_RATIO = 0.03;
    /** Schedule after the warm-up. */
    public static final LrSchedule.Kind SCHEDULE = LrSchedule.Kind.COSINE;
    /** Tokens per example, or the model's context when that is shorter. */
    public static final int MAX_LENGTH = 512;
    /** The trial safety finetune runs at this fraction of M1's learning rate. */
    public static final float SAFETY_LR_FACTOR = 0.1f;
    /**
     * M1, the filter's probe, must learn the customer data for its forgetting to be measurable; it is thrown away,
     * so for small models it is trained longer and harder than a delivered model should be (measured: README).
     * Larger models learn their data in the usual epochs, and their probe is trained like the delivered model.
     */
    public static final int SMALL_MODEL_PROBE_EPOCHS = 8;
    /** Peak (constant) learning rate of a small model's probe. */
    public static final float SMALL_MODEL_PROBE_LR = 1e-3f;

    private TrainingDefaults() {
    }

    /** The default peak learning rate for a model of {@code parameters} parameters. */
    public static float learningRate(long parameters, boolean lora) {
        if (isSmall(parameters)) {
            return SMALL_MODEL_LR;
        }
        return lora ? LORA_LR : FULL_LR;
    }

    /** True when a model of this size is in the measured small-model regime. */
    public static boolean isSmall(long parameters) {
        return parameters < SMALL_MODEL_PARAMETERS;
    }

    /** Warm-up steps for a run of {@code totalSteps} optimizer steps. */
    public static int warmupSteps(double ratio, int totalSteps) {
        return (int) Math.ceil(ratio * totalSteps);
    }
}
