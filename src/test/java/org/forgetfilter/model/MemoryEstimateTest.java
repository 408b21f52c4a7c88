package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.forgetfilter.checkpoint.WeightLayout;
import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
    private static final List<ModelConfig> CONFIGS = List.of(TinyModels.llama(true), TinyModels.llama(false),
            TinyModels.gpt2(), ModelConfig.llama(50, 24, 40, 3, 6, 2, 17, false, 1, 2));

    @Test
    void parameterCountEqualsTheTensorsTheWeightLayoutLists() {
        for (ModelConfig c : CONFIGS) {
            long listed = WeightLayout.expectedShapes(c).values().stream().mapToLong(s -> {
                long n = 1;
                for (long d : s) {
                    n *= d;
                }
                return n;
            }).sum();
            assertEquals(listed, MemoryEstimate.parameterCount(c), c.toString());
        }
    }

    @Test
    void loraParametersEqualWhatTheModelTrains() {
        List<List<String>> targets = List.of(List.of("q_proj", "v_proj"),
                List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                List.of("c_attn"), List.of("c_proj"), List.of("c_fc", "c_proj", "c_attn"));
        try (NDManager m = NDManager.newBaseManager()) {
            for (List<String> t : targets) {
                ModelConfig c = t.contains("c_attn") || t.contains("c_proj") ? TinyModels.gpt2() : CONFIGS.get(3);
                LoraConfig lora = new LoraConfig(3, 6f, 0f, t);
                try (TransformerLm lm = TransformerLm.create(m, c, TinyModels.weights(c, 1))) {
                    lm.addLora(lora, 7);
                    assertEquals(lm.numTrainableParameters(), MemoryEstimate.of(c).loraParameters(lora), t.toString());
                }
            }
        }
    }

    @Test
    void absurdLayerCountIsRefusedWithTheEstimate() {
        ModelConfig absurd = ModelConfig.llama(32000, 4096, 11008, 1_000_000, 32, 32, 2048, false, 1, 2);
        MemoryEstimate e = MemoryEstimate.of(absurd);
        assertEquals(1_000_000L * 202_383_360 + 2L * 32000 * 4096 + 4096, e.parameters());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.requireLoadable("config.json"));
        String m = x.getMessage();
        assertTrue(m.startsWith("config.json: a llama model of 202.38T") && m.contains("num_layers=1000000")
                && m.contains("this machine has") && m.contains("2.9 PiB for full finetuning"), m);
    }

    @Test
    void sizesBeyondALongSaturateInsteadOfOverflowing() {
        ModelConfig c = ModelConfig.llama(Integer.MAX_VALUE, 1 << 30, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1, 8,
                false, 1, 2);
        assertEquals(Long.MAX_VALUE, MemoryEstimate.parameterCount(c));
        assertEquals("more than 8 EiB", MemoryEstimate.bytes(MemoryEstimate.of(c).fullFinetuneBytes()));
    }

    @Test
    void finetuningNeedsWeightsGradientsAndTwoMoments() {
        MemoryEstimate e = MemoryEstimate.of(TinyModels.llama(false));
        assertEquals(16 * e.parameters(), e.fullFinetuneBytes());
        LoraConfig lora = new LoraConfig(2, 4f, 0f, List.of("q_proj"));
        assertEquals(4 * e.parameters() + 16 * e.loraParameters(lora), e.loraFinetuneBytes(lora));
        assertTrue(MemoryEstimate.physicalMemoryBytes() > 1L << 30, "this machine has more than 1 GiB");
    }

    @Test
    void aTrainingStepsScratchIsTheEmbeddingsTwoGradientsAndTheLargestRootUnderFullFinetuning() {
        ModelConfig gpt2 = ModelConfig.gpt2(50257, 768, 12, 12, 1024, 50256, 50256);
        MemoryEstimate e = MemoryEstimate.of(gpt2);
        long embedding = 4L * 50257 * 768; // 147.2 MiB, the largest tensor (c_fc is 768 x 3072)
        assertEquals(2 * embedding + embedding, e.scratchBytes(null));
        // LoRA on c_attn (768 -> 2304): no base gradient; the largest adapter factor is B, 2304 x 8
        LoraConfig lora = new LoraConfig(8, 16f, 0f, List.of("c_attn"));
        assertEquals(4L * 8 * 2304, e.scratchBytes(lora));
        MemoryEstimate.RunPlan full = e.trainingRun(null, 4, 64);
        assertEquals(e.scratchBytes(null), full.scratchBytes());
        long weights = 4L * 124_439_808;
        assertEquals(weights, full.heapBytes(), "a full model is exported to the Java heap to be saved");
        assertEquals(2 * weights + weights + 2 * weights + full.activationBytes() + full.scratchBytes() + weights
                + MemoryEstimate.RUNTIME_BYTES, full.trainingBytes());
        assertEquals(full.trainingBytes(), full.parts().get("total"), "full finetuning peaks while training");
        assertEquals(full.scratchBytes(), full.parts().get("step_scratch"));
        MemoryEstimate.RunPlan adapters = e.trainingRun(lora, 4, 64);
        assertEquals(0, adapters.heapBytes(), "LoRA writes only the adapters");
        assertEquals(2 * weights + MemoryEstimate.RUNTIME_BYTES, adapters.loadingBytes());
        assertEquals(Math.max(adapters.loadingBytes(), adapters.trainingBytes()), adapters.totalBytes());
        assertEquals(adapters.loadingBytes(), adapters.totalBytes(), "at batch 4 x 64 LoRA peaks while loading");
        // a LLaMA whose feed-forward matrix is larger than its embedding
        ModelConfig wide = ModelConfig.llama(50, 24, 4000, 3, 6, 2, 17, false, 1, 2);
        assertEquals(2L * 4 * 50 * 24 + 4L * 4000 * 24, MemoryEstimate.of(wide).scratchBytes(null));
    }
}
