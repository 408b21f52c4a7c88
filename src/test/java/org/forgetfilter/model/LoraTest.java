package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.checkpoint.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoraTest {
    private static final long[] TOKENS = {1, 6, 8, 20, 3, 3, 14};

    private static float[] logits(TransformerLm model) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray in = model.manager().create(TOKENS, new Shape(1, TOKENS.length));
            return model.logits(model.hidden(in, null, null, null)).toFloatArray();
        }
    }

    private static void randomizeB(TransformerLm model, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (NDArray p : model.trainableParameters()) {
            float[] v = new float[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() - 0.5);
            }
            p.set(v);
        }
    }

    /**
     * Both weight layouts: LLaMA holds torch Linear weights (out, in), GPT-2 Conv1D weights (in, out); the adapter's
     * factors are PEFT's (r, in) and (out, r) in both, and merging must add B A in the base weight's own layout.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void freshAdapterLeavesTheModelUnchangedAndMergedEqualsUnmerged(String architecture) {
        boolean llama = architecture.equals("llama");
        ModelConfig cfg = llama ? TinyModels.llama(false) : TinyModels.gpt2();
        List<String> targets = llama ? List.of("q_proj", "v_proj") : List.of("c_attn", "c_fc");
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 2);
        try (NDManager root = NDManager.newBaseManager(); TransformerLm model = TransformerLm.create(root, cfg, w)) {
            float[] base = logits(model);
            model.addLora(new LoraConfig(4, 8f, 0.05f, targets), 1);
            assertArrayEquals(base, logits(model), 1e-6f, "B = 0 at start");
            assertEquals(2L * cfg.numLayers() * 2, model.trainableParameters().size());
            randomizeB(model, 4);
            float[] adapted = logits(model);
            double diff = 0;
            for (int i = 0; i < base.length; i++) {
                diff = Math.max(diff, Math.abs(base[i] - adapted[i]));
            }
            assertTrue(diff > 1e-2, "the adapter must change the output");
            Map<String, FloatTensor> adapter = model.exportLora();
            model.mergeLora();
            assertArrayEquals(adapted, logits(model), 1e-4f, "merged equals unmerged");
            assertTrue(model.trainableParameters().size() > 4, "after merging, all weights are trainable again");

            // The exported adapter reloads onto a fresh base model with the same effect.
            try (TransformerLm fresh = TransformerLm.create(root, cfg, w)) {
                fresh.loadLora(new LoraConfig(4, 8f, 0.05f, targets), adapter);
                assertArrayEquals(adapted, logits(fresh), 1e-5f);
            }
        }
    }

    @Test
    void targetsThatMatchNothingAreRejected() {
        ModelConfig cfg = TinyModels.gpt2();
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.addLora(new LoraConfig(2, 4f, 0f, List.of("q_proj")), 1));
            assertTrue(e.getMessage().contains("c_attn"), e.getMessage());
        }
    }
}
