package org.forgetfilter.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.HfConfig;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.checkpoint.SafetensorsWriter;
import org.forgetfilter.io.Json;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaMA variants people finetune today (Llama 3.x rope scaling, Qwen2 attention biases, Mistral's sliding
 * window) against the pure-Java reference. Each model is a small random checkpoint in the real Hugging Face
 * layout: the real model's config.json with its sizes shrunk, model.safetensors with the real tensor names, loaded
 * the way a user's folder is. Each test also checks that the feature visibly changes the output, so that a model
 * ignoring it could not pass.
 */
class LlamaVariantsTest {
    private static final int[] TOKENS = {256, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10};
    private static NDManager root;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    @Test
    void llama3RopeScalingMatchesTheReference() throws IOException {
        Checkpoint ck = writeAndLoad("llama-3.2-1b-config.json", c -> {
            c.put("head_dim", 8);
            // with head size 8 the four frequencies fall into all three bands of the scaling (wavelengths 6, 167,
            // 4443, 118000 against 256 / 4 and 256 / 1)
            ((ObjectNode) c.get("rope_scaling")).put("factor", 8.0).put("original_max_position_embeddings", 256);
        });
        ModelConfig cfg = ck.config();
        assertEquals(new RopeScaling(8, 1, 4, 256), cfg.ropeScaling());
        assertEquals(500000f, cfg.ropeTheta());
        assertTrue(cfg.tieEmbeddings());
        assertFalse(ck.weights().containsKey("lm_head.weight"), "Llama 3.2 1B ties its head");
        // far-away positions, where the divided low frequencies turn the rotations by visibly different angles
        int start = 600;
        double[][] expected = new ReferenceLlama(cfg, ck.weights()).logits(TOKENS, start);
        double[][] unscaled = new ReferenceLlama(cfg.withRopeScaling(null), ck.weights()).logits(TOKENS, start);
        assertTrue(maxDiff(expected, unscaled) > 1e-2, "rope scaling must matter for this test");
        assertMatches(expected, logits(cfg, ck.weights(), TOKENS, start));
    }

    @Test
    void qwen2AttentionBiasesMatchTheReference() throws IOException {
        Checkpoint ck = writeAndLoad("qwen2.5-0.5b-config.json", c -> { });
        ModelConfig cfg = ck.config();
        assertEquals(AttentionBias.QKV, cfg.attentionBias());
        assertEquals(0, cfg.slidingWindow(), "Qwen2's sliding_window applies only with use_sliding_window");
        for (String proj : new String[] {"q_proj", "k_proj", "v_proj"}) {
            assertTrue(ck.weights().containsKey("model.layers.1.self_attn." + proj + ".bias"), proj);
        }
        assertFalse(ck.weights().containsKey("model.layers.1.self_attn.o_proj.bias"), "Qwen2's o_proj has no bias");
        assertEquals(cfg.kvDim(), ck.weights().get("model.layers.0.self_attn.k_proj.bias").shape()[0]);
        double[][] expected = new ReferenceLlama(cfg, ck.weights()).logits(TOKENS);
        Map<String, FloatTensor> noBias = new LinkedHashMap<>(ck.weights());
        noBias.keySet().removeIf(n -> n.endsWith(".bias"));
        assertTrue(maxDiff(expected, new ReferenceLlama(cfg, noBias).logits(TOKENS)) > 1e-2,
                "the biases must matter for this test");
        assertMatches(expected, logits(cfg, ck.weights(), TOKENS, 0));
    }

    @Test
    void llamaAttentionBiasCoversAllFourProjections() throws IOException {
        Checkpoint ck = writeAndLoad("tinyllama-config.json", c -> c.put("attention_bias", true));
        assertEquals(AttentionBias.QKVO, ck.config().attentionBias());
        assertTrue(ck.weights().containsKey("model.layers.0.self_attn.o_proj.bias"));
        assertMatches(new ReferenceLlama(ck.config(), ck.weights()).logits(TOKENS),
                logits(ck.config(), ck.weights(), TOKENS, 0));
    }

