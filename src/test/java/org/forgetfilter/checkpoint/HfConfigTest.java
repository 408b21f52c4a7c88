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
import org.forgetfilter.model.ModelConfig;
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

        ObjectNode m = fixture("tinyllama-config.json");
        m.put("model_type", "mistral");
        m.put("sliding_window", 4096);
        assertEquals(5632, HfConfig.fromJson(m, "c").intermediateSize(), "a window longer than the context changes nothing");
        m.put("sliding_window", 1024);
        assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(m, "c"));

        ObjectNode g = fixture("gpt2-config.json");
        g.put("activation_function", "relu");
        e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(g, "c"));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }
}
