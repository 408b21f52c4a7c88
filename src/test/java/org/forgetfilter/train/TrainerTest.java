package org.forgetfilter.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TinyModels;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final List<TokenizedExample> BATCH = List.of(
            new TokenizedExample(new int[] {1, 4, 9}, new int[] {12, 3, 2}),
            new TokenizedExample(new int[] {1, 20}, new int[] {7, 30, 31, 2}),
            new TokenizedExample(new int[] {1, 5}, new int[] {5, 6, 7, 8, 2}));

    private static TrainingConfig config(int steps, float lr) {
        return new TrainingConfig(0, steps, 3, 1, lr, 0f, LrSchedule.Kind.CONSTANT, 0, 1.0f, false, 7);
    }

    @Test
    void tinyModelOverfitsOneBatch() {
        ModelConfig cfg = ModelConfig.llama(37, 32, 64, 2, 4, 2, 32, true, 1, 2);
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TransformerLm.randomWeights(cfg, 1))) {
            List<StepRecord> log = new Trainer(model, config(150, 1e-2f)).train(BATCH, null);
            assertTrue(log.get(0).loss() > 3.0, "starts near log(37): " + log.get(0).loss());
            double last = log.get(log.size() - 1).loss();
            assertTrue(last < 0.02, "loss after 150 steps on one batch: " + last);
        }
    }

    @Test
    void loraTrainingOnlyMovesTheAdapterAndIsDeterministic() {
        ModelConfig cfg = TinyModels.gpt2();
        float[] first = null;
        for (int run = 0; run < 2; run++) {
            try (NDManager root = NDManager.newBaseManager();
                 TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3))) {
                float[] baseBefore = model.exportWeights().get("transformer.h.0.attn.c_attn.weight").data();
                model.addLora(new LoraConfig(4, 8f, 0.1f, List.of("c_attn")), 5);
                List<StepRecord> log = new Trainer(model, config(20, 5e-3f)).train(BATCH, null);
                assertTrue(log.get(19).loss() < log.get(0).loss(), "LoRA training lowers the loss");
                assertArrayEquals(baseBefore, model.exportWeights().get("transformer.h.0.attn.c_attn.weight").data(),
                        "base weights are frozen");
                float[] adapter = model.exportLora().get("transformer.h.0.attn.c_attn.lora_B.weight").data();
                if (first == null) {
                    first = adapter;
                } else {
                    assertArrayEquals(first, adapter, "same seed, same adapter");
                }
            }
        }
    }

    /** Qwen2-shaped (q/k/v biases): LoRA on q_proj and v_proj learns, and the biases stay frozen with the weights. */
    @Test
    void loraTrainingOfAQwen2ShapedModelLowersTheLoss() {
        ModelConfig cfg = TinyModels.qwen2();
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3))) {
            String bias = "model.layers.0.self_attn.q_proj.bias";
            float[] biasBefore = model.exportWeights().get(bias).data();
            model.addLora(new LoraConfig(4, 8f, 0f, List.of("q_proj", "v_proj")), 5);
            List<StepRecord> log = new Trainer(model, config(20, 5e-3f)).train(BATCH, null);
            assertTrue(log.get(19).loss() < 0.9 * log.get(0).loss(), "loss " + log.get(0).loss() + " -> " + log.get(19).loss());
            assertArrayEquals(biasBefore, model.exportWeights().get(bias).data(), "the base model's biases are frozen");
            model.mergeLora();
            List<StepRecord> full = new Trainer(model, config(5, 5e-3f)).train(BATCH, null);
            assertTrue(full.get(4).loss() < full.get(0).loss(), "full finetuning lowers the loss too");
            float[] after = model.exportWeights().get(bias).data();
            assertTrue(!java.util.Arrays.equals(biasBefore, after), "full finetuning trains the biases");
        }
    }

    @Test
    void scheduleShapes() {
        LrSchedule warm = new LrSchedule(LrSchedule.Kind.LINEAR, 1f, 4, 14);
        assertEquals(0.2f, warm.at(0), 1e-6);
        assertEquals(0.8f, warm.at(3), 1e-6);
        assertEquals(1.0f, warm.at(4), 1e-6);
        assertEquals(0.5f, warm.at(9), 1e-6);
        LrSchedule cos = new LrSchedule(LrSchedule.Kind.COSINE, 2f, 0, 10);
        assertEquals(2f, cos.at(0), 1e-6);
        assertEquals(1f, cos.at(5), 1e-6);
        assertEquals(0f, cos.at(10), 1e-6);
        assertEquals(2f, new LrSchedule(LrSchedule.Kind.CONSTANT, 2f, 0, 10).at(9), 0);
    }

    @Test
    void gradientAccumulationEqualsOneBigBatch() {
        ModelConfig cfg = TinyModels.llama(true);
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NDManager root = NDManager.newBaseManager();
                 TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 8))) {
                // Two examples of one length, so bucketing cannot reorder them differently between the runs.
                List<TokenizedExample> data = List.of(BATCH.get(0), new TokenizedExample(new int[] {1, 8, 8}, new int[] {3, 4, 2}));
                TrainingConfig c = run == 0
                        ? new TrainingConfig(0, 1, 2, 1, 1e-2f, 0.1f, LrSchedule.Kind.CONSTANT, 0, 0f, true, 3)
                        : new TrainingConfig(0, 1, 1, 2, 1e-2f, 0.1f, LrSchedule.Kind.CONSTANT, 0, 0f, true, 3);
                new Trainer(model, c).train(data, null);
                results[run] = model.exportWeights().get("model.layers.0.self_attn.q_proj.weight").data();
            }
        }
        assertArrayEquals(results[0], results[1], 1e-6f);
    }

    /**
     * At an absurd learning rate the first step is finite and the second is not: training fails at step 2 naming the
     * stage, before the non-finite loss reaches the weights.
     */
    @Test
    void aDivergingRunFailsNamingTheStageAndTheStep() {
        ModelConfig cfg = ModelConfig.llama(37, 32, 64, 2, 4, 2, 32, true, 1, 2);
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TransformerLm.randomWeights(cfg, 1))) {
            ArithmeticException e = org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class,
                    () -> new Trainer(model, config(5, 1e30f), "finetune_m1").train(BATCH, null));
            assertTrue(e.getMessage().startsWith("finetune_m1: "), e.getMessage());
            assertTrue(e.getMessage().contains(" at optimizer step 2 of 5 "), e.getMessage());
            for (var w : model.exportWeights().entrySet()) {
                for (float x : w.getValue().data()) {
                    assertTrue(Float.isFinite(x), w.getKey() + " holds " + x + " after the failed step");
                }
            }
        }
    }
}
