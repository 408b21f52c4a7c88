package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadRoundTripTest {
    private static final long[] TOKENS = {1, 403, 407, 261, 378, 5, 300, 290, 44, 13};

    @TempDir
    Path dir;

    private static float[] logits(TransformerLm model) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.logits(model.hidden(OwnedArrays.of(model.manager(), TOKENS, new Shape(1, TOKENS.length)),
                    null, null, null)).toFloatArray();
        }
    }

    @Test
    void fullModelFolderInF32GivesIdenticalLogits() throws Exception {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        Path out = dir.resolve("full");
        try (NDManager root = NDManager.newBaseManager()) {
            float[] before;
            try (LanguageModel lm = LanguageModel.load(root, bin, null, null)) {
                before = logits(lm.model());
                lm.save(out, SafetensorsDtype.F32, Map.of("test", "round trip"));
            }
            try (LanguageModel back = LanguageModel.load(root, out.toString(), null, null)) {
                assertArrayEquals(before, logits(back.model()));
            }
        }
    }

    @Test
    void loraAdapterGivesIdenticalLogits() throws Exception {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        Path out = dir.resolve("adapter");
        LoraConfig cfg = new LoraConfig(4, 8f, 0f, List.of("q_proj", "v_proj"));
        try (NDManager root = NDManager.newBaseManager()) {
            float[] base;
            float[] adapted;
            try (LanguageModel lm = LanguageModel.load(root, bin, null, null)) {
                base = logits(lm.model());
                lm.model().loadLora(cfg, randomAdapter(lm.model(), cfg));
                adapted = logits(lm.model());
                lm.save(out, SafetensorsDtype.F32, Map.of());
            }
            assertFalse(Arrays.equals(base, adapted), "a non-zero adapter changes the logits");
            assertTrue(LanguageModel.isAdapter(out));
            try (LanguageModel back = LanguageModel.load(root, bin, null, out)) {
                assertArrayEquals(adapted, logits(back.model()));
            }
        }
    }

    /** Non-zero A and B in PEFT layout for every targeted layer, shapes read from the base weights. */
    private static Map<String, FloatTensor> randomAdapter(TransformerLm model, LoraConfig cfg) {
        SplittableRandom rnd = new SplittableRandom(3);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : model.expectedShapes().entrySet()) {
            String layer = e.getKey().replaceFirst("\\.weight$", "");
            if (!e.getKey().endsWith("_proj.weight") || !cfg.targets(layer)) {
                continue;
            }
            int outDim = (int) e.getValue()[0];
            int inDim = (int) e.getValue()[1];
            out.put(layer + ".lora_A.weight", FloatTensor.of(random(rnd, cfg.rank() * inDim), cfg.rank(), inDim));
            out.put(layer + ".lora_B.weight", FloatTensor.of(random(rnd, outDim * cfg.rank()), outDim, cfg.rank()));
        }
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() - 0.5) * 0.2f;
        }
        return a;
    }
}
