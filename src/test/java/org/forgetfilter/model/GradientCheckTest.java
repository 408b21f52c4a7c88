package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.infer.PaddedBatch;
import org.forgetfilter.infer.TokenizedExample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autograd gradients of the training loss against central finite differences, on tiny random models, for full
 * finetuning and for LoRA factors. Float32 limits the precision, so the step is 1e-2 and each entry is compared
 * with a mixed absolute/relative tolerance.
 */
class GradientCheckTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("llama-full", TinyModels.llama(false), false),
                Arguments.of("llama-tied-full", TinyModels.llama(true), false),
                Arguments.of("gpt2-full", TinyModels.gpt2(), false),
                Arguments.of("llama-lora", TinyModels.llama(false), true),
                // q/k/v biases are trainable weights in full finetuning; LoRA adapts q_proj, which has one
                Arguments.of("qwen2-full", TinyModels.qwen2(), false),
                Arguments.of("qwen2-lora", TinyModels.qwen2(), true),
                // the window (2) is shorter than the examples (up to 6 tokens)
                Arguments.of("mistral-window-full", TinyModels.mistral(2), false),
                Arguments.of("gpt2-lora", TinyModels.gpt2(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(String name, ModelConfig cfg, boolean lora) {
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 5);
        List<TokenizedExample> batch = List.of(
                new TokenizedExample(new int[] {1, 4, 9}, new int[] {12, 3, 2}),
                new TokenizedExample(new int[] {1, 20}, new int[] {7, 30, 31, 2}));
        try (NDManager root = NDManager.newBaseManager(); TransformerLm model = TransformerLm.create(root, cfg, w)) {
            if (lora) {
                List<String> targets = cfg.architecture() == Architecture.GPT2 ? List.of("c_attn", "c_fc")
                        : List.of("q_proj", "v_proj", "down_proj");
                model.addLora(new LoraConfig(3, 6f, 0f, targets), 9);
                // B starts at zero; give it values so that gradients reach A as well.
                for (NDArray p : model.trainableParameters()) {
                    if (p.getShape().get(0) == 3) {
                        p.set(randomValues((int) p.size(), 13));
                    }
                }
            }
            model.enableGradients();
            List<NDArray> params = model.trainableParameters();
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray l = loss(model, batch);
                gc.backward(l);
            }
            SplittableRandom rnd = new SplittableRandom(3);
            int checked = 0;
            for (NDArray p : params) {
                float[] grad = p.getGradient().toFloatArray();
                float[] values = p.toFloatArray();
                for (int trial = 0; trial < 2; trial++) {
                    int i = rnd.nextInt(values.length);
                    double h = 1e-2;
                    double up = lossAt(model, batch, p, values, i, values[i] + h);
                    double down = lossAt(model, batch, p, values, i, values[i] - h);
                    p.set(values);
                    double numeric = (up - down) / (2 * h);
                    double err = Math.abs(numeric - grad[i]);
                    assertTrue(err < 2e-3 + 3e-2 * Math.abs(numeric), name + ": " + p.getShape() + "[" + i + "] autograd "
                            + grad[i] + " vs finite difference " + numeric);
                    checked++;
                }
            }
            assertTrue(checked >= 8, "checked only " + checked + " entries");
        }
    }

    private static float[] randomValues(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 0.8 - 0.4);
        }
        return v;
    }

    private static double lossAt(TransformerLm model, List<TokenizedExample> batch, NDArray p, float[] values, int i,
                                 double x) {
        float[] v = values.clone();
        v[i] = (float) x;
        p.set(v);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return loss(model, batch).getFloat();
        }
    }

    private static NDArray loss(TransformerLm model, List<TokenizedExample> batch) {
        PaddedBatch b = new PaddedBatch(model.manager(), batch, true);
        return b.targetLogProbs(model).mean().neg();
    }
}
