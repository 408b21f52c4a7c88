package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.forgetfilter.bench.SyntheticTokenizer;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TinyModels;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GreedyGeneratorTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(true), TinyModels.gpt2());
    }

    /** Greedy decoding by recomputing the whole sequence at every step: no cache, no padding. */
    private static int[] slowGreedy(TransformerLm model, int[] prompt, int n) {
        List<Integer> seq = new ArrayList<>();
        for (int t : prompt) {
            seq.add(t);
        }
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
                NDArray h = model.hidden(model.manager().create(ids, new Shape(1, ids.length)), null, null, null);
                out[k] = (int) model.logits(h.get(":, -1:, :")).argMax(-1).toLongArray()[0];
            }
            seq.add(out[k]);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedBatchedDecodingEqualsRecomputingEachRowAlone(ModelConfig cfg) {
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 21))) {
            // A tokenizer without BOS/EOS, so that no row stops early.
            GreedyGenerator gen = new GreedyGenerator(model, new SyntheticTokenizer(cfg.vocabSize()), 3);
            List<int[]> prompts = List.of(new int[] {3, 4, 5, 6, 7}, new int[] {9}, new int[] {10, 11},
                    new int[] {12, 13, 14, 15, 16, 17, 18}, new int[] {20, 21, 22});
            List<GreedyGenerator.Generation> got = gen.generate(prompts, 12, List.of(), null);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(slowGreedy(model, prompts.get(i), 12), got.get(i).tokens(), "prompt " + i);
            }
            assertEquals(12L * prompts.size(), gen.generatedTokens());
        }
    }
}
