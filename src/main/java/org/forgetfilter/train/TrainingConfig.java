package org.forgetfilter.train;

/**
 * How to finetune: either a number of epochs or a fixed number of optimizer steps.
 *
 * @param epochs           passes over the data (used when maxSteps is 0)
 * @param maxSteps         optimizer steps; 0 = derive from epochs
 * @param batchSize        examples per micro-batch
 * @param gradAccumulation micro-batches per optimizer step (effective batch = batchSize * gradAccumulation)
 * @param learningRate     peak learning rate
 * @param weightDecay      decoupled weight decay of AdamW
 * @param schedule         learning-rate schedule after warm-up
 * @param warmupSteps      linear warm-up steps
 * @param maxGradNorm      global gradient-norm clipping; 0 = off
 * @param promptLoss       learn the prompt tokens too (the paper's code trains on the whole sequence); false = response only
 * @param seed             shuffling, LoRA dropout
 */
public record TrainingConfig(int epochs, int maxSteps, int batchSize, int gradAccumulation, float learningRate,
                             float weightDecay, LrSchedule.Kind schedule, int warmupSteps, float maxGradNorm,
                             boolean promptLoss, long seed) {

    public TrainingConfig {
        if (epochs <= 0 && maxSteps <= 0) {
            throw new IllegalArgumentException("give a positive number of epochs or steps");
        }
        if (batchSize <= 0 || gradAccumulation <= 0) {
            throw new IllegalArgumentException("batch size and gradient accumulation must be positive");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
    }

    /** The paper's released-code defaults: AdamW, lr 2e-4, constant schedule, batch 16, whole-sequence loss. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(3, 0, 16, 1, 2e-4f, 0f, LrSchedule.Kind.CONSTANT, 0, 1.0f, true, 42);
    }

    public TrainingConfig withSteps(int steps) {
        return new TrainingConfig(epochs, steps, batchSize, gradAccumulation, learningRate, weightDecay, schedule,
                warmupSteps, maxGradNorm, promptLoss, seed);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, 0, batchSize, gradAccumulation, learningRate, weightDecay, schedule,
                warmupSteps, maxGradNorm, promptLoss, seed);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(epochs, maxSteps, batchSize, gradAccumulation, lr, weightDecay, schedule,
                warmupSteps, maxGradNorm, promptLoss, seed);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, maxSteps, batchSize, gradAccumulation, learningRate, weightDecay, schedule,
                warmupSteps, maxGradNorm, promptLoss, s);
    }

    /** Optimizer steps for a data set of {@code n} examples. */
    public int totalSteps(int n) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        int batches = (n + batchSize - 1) / batchSize;
        return epochs * Math.max(1, (batches + gradAccumulation - 1) / gradAccumulation);
    }
}
