package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TinyModels;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PromptEmbedderTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(true), TinyModels.gpt2());
    }

    /** The mean hidden state of one prompt run alone, averaged in Java. */
    private static float[] alone(TransformerLm model, int[] prompt) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = Arrays.stream(prompt).asLongStream().toArray();
            float[] h = model.hidden(model.manager().create(ids, new Shape(1, ids.length)), null, null, null)
                    .toFloatArray();
            int d = h.length / prompt.length;
            float[] mean = new float[d];
            for (int t = 0; t < prompt.length; t++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += h[t * d + j] / prompt.length;
                }
            }
            return mean;
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void batchedPaddedEmbeddingsEqualEachPromptRunAlone(ModelConfig cfg) {
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 5))) {
            List<int[]> prompts = List.of(new int[] {1, 7, 9, 4, 3, 2}, new int[] {1, 5}, new int[] {1, 8, 8, 8},
                    new int[] {1}, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            float[][] batched = new PromptEmbedder(model, 3).embed(prompts, null);
            assertEquals(prompts.size(), batched.length);
            for (int i = 0; i < prompts.size(); i++) {
                float[] expected = alone(model, prompts.get(i));
                assertEquals(cfg.hiddenSize(), batched[i].length);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], batched[i][j], 1e-4, "prompt " + i + " dim " + j);
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> new PromptEmbedder(model, 2).embed(List.of(new int[0]), null));
        }
    }
}
