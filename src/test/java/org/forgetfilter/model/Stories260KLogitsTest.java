package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.Llama2cCheckpoint;
import org.junit.jupiter.api.Test;

class Stories260KLogitsTest {

    @Test
    void djlLogitsOfTheRealCheckpointEqualLlama2cInterleavedRopeReference() throws Exception {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Checkpoint c = Llama2cCheckpoint.read(bin);
        // BOS, then "Once upon a time" style tokens and a few arbitrary ids, incl. byte tokens.
        int[] tokens = {1, 403, 407, 261, 378, 5, 300, 511, 290, 44, 13, 400, 350, 260, 3, 499, 270, 301, 302, 303};
        double[][] expected = new ReferenceLlama2c(Llama2cCheckpoint.readRaw(bin)).logits(tokens);
        int vocab = c.config().vocabSize();
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, c.config(), c.weights());
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            float[] got = model.logits(model.hidden(OwnedArrays.of(model.manager(), ids, new Shape(1, ids.length)),
                    null, null, null)).toFloatArray();
            double maxErr = 0;
            double maxAbs = 0;
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    maxErr = Math.max(maxErr, Math.abs(got[t * vocab + v] - expected[t][v]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[t][v]));
                }
            }
            assertTrue(maxAbs > 1, "reference logits are not trivial: " + maxAbs);
            assertTrue(maxErr < 1e-4, "max |DJL - llama2.c reference| = " + maxErr);
        }
    }
}
