package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;
import org.junit.jupiter.api.Test;

class Gpt2ModelTest {

    @Test
    void logitsMatchThePureJavaReference() {
        ModelConfig cfg = TinyModels.gpt2();
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 11);
        int[] tokens = {0, 3, 40, 7, 7, 12, 25, 1, 39};
        double[][] expected = new ReferenceGpt2(cfg, w).logits(tokens);
        try (NDManager root = NDManager.newBaseManager(); TransformerLm model = TransformerLm.create(root, cfg, w);
             NDScope scope = new NDScope()) {
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
}
