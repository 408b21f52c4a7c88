package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.SharedData;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights holding NaN or infinity are refused on load, naming the file and the tensor. */
class NonFiniteWeightsTest {
    @TempDir
    Path dir;

    private static void assertNames(IOException e, Path file, String tensor, String value) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("tensor " + tensor + " holds " + value), m);
    }

    @Test
    void hfFolderWithANaNWeight() throws IOException {
        ModelConfig cfg = ModelConfig.gpt2(ByteTokenizer.VOCAB_SIZE, 8, 2, 2, 16, ByteTokenizer.BOS, ByteTokenizer.EOS);
        Map<String, FloatTensor> w = TestWeights.random(cfg, 3);
        w.get("transformer.h.1.mlp.c_fc.weight").data()[5] = Float.NaN;
        Path folder = dir.resolve("m");
        HfModelDirectory.save(new Checkpoint(cfg, w, new ByteTokenizer(), "test"), folder, SafetensorsDtype.F32, Map.of());
        IOException e = assertThrows(IOException.class, () -> HfModelDirectory.load(folder));
        assertNames(e, folder.resolve("model.safetensors"), "transformer.h.1.mlp.c_fc.weight", "NaN at element 5");
    }

    @Test
    void peftAdapterWithAnInfiniteWeight() throws IOException {
        LoraConfig cfg = new LoraConfig(2, 4f, 0f, List.of("q_proj"));
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put("model.layers.0.self_attn.q_proj.lora_A.weight", FloatTensor.of(new float[8], 2, 4));
        float[] b = new float[8];
        b[7] = Float.NEGATIVE_INFINITY;
        t.put("model.layers.0.self_attn.q_proj.lora_B.weight", FloatTensor.of(b, 4, 2));
        Path out = dir.resolve("adapter");
        PeftAdapter.write(out, cfg, t, "base");
        IOException e = assertThrows(IOException.class, () -> PeftAdapter.read(out));
        assertNames(e, out.resolve(PeftAdapter.WEIGHTS_FILE),
                "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", "-Infinity");
    }

    @Test
    void llama2cCheckpointWithANaNWeight() throws IOException {
        Path source = SharedData.require("models/stories260K/stories260K.bin");
        Path bin = dir.resolve("stories260K.bin");
        Files.copy(source, bin);
        Files.copy(source.resolveSibling("tok512.bin"), dir.resolve("tok512.bin"));
        try (RandomAccessFile f = new RandomAccessFile(bin.toFile(), "rw")) {
            f.seek(28 + 4 * 3);
            f.write(new byte[] {0, 0, (byte) 0xC0, 0x7F}); // a little-endian float32 NaN
        }
        assertNames(assertThrows(IOException.class, () -> Llama2cCheckpoint.read(bin)), bin,
                "model.embed_tokens.weight", "NaN at element 3");
        assertNames(assertThrows(IOException.class, () -> Llama2cCheckpoint.readRaw(bin)), bin,
                "token_embedding_table", "NaN at element 3");
    }
}
