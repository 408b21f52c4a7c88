package org.forgetfilter.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.model.ModelConfig;

/** Random weights of the right shapes for a config, for tests that need a complete checkpoint. */
final class TestWeights {
    private TestWeights() {
    }

    static Map<String, FloatTensor> random(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, FloatTensor> m = new LinkedHashMap<>();
        WeightLayout.expectedShapes(config).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rnd.nextGaussian() * 0.1f;
            }
            m.put(name, new FloatTensor(shape, data));
        });
        return m;
    }

    static ModelConfig tinyLlama() {
        return ModelConfig.llama(7, 4, 6, 2, 2, 1, 16, true, 1, 2);
    }
}
