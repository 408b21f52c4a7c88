package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.model.ModelConfig;
import org.junit.jupiter.api.Test;

class WeightLayoutTest {

    @Test
    void llamaShapesFollowTheConfig() {
        Map<String, long[]> s = WeightLayout.expectedShapes(ModelConfig.llama(512, 64, 172, 5, 8, 4, 512, false, 1, 2));
        assertEquals(2 + 9 * 5 + 1, s.size());
        assertEquals(List.of(32L, 64L), List.of(s.get("model.layers.4.self_attn.k_proj.weight")[0], s.get("model.layers.4.self_attn.k_proj.weight")[1]));
        assertEquals(64L, s.get("model.layers.0.mlp.down_proj.weight")[0]);
        assertEquals(172L, s.get("model.layers.0.mlp.down_proj.weight")[1]);
        assertTrue(s.containsKey("lm_head.weight"));
    }

    @Test
    void shapeMismatchNamesTensorAndShapes() {
        ModelConfig c = TestWeights.tinyLlama();
        Map<String, FloatTensor> w = TestWeights.random(c, 1);
        w.put("model.layers.1.self_attn.k_proj.weight", FloatTensor.of(new float[8], 2, 4)); // kv_dim is 2: ok
        WeightLayout.canonicalize(w, c, "m");
        w.put("model.layers.1.self_attn.k_proj.weight", FloatTensor.of(new float[16], 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightLayout.canonicalize(w, c, "dir/model"));
        assertEquals("dir/model: tensor model.layers.1.self_attn.k_proj.weight has shape [4, 4] but the config expects [2, 4]",
                e.getMessage());
    }

    @Test
    void missingAndUnknownTensorsAreNamed() {
        ModelConfig c = TestWeights.tinyLlama();
        Map<String, FloatTensor> w = TestWeights.random(c, 1);
        w.remove("model.norm.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightLayout.canonicalize(w, c, "m"));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("model.norm.weight"), e.getMessage());
        Map<String, FloatTensor> w2 = TestWeights.random(c, 1);
        w2.put("model.layers.0.self_attn.q_proj.bias", FloatTensor.of(new float[4], 4));
        e = assertThrows(IllegalArgumentException.class, () -> WeightLayout.canonicalize(w2, c, "m"));
        assertTrue(e.getMessage().contains("unexpected") && e.getMessage().contains("q_proj.bias"), e.getMessage());
    }

    @Test
    void gpt2FileNamesAreNormalised() {
        ModelConfig c = ModelConfig.gpt2(10, 4, 1, 2, 8, 9, 9);
        Map<String, FloatTensor> canonical = TestWeights.random(c, 3);
        Map<String, FloatTensor> file = new LinkedHashMap<>();
        canonical.forEach((k, v) -> file.put(k.substring("transformer.".length()), v));
        file.put("h.0.attn.bias", FloatTensor.of(new float[64], 1, 1, 8, 8));
        file.put("h.0.attn.masked_bias", FloatTensor.of(new float[] {-1e4f}));
        file.put("lm_head.weight", new FloatTensor(new long[] {10, 4}, canonical.get("transformer.wte.weight").data().clone()));
        Map<String, FloatTensor> out = WeightLayout.canonicalize(file, c, "gpt2");
        assertEquals(List.copyOf(canonical.keySet()), List.copyOf(out.keySet()));
        assertSame(canonical.get("transformer.h.0.attn.c_attn.weight"), out.get("transformer.h.0.attn.c_attn.weight"));
        assertEquals(4L, out.get("transformer.h.0.attn.c_attn.weight").shape()[0], "Conv1D weight is (in, out)");

        file.put("lm_head.weight", FloatTensor.of(new float[40], 10, 4));
        assertThrows(IllegalArgumentException.class, () -> WeightLayout.canonicalize(file, c, "gpt2"));
    }
}
