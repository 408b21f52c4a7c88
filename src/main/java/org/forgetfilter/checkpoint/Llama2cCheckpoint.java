package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.Llama2cTokenizer;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * Reads a llama2.c legacy (version 0) checkpoint: seven little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means an untied classifier is stored at the end),
 * then float32 arrays in run.c's order, including RoPE tables that are skipped.
 *
 * <p>llama2.c rotates adjacent pairs (2i, 2i+1) of each head; Hugging Face's LLaMA rotates the two halves
 * (i, i + head_dim/2). {@link #read} therefore permutes the rows of q_proj and k_proj exactly as Hugging Face's
 * {@code convert_llama_weights_to_hf.py} does, so the result runs in a rotate-half implementation.
 * {@link #readRaw} keeps llama2.c's own arrays, for an independent reference implementation.
 */
public final class Llama2cCheckpoint {
    private static final int HEADER_INTS = 7;
    private static final int BOS = 1;
    private static final int EOS = 2;

    private Llama2cCheckpoint() {
    }

    /**
     * The seven header values and llama2.c's arrays, unpermuted, named as in run.c's TransformerWeights:
     * token_embedding_table, rms_att_weight, wq, wk, wv, wo, rms_ffn_weight, w1, w2, w3, rms_final_weight, and
     * wcls only when the classifier is untied. Per-layer arrays are concatenated over layers as in the file.
     */
    public record Raw(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen,
                      boolean sharedClassifier, Map<String, float[]> arrays) {
        public int headSize() {
            return dim / nHeads;
        }

        public int kvDim() {
            return dim * nKvHeads / nHeads;
        }

        public float[] array(String name) {
            float[] a = arrays.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no llama2.c array named " + name);
            }
            return a;
        }
    }

    /** Reads the checkpoint and its tokenizer, found beside it ({@code tokenizer.bin} or {@code tok<vocab>.bin}). */
    public static Checkpoint read(Path bin) throws IOException {
        return read(bin, (Path) null);
    }

    /**
     * @param tokenizerFile llama2.c tokenizer, or null to look beside the checkpoint
     */
    public static Checkpoint read(Path bin, Path tokenizerFile) throws IOException {
        return read(bin, tokenizerFile, null);
    }

    /** The checkpoint with {@code tokenizer} (of any kind) instead of a llama2.c tokenizer beside it. */
    public static Checkpoint read(Path bin, Tokenizer tokenizer) throws IOException {
        return read(bin, null, tokenizer);
    }

    /** The model config in the checkpoint's header, without reading a weight. */
    public static ModelConfig readConfig(Path bin) throws IOException {
        try (FileChannel ch = openChannel(bin)) {
            Header h = header(ch, bin);
            return ModelConfig.llama(h.vocab, h.dim, h.hidden, h.layers, h.heads, h.kvHeads, h.seqLen, h.shared, BOS,
                    EOS);
        }
    }

    /** The llama2.c tokenizer found beside a checkpoint ({@code tokenizer.bin} or {@code tok<vocab>.bin}). */
    public static Tokenizer tokenizerBeside(Path bin, int vocab) throws IOException {
        return Llama2cTokenizer.load(findTokenizer(bin, vocab), vocab);
    }

    private static Checkpoint read(Path bin, Path tokenizerFile, Tokenizer tokenizer) throws IOException {
        try (FileChannel ch = openChannel(bin)) {
            Header h = header(ch, bin);
            ModelConfig config = ModelConfig.llama(h.vocab, h.dim, h.hidden, h.layers, h.heads, h.kvHeads,
                    h.seqLen, h.shared, BOS, EOS);
            MemoryEstimate.of(config).requireLoadable(bin);
            ArrayCursor in = new ArrayCursor(ch, bin);
            int d = h.dim;
            int kv = h.kvDim();
            int ff = h.hidden;
            int l = h.layers;
            Map<String, FloatTensor> w = new LinkedHashMap<>();
            w.put("model.embed_tokens.weight", in.tensor(h.vocab, d));
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "input_layernorm.weight"), in.tensor(d));
            }
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "self_attn.q_proj.weight"), permuted(in.tensor(d, d), h.heads));
            }
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "self_attn.k_proj.weight"), permuted(in.tensor(kv, d), h.kvHeads));
            }
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "self_attn.v_proj.weight"), in.tensor(kv, d));
            }
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "self_attn.o_proj.weight"), in.tensor(d, d));
            }
            for (int i = 0; i < l; i++) {
                w.put(layer(i, "post_attention_layernorm.weight"), in.tensor(d));
            }
            for (int i = 0; i < l; i++) { // w1: the gate of SwiGLU
                w.put(layer(i, "mlp.gate_proj.weight"), in.tensor(ff, d));
            }
            for (int i = 0; i < l; i++) { // w2: back to the model width
                w.put(layer(i, "mlp.down_proj.weight"), in.tensor(d, ff));
            }
            for (int i = 0; i < l; i++) { // w3: the linear branch
                w.put(layer(i, "mlp.up_proj.weight"), in.tensor(ff, d));
            }
            w.put("model.norm.weight", in.tensor(d));
            in.skip((long) h.seqLen * h.headSize()); // freq_cis_real and freq_cis_imag, [seq_len][head_size/2] each
            if (!h.shared) {
                w.put("lm_head.weight", in.tensor(h.vocab, d));
            }
            in.expectEnd();
            FiniteWeights.check(bin, w);
            Tokenizer tok = tokenizer != null ? tokenizer
                    : Llama2cTokenizer.load(tokenizerFile != null ? tokenizerFile : findTokenizer(bin, h.vocab), h.vocab);
            if (tok.vocabSize() > h.vocab) {
                throw new IOException(bin + ": tokenizer has " + tok.vocabSize() + " tokens but the checkpoint's vocabulary "
                        + h.vocab);
            }
            return new Checkpoint(config, WeightLayout.canonicalize(w, config, bin.toString()), tok, bin.toString());
        }
    }

    /** The header and llama2.c's own arrays, without any permutation. */
    public static Raw readRaw(Path bin) throws IOException {
        try (FileChannel ch = openChannel(bin)) {
            Header h = header(ch, bin);
            ArrayCursor in = new ArrayCursor(ch, bin);
            long d = h.dim;
            long kv = h.kvDim();
            long ff = h.hidden;
            long l = h.layers;
            Map<String, float[]> a = new LinkedHashMap<>();
            a.put("token_embedding_table", in.floats(h.vocab * d));
            a.put("rms_att_weight", in.floats(l * d));
            a.put("wq", in.floats(l * d * d));
            a.put("wk", in.floats(l * kv * d));
            a.put("wv", in.floats(l * kv * d));
            a.put("wo", in.floats(l * d * d));
            a.put("rms_ffn_weight", in.floats(l * d));
            a.put("w1", in.floats(l * ff * d));
            a.put("w2", in.floats(l * d * ff));
            a.put("w3", in.floats(l * ff * d));
            a.put("rms_final_weight", in.floats(d));
            in.skip((long) h.seqLen * h.headSize());
            if (!h.shared) {
                a.put("wcls", in.floats(h.vocab * d));
            }
            in.expectEnd();
            for (Map.Entry<String, float[]> e : a.entrySet()) {
                FiniteWeights.check(bin, e.getKey(), e.getValue());
            }
            return new Raw(h.dim, h.hidden, h.layers, h.heads, h.kvHeads, h.vocab, h.seqLen, h.shared,
                    Collections.unmodifiableMap(a));
        }
    }

    /**
     * Reorders the rows of a (rows, cols) q or k weight from llama2.c's interleaved RoPE pairs to Hugging Face's
     * rotate-half layout: {@code w.view(heads, rows/heads/2, 2, cols).transpose(1, 2).reshape(rows, cols)}.
     * Output row {@code h*hd + b*hd/2 + a} is input row {@code h*hd + 2a + b}.
     */
    public static FloatTensor permuted(FloatTensor w, int heads) {
        return reorderRows(w, heads, true);
    }

    /** The inverse of {@link #permuted}: rotate-half rows back to interleaved pairs. */
    public static FloatTensor unpermuted(FloatTensor w, int heads) {
        return reorderRows(w, heads, false);
    }

    private static FloatTensor reorderRows(FloatTensor w, int heads, boolean toHf) {
        int rows = (int) w.shape()[0];
        int cols = (int) w.shape()[1];
        int hd = rows / heads;
        if (hd * heads != rows || hd % 2 != 0) {
            throw new IllegalArgumentException("cannot permute " + rows + " rows into " + heads + " heads of even size");
        }
        int half = hd / 2;
        float[] src = w.data();
        float[] dst = new float[src.length];
        for (int h = 0; h < heads; h++) {
            for (int a = 0; a < half; a++) {
                for (int b = 0; b < 2; b++) {
                    int hfRow = h * hd + b * half + a;
                    int pairRow = h * hd + 2 * a + b;
                    int from = toHf ? pairRow : hfRow;
                    int to = toHf ? hfRow : pairRow;
                    System.arraycopy(src, from * cols, dst, to * cols, cols);
                }
            }
        }
        return new FloatTensor(w.shape().clone(), dst);
    }

    /** {@code tokenizer.bin} or {@code tok<vocab>.bin} in the checkpoint's folder. */
    static Path findTokenizer(Path bin, int vocab) throws IOException {
        Path dir = bin.toAbsolutePath().getParent();
        for (String name : new String[] {Llama2cTokenizer.FILE_NAME, "tok" + vocab + ".bin"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(bin.toString(), null, "no tokenizer beside the checkpoint (looked for "
                + Llama2cTokenizer.FILE_NAME + " and tok" + vocab + ".bin in " + dir + "); pass one explicitly");
    }

    private static String layer(int i, String rest) {
        return "model.layers." + i + "." + rest;
    }

    private static FileChannel openChannel(Path bin) throws IOException {
        if (!Files.isRegularFile(bin)) {
            throw new NoSuchFileException(bin.toString(), null, "llama2.c checkpoint not found");
        }
        return FileChannel.open(bin, StandardOpenOption.READ);
    }

    private record Header(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen, boolean shared) {
        int headSize() {
            return dim / heads;
        }

        int kvDim() {
            return dim * kvHeads / heads;
        }

        /** Size of a file with this header: header, run.c's arrays and the RoPE tables; saturates on overflow. */
        long fileBytes() {
            long d = dim;
            long perLayer = 2 * d + 2 * d * d + 2L * kvDim() * d + 3L * hidden * d;
            try {
                long floats = Math.addExact(Math.multiplyExact(layers, perLayer),
                        (long) vocab * d * (shared ? 1 : 2) + d + (long) seqLen * headSize());
                return Math.addExact(HEADER_INTS * 4L, Math.multiplyExact(floats, 4));
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
    }

    private static Header header(FileChannel ch, Path bin) throws IOException {
        if (ch.size() < HEADER_INTS * 4L) {
            throw new IOException(bin + ": truncated llama2.c checkpoint (" + ch.size() + " bytes, header needs 28)");
        }
        ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_INTS * 4L).order(ByteOrder.LITTLE_ENDIAN);
        int dim = b.getInt();
        int hidden = b.getInt();
        int layers = b.getInt();
        int heads = b.getInt();
        int kvHeads = b.getInt();
        int vocab = b.getInt();
        int seqLen = b.getInt();
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            throw new IOException(bin + ": not a llama2.c v0 checkpoint, implausible header dim=" + dim + " hidden_dim="
                    + hidden + " n_layers=" + layers + " n_heads=" + heads + " n_kv_heads=" + kvHeads + " vocab_size="
                    + vocab + " seq_len=" + seqLen);
        }
        Header h = new Header(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), seqLen, vocab > 0);
        long expected = h.fileBytes();
        if (expected != ch.size()) {
            throw new IOException(bin + ": header (dim=" + dim + " hidden_dim=" + hidden + " n_layers=" + layers
                    + " n_heads=" + heads + " n_kv_heads=" + kvHeads + " vocab_size=" + vocab + " seq_len=" + seqLen
                    + ") needs a file of " + (expected == Long.MAX_VALUE ? "more than 8 EiB" : expected + " bytes")
                    + ", but it has " + ch.size() + (expected > ch.size() ? " (truncated checkpoint, or a wrong header)"
                    : " (not a llama2.c v0 checkpoint, or the header does not match the weights)"));
        }
        return h;
    }

    /** Sequential reader of float32 arrays after the header; each array is mapped on its own. */
    private static final class ArrayCursor {
        private final FileChannel ch;
        private final Path file;
        private long pos = HEADER_INTS * 4L;

        ArrayCursor(FileChannel ch, Path file) {
            this.ch = ch;
            this.file = file;
        }

        FloatTensor tensor(long... shape) throws IOException {
            long n = 1;
            for (long s : shape) {
                n = Math.multiplyExact(n, s);
            }
            return new FloatTensor(shape, floats(n));
        }

        float[] floats(long count) throws IOException {
            if (count > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": array of " + count + " floats at byte " + pos + " is too large for Java");
            }
            long bytes = count * 4;
            if (pos + bytes > ch.size()) {
                throw new IOException(file + ": truncated llama2.c checkpoint: needs " + (pos + bytes)
                        + " bytes, file has " + ch.size());
            }
            float[] out = new float[(int) count];
            TensorFileRead.decode(ch, pos, SafetensorsDtype.F32, out, file);
            pos += bytes;
            return out;
        }

        void skip(long floatCount) throws IOException {
            pos += floatCount * 4;
            if (pos > ch.size()) {
                throw new IOException(file + ": truncated llama2.c checkpoint: needs " + pos + " bytes, file has " + ch.size());
            }
        }

        void expectEnd() throws IOException {
            if (pos != ch.size()) {
                throw new IOException(file + ": " + (ch.size() - pos) + " unexpected bytes after the last array "
                        + "(not a llama2.c v0 checkpoint, or header does not match the weights)");
            }
        }
    }
}
