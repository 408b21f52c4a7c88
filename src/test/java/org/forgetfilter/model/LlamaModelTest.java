package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LlamaModelTest {
    private static NDManager root;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void logitsMatchThePureJavaReference(boolean tied) {
        ModelConfig cfg = TinyModels.llama(tied);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 7);
        int[] tokens = {1, 5, 9, 33, 2, 17, 17, 4, 30, 11};
        double[][] expected = new ReferenceLlama(cfg, w).logits(tokens);
        try (TransformerLm model = TransformerLm.create(root, cfg, w); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            NDArray in = model.manager().create(ids, new Shape(1, ids.length));
            float[] got = model.logits(model.hidden(in, null, null, null)).toFloatArray();
            double maxErr = 0;
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < cfg.vocabSize(); v++) {
                    maxErr = Math.max(maxErr, Math.abs(got[t * cfg.vocabSize() + v] - expected[t][v]));
                }
            }
            assertTrue(maxErr < 1e-4, "max |DJL - reference| = " + maxErr);
        }
    }

    @Test
    void wrongTensorShapeIsNamed() {
        ModelConfig cfg = TinyModels.llama(true);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 1);
        w.put("model.layers.1.mlp.up_proj.weight", FloatTensor.of(new float[16 * 23], 23, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerLm.create(root, cfg, w));
        assertTrue(e.getMessage().contains("model.layers.1.mlp.up_proj.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[24, 16]"), e.getMessage());
    }

    @Test
    void missingAndUnknownTensorsAreNamed() {
        ModelConfig cfg = TinyModels.llama(false);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 1);
        w.remove("lm_head.weight");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TransformerLm.create(root, cfg, w))
                .getMessage().contains("lm_head.weight"));
        Map<String, FloatTensor> w2 = TinyModels.weights(cfg, 1);
        w2.put("model.layers.0.self_attn.rotary_emb.inv_freq", FloatTensor.of(new float[2], 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TransformerLm.create(root, cfg, w2))
                .getMessage().contains("rotary_emb.inv_freq"));
    }

    @Test
    void exportGivesBackTheCheckpointExactly() {
        ModelConfig cfg = TinyModels.llama(false);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 3);
        try (TransformerLm model = TransformerLm.create(root, cfg, w)) {
            Map<String, FloatTensor> back = model.exportWeights();
            assertEquals(w.keySet(), back.keySet());
            for (String k : w.keySet()) {
                assertTrue(java.util.Arrays.equals(w.get(k).data(), back.get(k).data()), k);
                assertTrue(java.util.Arrays.equals(w.get(k).shape(), back.get(k).shape()), k);
            }
        }
    }
}
