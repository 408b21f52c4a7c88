package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.train.AdamW;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.Trainer;
import org.forgetfilter.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/** A native copy of a model: the same weights bit for bit, trained without touching the original. */
class ModelCopyTest {
    private static final List<TokenizedExample> DATA = List.of(
            new TokenizedExample(new int[] {1, 4, 9}, new int[] {12, 3, 2}),
            new TokenizedExample(new int[] {1, 20}, new int[] {7, 30, 31, 2}));

    @Test
    void aCopyHoldsTheSameWeightsAndTrainingItLeavesTheOriginalAlone() {
        for (ModelConfig cfg : List.of(TinyModels.llama(false), TinyModels.gpt2())) {
            try (NDManager root = NDManager.newBaseManager();
                 TransformerLm original = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3))) {
                Map<String, FloatTensor> before = original.exportWeights();
                TransformerLm fromCheckpoint = TransformerLm.create(root, cfg, before);
                try (TransformerLm copy = original.copy(root)) {
                    assertEquals(original.getClass(), copy.getClass());
                    Map<String, FloatTensor> copied = copy.exportWeights();
                    assertEquals(before.keySet(), copied.keySet());
                    before.forEach((k, v) -> assertArrayEquals(v.data(), copied.get(k).data(), k));
                    // trained, the copy follows exactly the path a model built from the exported checkpoint follows
                    TrainingConfig tc = new TrainingConfig(0, 3, 2, 1, 1e-2f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f,
                            false, 5);
                    var a = new Trainer(copy, tc).train(DATA, null);
                    var b = new Trainer(fromCheckpoint, tc).train(DATA, null);
                    for (int i = 0; i < a.size(); i++) {
                        assertEquals(b.get(i).loss(), a.get(i).loss(), 0.0, "step " + i);
                    }
                    Map<String, FloatTensor> trained = copy.exportWeights();
                    Map<String, FloatTensor> after = original.exportWeights();
                    String first = before.keySet().iterator().next();
                    assertFalse(java.util.Arrays.equals(before.get(first).data(), trained.get(first).data()),
                            "training moved the copy");
                    before.forEach((k, v) -> assertArrayEquals(v.data(), after.get(k).data(), "original " + k));
                }
                fromCheckpoint.close();
            }
        }
    }

    @Test
    void aModelWithAdaptersIsNotCopied() {
        ModelConfig cfg = TinyModels.gpt2();
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm m = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3))) {
            m.addLora(new LoraConfig(2, 4f, 0f, List.of("c_attn")), 1);
            assertThrows(IllegalStateException.class, () -> m.copy(root));
        }
    }

    @Test
    void retrainingInATrainedCopyFollowsTheSamePathAsAFreshCopy() {
        // what filter's delivered model does: M0's weights copied back into the trained copy, moments reused
        for (ModelConfig cfg : List.of(TinyModels.llama(false), TinyModels.gpt2())) {
            try (NDManager root = NDManager.newBaseManager();
                 TransformerLm base = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3));
                 TransformerLm reused = base.copy(root);
                 TransformerLm fresh = base.copy(root)) {
                TrainingConfig tc = new TrainingConfig(0, 3, 2, 1, 1e-2f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f,
                        false, 5);
                try (AdamW.Moments moments = AdamW.Moments.allocate(root,
                        reused.trainableParameters())) {
                    new Trainer(reused, tc, "first", moments).train(DATA, null);
                    reused.loadWeightsFrom(base);
                    Map<String, FloatTensor> reset = reused.exportWeights();
                    base.exportWeights().forEach((k, v) -> assertArrayEquals(v.data(), reset.get(k).data(), k));
                    var a = new Trainer(reused, tc, "again", moments).train(DATA, null);
                    var b = new Trainer(fresh, tc).train(DATA, null);
                    for (int i = 0; i < a.size(); i++) {
                        assertEquals(b.get(i).loss(), a.get(i).loss(), 0.0, "step " + i);
                    }
                }
                Map<String, FloatTensor> x = reused.exportWeights();
                fresh.exportWeights().forEach((k, v) -> assertArrayEquals(v.data(), x.get(k).data(), k));
            }
        }
    }

    @Test
    void aModelSharingItsBaseTrainsOnlyAdaptersAndLeavesTheBaseAlone() {
        ModelConfig cfg = TinyModels.gpt2();
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm base = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 3))) {
            Map<String, FloatTensor> before = base.exportWeights();
            try (TransformerLm shared = base.sharingWeights(root)) {
                assertThrows(IllegalStateException.class, shared::enableGradients, "no adapters: would train M0");
                assertThrows(IllegalStateException.class, () -> shared.loadWeights(before));
                shared.addLora(new LoraConfig(2, 4f, 0f, List.of("c_attn")), 1);
                new Trainer(shared, new TrainingConfig(0, 3, 2, 1, 1e-2f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false,
                        5)).train(DATA, null);
                assertThrows(IllegalStateException.class, shared::mergeLora);
            }
            Map<String, FloatTensor> after = base.exportWeights(); // still open: closing the sharer freed only adapters
            before.forEach((k, v) -> assertArrayEquals(v.data(), after.get(k).data(), k));
        }
    }
}