    @Test
    void mistralSlidingWindowMatchesTheReference() throws IOException {
        Checkpoint ck = writeAndLoad("mistral-7b-v0.1-config.json", c -> c.put("sliding_window", 4));
        ModelConfig cfg = ck.config();
        assertEquals(4, cfg.slidingWindow());
        double[][] expected = new ReferenceLlama(cfg, ck.weights()).logits(TOKENS);
        double[][] full = new ReferenceLlama(cfg.withSlidingWindow(0), ck.weights()).logits(TOKENS);
        assertTrue(maxDiff(expected, full) > 1e-2, "the window must matter for this test");
        for (int v = 0; v < cfg.vocabSize(); v++) {
            assertEquals(full[3][v], expected[3][v], 1e-12, "the first 4 positions see everything anyway");
        }
        assertMatches(expected, logits(cfg, ck.weights(), TOKENS, 0));
    }

    /** Prefill, then steps of one and of several tokens, with the window (3) far shorter than the sequence. */
    @Test
    void cachedDecodingWithASlidingWindowEqualsTheFullForwardPass() {
        ModelConfig cfg = TinyModels.mistral(3);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 11);
        int[] tokens = {1, 5, 9, 33, 2, 17, 17, 4, 30, 11, 8, 21, 6};
        int[] chunks = {4, 1, 3, 1, 2, 1, 1};
        try (TransformerLm model = TransformerLm.create(root, cfg, w); KvCache cache = model.newCache()) {
            float[] full = logits(model, tokens, 0);
            int v = cfg.vocabSize();
            int done = 0;
            for (int n : chunks) {
                int[] chunk = java.util.Arrays.copyOfRange(tokens, done, done + n);
                float[] got;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray in = model.manager().create(toLongs(chunk), new Shape(1, n));
                    got = model.logits(model.hidden(in, null, null, cache)).toFloatArray();
                }
                double err = 0;
                for (int i = 0; i < n * v; i++) {
                    err = Math.max(err, Math.abs(got[i] - full[done * v + i]));
                }
                assertTrue(err < 1e-4, "positions " + done + ".." + (done + n - 1) + ": cached vs full differ by " + err);
                done += n;
            }
            assertEquals(tokens.length, done);
            assertEquals(tokens.length, cache.length());
        }
    }

    /**
     * A left-padded batch with the caller's padding mask, as the batched generator builds it: the window counts
     * sequence indices, so a padded row decodes exactly like the same row alone, in the prefill and the next step.
     */
    @Test
    void slidingWindowWithLeftPaddingEqualsTheUnpaddedRow() {
        ModelConfig cfg = TinyModels.mistral(3);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 12);
        int[] longRow = {1, 5, 9, 33, 2, 17, 17, 4};
        int[] shortRow = {1, 30, 11, 8, 21};
        int next = 6;
        int tp = longRow.length;
        int pad = tp - shortRow.length;
        try (TransformerLm model = TransformerLm.create(root, cfg, w); KvCache cache = model.newCache()) {
            int[] shortThenNext = java.util.Arrays.copyOf(shortRow, shortRow.length + 1);
            shortThenNext[shortRow.length] = next;
            float[] alone = logits(model, shortThenNext, 0);
            long[] tok = new long[2 * tp];
            long[] pos = new long[2 * tp];
            float[] mask = new float[2 * tp * tp];
            for (int j = 0; j < tp; j++) {
                tok[j] = longRow[j];
                pos[j] = j;
                tok[tp + j] = j < pad ? 0 : shortRow[j - pad];
                pos[tp + j] = Math.max(0, j - pad);
                for (int i = 0; i < tp; i++) {
                    mask[i * tp + j] = j <= i ? 0 : -1e9f;
                    boolean visible = j <= i && j >= pad || i < pad && i == j;
                    mask[(tp + i) * tp + j] = visible ? 0 : -1e9f;
                }
            }
            int v = cfg.vocabSize();
            float[] prefill;
            float[] step;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDManager m = model.manager();
                prefill = model.logits(model.hidden(m.create(tok, new Shape(2, tp)), m.create(pos, new Shape(2, tp)),
                        m.create(mask, new Shape(2, tp, tp)), cache)).toFloatArray();
                float[] stepMask = new float[2 * (tp + 1)];
                for (int j = 0; j < pad; j++) {
                    stepMask[tp + 1 + j] = -1e9f;
                }
                step = model.logits(model.hidden(m.create(new long[] {3, next}, new Shape(2, 1)),
                        m.create(new long[] {tp, shortRow.length}, new Shape(2, 1)),
                        m.create(stepMask, new Shape(2, 1, tp + 1)), cache)).toFloatArray();
            }
            double err = 0;
            for (int i = 0; i < shortRow.length * v; i++) {
                err = Math.max(err, Math.abs(prefill[(tp + pad) * v + i] - alone[i]));
            }
            for (int i = 0; i < v; i++) {
                err = Math.max(err, Math.abs(step[v + i] - alone[shortRow.length * v + i]));
            }
            assertTrue(err < 1e-4, "padded row vs alone: " + err);
        }
    }

    /** A Qwen2-shaped model with biases saves as model_type qwen2 and loads back with the same tensors. */
    @Test
    void qwen2FolderRoundTrip() throws IOException {
        ModelConfig cfg = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 16, 24, 2, 4, 2, 32, true, 256, 257)
                .withAttentionBias(AttentionBias.QKV);
        Map<String, FloatTensor> w = TinyModels.weights(cfg, 4);
        Path out = dir.resolve("saved");
        HfModelDirectory.save(new Checkpoint(cfg, w, new ByteTokenizer(), "test"), out, SafetensorsDtype.F32, Map.of());
        assertEquals("qwen2", Json.MAPPER.readTree(out.resolve("config.json").toFile()).path("model_type").asText());
        Checkpoint back = HfModelDirectory.load(out);
        assertEquals(cfg, back.config());
        assertEquals(w.keySet(), back.weights().keySet());
        assertTrue(java.util.Arrays.equals(w.get("model.layers.1.self_attn.v_proj.bias").data(),
                back.weights().get("model.layers.1.self_attn.v_proj.bias").data()));
    }

    /**
     * Writes the real model's config.json with tiny sizes (then {@code edit}), random weights under the real tensor
     * names in model.safetensors and a byte tokenizer, and loads the folder as a user's model.
     */
    private Checkpoint writeAndLoad(String realConfig, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c;
        try (InputStream in = HfConfig.class.getResourceAsStream(realConfig)) {
            c = (ObjectNode) Json.MAPPER.readTree(in);
        }
        c.put("vocab_size", ByteTokenizer.VOCAB_SIZE);
        c.put("hidden_size", 32);
        c.put("intermediate_size", 48);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", 2);
        c.put("max_position_embeddings", 1024);
        if (c.has("head_dim")) {
            c.put("head_dim", 8);
        }
        c.put("bos_token_id", ByteTokenizer.BOS);
        c.put("eos_token_id", ByteTokenizer.EOS);
        edit.accept(c);
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("config.json"), Json.MAPPER.writeValueAsString(c));
        ModelConfig cfg = HfConfig.read(model.resolve("config.json"));
        SafetensorsWriter.write(model.resolve("model.safetensors"), TinyModels.weights(cfg, 21), SafetensorsDtype.F32);
        new ByteTokenizer().saveTo(model);
        return HfModelDirectory.load(model);
    }

    private static float[] logits(ModelConfig cfg, Map<String, FloatTensor> w, int[] tokens, int start) {
        try (TransformerLm model = TransformerLm.create(root, cfg, w)) {
            return logits(model, tokens, start);
        }
    }

    private static float[] logits(TransformerLm model, int[] tokens, int start) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] pos = new long[tokens.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = start + i;
            }
            NDManager m = model.manager();
            NDArray in = m.create(toLongs(tokens), new Shape(1, tokens.length));
            return model.logits(model.hidden(in, m.create(pos, new Shape(1, tokens.length)), null, null)).toFloatArray();
        }
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static void assertMatches(double[][] expected, float[] got) {
        int v = expected[0].length;
        double err = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int k = 0; k < v; k++) {
                err = Math.max(err, Math.abs(got[t * v + k] - expected[t][k]));
            }
        }
        assertTrue(err < 1e-4, "max |DJL - reference| = " + err);
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double d = 0;
        for (int t = 0; t < a.length; t++) {
            for (int k = 0; k < a[t].length; k++) {
                d = Math.max(d, Math.abs(a[t][k] - b[t][k]));
            }
        }
        return d;
    }
}
