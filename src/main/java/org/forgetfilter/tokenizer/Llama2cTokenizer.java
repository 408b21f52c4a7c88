package org.forgetfilter.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;

/**
 * The llama2.c tokenizer ({@code tokenizer.bin}, e.g. tok512.bin): a SentencePiece BPE vocabulary with
 * merge scores. Encoding follows llama2.c's run.c: a dummy-prefix space, one token per character (bytes
 * {@code <0xHH>} for characters outside the vocabulary, ids 3 + byte), then repeatedly merge the adjacent
 * pair whose merged piece has the highest score.
 *
 * <p>File layout: int32 max_token_length, then per token float32 score, int32 length, UTF-8 bytes.
 */
public final class Llama2cTokenizer implements Tokenizer {
    /** File name used when the tokenizer is saved into a model folder. */
    public static final String FILE_NAME = "tokenizer.bin";
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;

    private final byte[] fileBytes;
    private final String[] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();

    private Llama2cTokenizer(byte[] fileBytes, int vocabSize, Path source) {
        this.fileBytes = fileBytes;
        this.pieces = new String[vocabSize];
        this.scores = new float[vocabSize];
        ByteBuffer bb = ByteBuffer.wrap(fileBytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            bb.getInt(); // max_token_length
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = bb.getFloat();
                int len = bb.getInt();
                if (len < 0 || len > bb.remaining()) {
                    throw new IllegalArgumentException(source + ": token " + i + " has invalid length " + len);
                }
                byte[] b = new byte[len];
                bb.get(b);
                pieces[i] = new String(b, StandardCharsets.UTF_8);
                ids.putIfAbsent(pieces[i], i);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(source + ": truncated llama2.c tokenizer, expected " + vocabSize
                    + " tokens but the file has " + fileBytes.length + " bytes");
        }
        if (bb.hasRemaining()) {
            throw new IllegalArgumentException(source + ": " + bb.remaining() + " bytes after the last of "
                    + vocabSize + " tokens; the tokenizer does not match a vocabulary of that size");
        }
    }

    /**
     * Reads a llama2.c tokenizer file. The file does not store its vocabulary size, so when
     * {@code vocabSize} is not positive it is inferred by reading until the end of the file.
     */
    public static Llama2cTokenizer load(Path file, int vocabSize) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int n = vocabSize > 0 ? vocabSize : countTokens(bytes, file);
        return new Llama2cTokenizer(bytes, n, file);
    }

    private static int countTokens(byte[] bytes, Path file) {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4) {
            throw new IllegalArgumentException(file + ": too short for a llama2.c tokenizer (" + bytes.length + " bytes)");
        }
        bb.getInt();
        int n = 0;
        while (bb.remaining() >= 8) {
            bb.getFloat();
            int len = bb.getInt();
            if (len < 0 || len > bb.remaining()) {
                throw new IllegalArgumentException(file + ": token " + n + " has invalid length " + len);
            }
            bb.position(bb.position() + len);
            n++;
        }
        if (bb.hasRemaining() || n == 0) {
            throw new IllegalArgumentException(file + ": not a llama2.c tokenizer (trailing " + bb.remaining() + " bytes)");
        }
        return n;
    }

    @Override
    public int[] encode(String text) {
        return encode(text, true);
    }

    @Override
    public int[] encodeContinuation(String text) {
        return encode(text, false);
    }

    private int[] encode(String text, boolean dummyPrefix) {
        List<Integer> toks = new ArrayList<>();
        if (text.isEmpty()) {
            return new int[0];
        }
        if (dummyPrefix) {
            Integer space = ids.get(" ");
            if (space != null) {
                toks.add(space);
            }
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += Character.charCount(cp);
            Integer id = ids.get(ch);
            if (id != null) {
                toks.add(id);
            } else {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    toks.add((b & 0xff) + BYTE_OFFSET);
                }
            }
        }
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestIdx = -1;
            for (int k = 0; k + 1 < toks.size(); k++) {
                Integer id = ids.get(pieces[toks.get(k)] + pieces[toks.get(k + 1)]);
                if (id != null && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestIdx = k;
                }
            }
            if (bestIdx < 0) {
                break;
            }
            toks.set(bestIdx, bestId);
            toks.remove(bestIdx + 1);
        }
        return toks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Decodes like run.c: {@code <0xHH>} pieces become raw bytes; the space after BOS is dropped. */
    @Override
    public String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = BOS;
        for (int id : tokens) {
            if (id == BOS || id == EOS) {
                prev = id;
                continue;
            }
            String piece = pieces[id];
            if (prev == BOS && piece.startsWith(" ")) {
                piece = piece.substring(1);
            }
            if (id >= BYTE_OFFSET && id < BYTE_OFFSET + 256 && piece.startsWith("<0x") && piece.endsWith(">")) {
                out.write(id - BYTE_OFFSET);
            } else {
                byte[] b = piece.getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
            prev = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    /** The piece of token {@code id} as stored in the file (spaces as " ", BOS/EOS as llama2.c exports them). */
    String piece(int id) {
        return pieces[id];
    }

    /** The merge score of token {@code id}: a higher score merges first. */
    float score(int id) {
        return scores[id];
    }

    /**
     * Writes {@value #FILE_NAME} (for llama2.c tools and older readers) and the equivalent Hugging Face
     * {@code tokenizer.json} + {@code tokenizer_config.json} ({@link Llama2cTokenizerJson}), which
     * {@link Tokenizers#load(Path)} prefers.
     */
    @Override
    public void saveTo(Path modelDir) throws IOException {
        AtomicFile.writeBytes(modelDir.resolve(FILE_NAME), fileBytes);
        Llama2cTokenizerJson.write(this, modelDir);
    }
}
