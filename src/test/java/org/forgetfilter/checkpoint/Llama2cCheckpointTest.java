package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.HfTokenizer;
import org.forgetfilter.tokenizer.Llama2cTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cCheckpointTest {
    @TempDir
    Path dir;

    private static Path model() {
        return SharedData.require("models/stories260K/stories260K.bin");
    }

    @Test
    void readsStories260K() throws IOException {
        Checkpoint c = Llama2cCheckpoint.read(model());
        assertEquals(ModelConfig.llama(512, 64, 172, 5, 8, 4, 512, true, 1, 2), c.config());
        assertEquals(2 + 9 * 5, c.weights().size());
        assertFalse(c.weights().containsKey("lm_head.weight"));
        assertTrue(c.tokenizer() instanceof Llama2cTokenizer, "tok512.bin found beside the model");
        assertEquals(512, c.tokenizer().vocabSize());
        int[] ids = c.tokenizer().encode("Once upon a time");
        assertTrue(ids.length < "Once upon a time".length(), "merges happened: " + Arrays.toString(ids));
        int[] withBos = new int[ids.length + 1];
        withBos[0] = c.tokenizer().bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        assertEquals("Once upon a time", c.tokenizer().decode(withBos));
        // rms weights are not permuted and equal llama2.c's arrays
        Llama2cCheckpoint.Raw raw = Llama2cCheckpoint.readRaw(model());
        assertEquals(260_000, c.parameterCount(), 20_000);
        assertArrayEquals(Arrays.copyOfRange(raw.array("rms_att_weight"), 64, 128),
                c.weight("model.layers.1.input_layernorm.weight").data());
        assertArrayEquals(Arrays.copyOfRange(raw.array("w2"), 64 * 172, 2 * 64 * 172),
                c.weight("model.layers.1.mlp.down_proj.weight").data());
    }

    @Test
    void unpermutingGivesBackTheRawArrays() throws IOException {
        Checkpoint c = Llama2cCheckpoint.read(model());
        Llama2cCheckpoint.Raw raw = Llama2cCheckpoint.readRaw(model());
        assertEquals(8, raw.headSize());
        assertEquals(32, raw.kvDim());
        for (int l = 0; l < 5; l++) {
            FloatTensor q = c.weight("model.layers." + l + ".self_attn.q_proj.weight");
            FloatTensor k = c.weight("model.layers." + l + ".self_attn.k_proj.weight");
            assertArrayEquals(Arrays.copyOfRange(raw.array("wq"), l * 64 * 64, (l + 1) * 64 * 64),
                    Llama2cCheckpoint.unpermuted(q, 8).data());
            assertArrayEquals(Arrays.copyOfRange(raw.array("wk"), l * 32 * 64, (l + 1) * 32 * 64),
                    Llama2cCheckpoint.unpermuted(k, 4).data());
            assertFalse(Arrays.equals(Arrays.copyOfRange(raw.array("wq"), l * 64 * 64, (l + 1) * 64 * 64), q.data()));
        }
    }

    /** Row {@code h*hd + b*hd/2 + a} of the result is row {@code h*hd + 2a + b}: checked on a hand-sized case. */
    @Test
    void permutationMatchesTheHuggingFaceFormula() {
        // 2 heads of size 4, 1 column: rows 0..7 hold their own index
        FloatTensor w = FloatTensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 1);
        assertArrayEquals(new float[] {0, 2, 1, 3, 4, 6, 5, 7}, Llama2cCheckpoint.permuted(w, 2).data());
    }

    /**
     * The point of the permutation: llama2.c's RoPE on interleaved pairs of W x equals, after permuting the
     * output, Hugging Face's rotate-half RoPE on W' x. Checked on layer 0's real q and k at a few positions.
     */
    @Test
    void permutedWeightsWithRotateHalfEqualInterleavedRope() throws IOException {
        Checkpoint c = Llama2cCheckpoint.read(model());
        Llama2cCheckpoint.Raw raw = Llama2cCheckpoint.readRaw(model());
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int hd = 8;
        for (int pos : new int[] {0, 1, 17, 200}) {
            float[] qRaw = matvec(Arrays.copyOfRange(raw.array("wq"), 0, 64 * 64), x, 64);
            float[] kRaw = matvec(Arrays.copyOfRange(raw.array("wk"), 0, 32 * 64), x, 32);
            float[] qHf = matvec(c.weight("model.layers.0.self_attn.q_proj.weight").data(), x, 64);
            float[] kHf = matvec(c.weight("model.layers.0.self_attn.k_proj.weight").data(), x, 32);
            ropeInterleaved(qRaw, hd, pos);
            ropeInterleaved(kRaw, hd, pos);
            ropeRotateHalf(qHf, hd, pos);
            ropeRotateHalf(kHf, hd, pos);
            assertArrayEquals(Llama2cCheckpoint.permuted(FloatTensor.of(qRaw, 64, 1), 8).data(), qHf, 1e-5f);
            assertArrayEquals(Llama2cCheckpoint.permuted(FloatTensor.of(kRaw, 32, 1), 4).data(), kHf, 1e-5f);
        }
    }

    private static float[] matvec(float[] w, float[] x, int rows) {
        float[] y = new float[rows];
        int cols = x.length;
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < cols; i++) {
                s += w[r * cols + i] * x[i];
            }
            y[r] = (float) s;
        }
        return y;
    }

    /** llama2.c run.c: pairs (i, i+1), frequency 10000^(-(i mod hd)/hd). */
    private static void ropeInterleaved(float[] v, int hd, int pos) {
        for (int i = 0; i < v.length; i += 2) {
            double freq = Math.pow(10000, -(double) (i % hd) / hd);
            double cos = Math.cos(pos * freq);
            double sin = Math.sin(pos * freq);
            float a = v[i];
            float b = v[i + 1];
            v[i] = (float) (a * cos - b * sin);
            v[i + 1] = (float) (a * sin + b * cos);
        }
    }

    /** Hugging Face apply_rotary_pos_emb: pairs (j, j + hd/2), frequency 10000^(-2j/hd). */
    private static void ropeRotateHalf(float[] v, int hd, int pos) {
        int half = hd / 2;
        for (int h = 0; h < v.length; h += hd) {
            for (int j = 0; j < half; j++) {
                double freq = Math.pow(10000, -(2.0 * j) / hd);
                double cos = Math.cos(pos * freq);
                double sin = Math.sin(pos * freq);
                float a = v[h + j];
                float b = v[h + j + half];
                v[h + j] = (float) (a * cos - b * sin);
                v[h + j + half] = (float) (b * cos + a * sin);
            }
        }
    }

    @Test
    void convertToBf16FolderAndReload() throws IOException {
        Checkpoint c = Llama2cCheckpoint.read(model());
        Path out = dir.resolve("hf-bf16");
        HfModelDirectory.save(c, out, SafetensorsDtype.BF16, Map.of("test", "bf16"));
        Checkpoint back = HfModelDirectory.load(out);
        assertEquals(c.config(), back.config());
        assertEquals(c.weights().keySet(), back.weights().keySet());
        for (Map.Entry<String, FloatTensor> e : c.weights().entrySet()) {
            float[] a = e.getValue().data();
            float[] b = back.weight(e.getKey()).data();
            assertArrayEquals(e.getValue().shape(), back.weight(e.getKey()).shape());
            for (int i = 0; i < a.length; i++) {
                // bfloat16 keeps 8 significant bits: rounding error at most half an ulp, 2^-8 relative
                assertEquals(a[i], b[i], Math.abs(a[i]) * 0x1p-8f + 1e-38f, e.getKey() + "[" + i + "]");
                assertEquals(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(a[i])), b[i], 0f);
            }
        }
        assertTrue(back.tokenizer() instanceof HfTokenizer, "the folder's tokenizer.json is read");
        assertTrue(Files.isRegularFile(out.resolve(Llama2cTokenizer.FILE_NAME)), "tokenizer.bin kept for llama2.c tools");
        assertArrayEquals(c.tokenizer().encode("Once upon a time"), back.tokenizer().encode("Once upon a time"));
        JsonNode cfg = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("bfloat16", cfg.path("torch_dtype").asText());
        JsonNode prov = Json.MAPPER.readTree(out.resolve("forgetfilter.json").toFile());
        assertEquals("bf16", prov.path("provenance").path("test").asText());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary folder left behind");
        }
    }

    @Test
    void f32FolderRoundTripIsBitIdenticalAndReplacesAnOldFolder() throws IOException {
        Checkpoint c = Llama2cCheckpoint.read(model());
        Path out = dir.resolve("hf-f32");
        Files.createDirectories(out);
        Files.writeString(out.resolve("stale.txt"), "old");
        HfModelDirectory.save(c, out, SafetensorsDtype.F32, Map.of());
        assertFalse(Files.exists(out.resolve("stale.txt")));
        Checkpoint back = HfModelDirectory.load(out);
        for (Map.Entry<String, FloatTensor> e : c.weights().entrySet()) {
            assertArrayEquals(e.getValue().data(), back.weight(e.getKey()).data(), 0f, e.getKey());
        }
    }

    @Test
    void truncatedCheckpointIsNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(model());
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Llama2cCheckpoint.readRaw(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }
}
