package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.Architecture;
import org.forgetfilter.model.AttentionBias;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.RopeScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {
    @TempDir
    Path dir;

    private static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = HfConfigTest.class.getResourceAsStream(name)) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    @Test
    void tinyLlamaConfig() throws IOException {
        ModelConfig c = HfConfig.fromJson(fixture("tinyllama-config.json"), "tinyllama");
        assertEquals(new ModelConfig(Architecture.LLAMA, 32000, 2048, 5632, 22, 32, 4, 2048, 1e-5f, 10000f, false, 1, 2), c);
        assertEquals(64, c.headDim());
        assertEquals(256, c.kvDim());
        Path f = dir.resolve("config.json");
        HfConfig.write(f, c, SafetensorsDtype.BF16);
        assertEquals(c, HfConfig.read(f));
        JsonNode written = Json.MAPPER.readTree(f.toFile());
        assertEquals("LlamaForCausalLM", written.path("architectures").get(0).asText());
        assertEquals("bfloat16", written.path("torch_dtype").asText());
        assertEquals(1e-5, written.path("rms_norm_eps").asDouble(), 0.0, "float eps written as its shortest decimal");
    }

    @Test
    void gpt2Config() throws IOException {
        ModelConfig c = HfConfig.fromJson(fixture("gpt2-config.json"), "gpt2");
        assertEquals(ModelConfig.gpt2(50257, 768, 12, 12, 1024, 50256, 50256), c);
        assertEquals(3072, c.intermediateSize(), "n_inner null means 4 * n_embd");
        Path f = dir.resolve("config.json");
        HfConfig.write(f, c, SafetensorsDtype.F32);
        assertEquals(c, HfConfig.read(f));
        assertEquals("GPT2LMHeadModel", Json.MAPPER.readTree(f.toFile()).path("architectures").get(0).asText());
    }

    @Test
    void llama32ConfigHasLlama3RopeScaling() throws IOException {
        ModelConfig c = HfConfig.fromJson(fixture("llama-3.2-1b-config.json"), "llama-3.2-1b");
        assertEquals(new ModelConfig(Architecture.LLAMA, 128256, 2048, 8192, 16, 32, 8, 131072, 1e-5f, 500000f, true,
                128000, 128001, new RopeScaling(32, 1, 4, 8192), AttentionBias.NONE, 0), c);
        assertRoundTrip(c, "llama");
        JsonNode written = HfConfig.toJson(c, SafetensorsDtype.BF16);
        assertEquals("llama3", written.path("rope_scaling").path("rope_type").asText());
        assertEquals(8192, written.path("rope_scaling").path("original_max_position_embeddings").asInt());

        ObjectNode legacy = fixture("llama-3.2-1b-config.json");
        ObjectNode s = (ObjectNode) legacy.get("rope_scaling");
        s.set("type", s.remove("rope_type"));
        assertEquals(c, HfConfig.fromJson(legacy, "x"), "transformers also reads the legacy key 'type'");

        // transformers 5 writes rope_parameters, with rope_theta inside
        ObjectNode v5 = fixture("llama-3.2-1b-config.json");
        ObjectNode params = (ObjectNode) v5.remove("rope_scaling");
        params.put("rope_theta", v5.remove("rope_theta").asDouble());
        v5.set("rope_parameters", params);
        assertEquals(c, HfConfig.fromJson(v5, "x"));
        params.removeAll().put("rope_type", "default").put("rope_theta", 1000.0);
        ModelConfig plain = HfConfig.fromJson(v5, "x");
        assertEquals(null, plain.ropeScaling());
        assertEquals(1000f, plain.ropeTheta());
    }

    @Test
    void qwen2ConfigHasQkvBiases() throws IOException {
        ModelConfig c = HfConfig.fromJson(fixture("qwen2.5-0.5b-config.json"), "qwen2.5-0.5b");
        assertEquals(new ModelConfig(Architecture.LLAMA, 151936, 896, 4864, 24, 14, 2, 32768, 1e-6f, 1000000f, true,
                151643, 151643, null, AttentionBias.QKV, 0), c);
        assertEquals(64, c.headDim());
        assertRoundTrip(c, "qwen2");
        assertEquals("Qwen2ForCausalLM", HfConfig.toJson(c, SafetensorsDtype.BF16).path("architectures").get(0).asText());
    }

    @Test
    void mistralConfigHasASlidingWindow() throws IOException {
        ModelConfig c = HfConfig.fromJson(fixture("mistral-7b-v0.1-config.json"), "mistral-7b");
        assertEquals(4096, c.slidingWindow());
        assertEquals(AttentionBias.NONE, c.attentionBias());
        assertEquals(32768, c.maxPositions());
        assertRoundTrip(c, "mistral");
        ObjectNode v02 = fixture("mistral-7b-v0.1-config.json");
        v02.putNull("sliding_window");
        assertEquals(0, HfConfig.fromJson(v02, "x").slidingWindow(), "Mistral v0.2 and later: no window");
        ObjectNode bad = fixture("mistral-7b-v0.1-config.json");
        bad.put("sliding_window", 0);
        assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(bad, "x"));
    }

    @Test
    void llamaAttentionBiasMeansAllFourProjections() throws IOException {
        ObjectNode n = fixture("tinyllama-config.json");
        n.put("attention_bias", true);
        ModelConfig c = HfConfig.fromJson(n, "x");
        assertEquals(AttentionBias.QKVO, c.attentionBias());
        assertRoundTrip(c, "llama");
    }

    private void assertRoundTrip(ModelConfig c, String modelType) throws IOException {
        Path f = dir.resolve("config.json");
        HfConfig.write(f, c, SafetensorsDtype.BF16);
        assertEquals(c, HfConfig.read(f));
        assertEquals(modelType, Json.MAPPER.readTree(f.toFile()).path("model_type").asText());
    }

    @Test
    void defaultsAndTokenIdArrays() throws IOException {
        ObjectNode n = fixture("tinyllama-config.json");
        n.remove("num_key_value_heads");
        n.remove("rope_theta");
        n.remove("tie_word_embeddings");
        n.putArray("eos_token_id").add(2).add(32000);
        n.putNull("bos_token_id");
        ModelConfig c = HfConfig.fromJson(n, "x");
        assertEquals(32, c.numKvHeads());
        assertEquals(10000f, c.ropeTheta());
        assertEquals(false, c.tieEmbeddings());
        assertEquals(2, c.eosTokenId());
        assertEquals(-1, c.bosTokenId());
    }

    @Test
    void unsupportedSettingsAreRejectedWithTheFileName() throws IOException {
        ObjectNode n = fixture("tinyllama-config.json");
        n.put("model_type", "falcon");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(n, "cfg/config.json"));
        assertTrue(e.getMessage().startsWith("cfg/config.json: ") && e.getMessage().contains("falcon"), e.getMessage());

        ObjectNode s = fixture("tinyllama-config.json");
        s.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(s, "c"));
        assertTrue(e.getMessage().contains("rope_scaling") && e.getMessage().contains("not supported"), e.getMessage());

        ObjectNode y = fixture("llama-3.2-1b-config.json");
        ((ObjectNode) y.get("rope_scaling")).put("rope_type", "yarn");
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(y, "Llama-3.2-1B/config.json"));
        assertTrue(e.getMessage().startsWith("Llama-3.2-1B/config.json: ") && e.getMessage().contains("'yarn'"),
                e.getMessage());

        ObjectNode half = fixture("llama-3.2-1b-config.json");
        ((ObjectNode) half.get("rope_scaling")).remove("low_freq_factor");
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(half, "c"));
        assertTrue(e.getMessage().contains("low_freq_factor"), e.getMessage());

        ObjectNode q = fixture("qwen2.5-0.5b-config.json");
        q.put("use_sliding_window", true);
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(q, "c"));
        assertTrue(e.getMessage().contains("use_sliding_window"), e.getMessage());

        ObjectNode mlp = fixture("tinyllama-config.json");
        mlp.put("mlp_bias", true);
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(mlp, "c"));
        assertTrue(e.getMessage().contains("mlp_bias"), e.getMessage());

        ObjectNode g = fixture("gpt2-config.json");
        g.put("activation_function", "relu");
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(g, "c"));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }
}
