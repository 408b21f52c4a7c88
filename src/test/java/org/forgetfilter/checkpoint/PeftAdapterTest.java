package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.LoraConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {
    @TempDir
    Path dir;

    private static FloatTensor filled(float start, long... shape) {
        float[] d = new float[(int) (shape[0] * shape[1])];
        for (int i = 0; i < d.length; i++) {
            d[i] = start + i * 0.5f;
        }
        return FloatTensor.of(d, shape);
    }

    @Test
    void llamaAdapterRoundTripWithPeftNames() throws IOException {
        LoraConfig cfg = new LoraConfig(2, 16f, 0.05f, List.of("q_proj", "v_proj"));
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put("model.layers.0.self_attn.q_proj.lora_A.weight", filled(1, 2, 4));
        t.put("model.layers.0.self_attn.q_proj.lora_B.weight", filled(2, 4, 2));
        t.put("model.layers.0.self_attn.v_proj.lora_A.weight", filled(3, 2, 4));
        t.put("model.layers.0.self_attn.v_proj.lora_B.weight", filled(4, 2, 2));
        Path out = dir.resolve("adapter");
        PeftAdapter.write(out, cfg, t, "stories260K");
        try (SafetensorsReader r = SafetensorsReader.open(out.resolve("adapter_model.safetensors"))) {
            assertTrue(r.names().contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"), r.names().toString());
        }
        JsonNode c = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("LORA", c.path("peft_type").asText());
        assertEquals("CAUSAL_LM", c.path("task_type").asText());
        assertEquals(16, c.path("lora_alpha").asInt());
        assertEquals(0.05, c.path("lora_dropout").asDouble(), 0);
        assertFalse(c.path("fan_in_fan_out").asBoolean());
        assertEquals("none", c.path("bias").asText());

        PeftAdapter.Adapter back = PeftAdapter.read(out);
        assertEquals(cfg, back.config());
        assertEquals("stories260K", back.baseModel());
        assertEquals(t.keySet(), back.tensors().keySet());
        t.forEach((k, v) -> assertArrayEquals(v.data(), back.tensors().get(k).data(), 0f, k));
    }

    @Test
    void gpt2AdapterSetsFanInFanOut() throws IOException {
        LoraConfig cfg = new LoraConfig(1, 2f, 0f, List.of("c_attn"));
        Map<String, FloatTensor> t = Map.of(
                "transformer.h.0.attn.c_attn.lora_A.weight", filled(0, 1, 4),
                "transformer.h.0.attn.c_attn.lora_B.weight", filled(0, 12, 1));
        PeftAdapter.write(dir.resolve("a"), cfg, t, "gpt2");
        PeftAdapter.Adapter back = PeftAdapter.read(dir.resolve("a"));
        assertTrue(back.fanInFanOut());
        assertEquals(12L, back.tensors().get("transformer.h.0.attn.c_attn.lora_B.weight").shape()[0]);
    }

    @Test
    void inconsistentTensorsAreRejected() {
        LoraConfig cfg = new LoraConfig(2, 4f, 0f, List.of("q_proj"));
        Map<String, FloatTensor> onlyA = Map.of("model.layers.0.self_attn.q_proj.lora_A.weight", filled(0, 2, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.write(dir.resolve("x"), cfg, onlyA, "m"));
        assertTrue(e.getMessage().contains("lora_B"), e.getMessage());
        Map<String, FloatTensor> wrongRank = Map.of(
                "model.layers.0.self_attn.q_proj.lora_A.weight", filled(0, 3, 4),
                "model.layers.0.self_attn.q_proj.lora_B.weight", filled(0, 4, 3));
        e = assertThrows(IllegalArgumentException.class, () -> PeftAdapter.write(dir.resolve("x"), cfg, wrongRank, "m"));
        assertTrue(e.getMessage().contains("rank 2"), e.getMessage());
    }
}
