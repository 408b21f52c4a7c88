package org.forgetfilter.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * A tokenizer without training: ids 0..255 are the UTF-8 bytes of the text, 256 is BOS, 257 is EOS (vocabulary
 * 258). For self-contained demos that train a small model from scratch. Saved as {@value #FILE_NAME}
 * ({@code {"type": "forgetfilter-byte", ...}}) so that a model folder reloads it.
 */
public final class ByteTokenizer implements Tokenizer {
    public static final String FILE_NAME = "tokenizer_byte.json";
    public static final String TYPE = "forgetfilter-byte";
    public static final int BOS = 256;
    public static final int EOS = 257;
    public static final int VOCAB_SIZE = 258;

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xff;
        }
        return ids;
    }

    /** Bytes of the ids below 256, decoded as UTF-8 (invalid sequences become U+FFFD); BOS/EOS are dropped. */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                out.write(id);
            } else if (id != BOS && id != EOS) {
                throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary of " + VOCAB_SIZE);
            }
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
        return VOCAB_SIZE;
    }

    @Override
    public void saveTo(Path modelDir) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", TYPE);
        n.put("vocab_size", VOCAB_SIZE);
        n.put("bos_token_id", BOS);
        n.put("eos_token_id", EOS);
        AtomicFile.writeString(modelDir.resolve(FILE_NAME), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    /** Reads a {@value #FILE_NAME}, checking that it describes this tokenizer. */
    public static ByteTokenizer load(Path file) throws IOException {
        JsonNode n = Json.MAPPER.readTree(file.toFile());
        if (n == null || !TYPE.equals(n.path("type").asText())) {
            throw new IOException(file + ": not a byte tokenizer file (expected \"type\": \"" + TYPE + "\")");
        }
        if (n.path("vocab_size").asInt(VOCAB_SIZE) != VOCAB_SIZE) {
            throw new IOException(file + ": byte tokenizer vocab_size must be " + VOCAB_SIZE + ", got " + n.get("vocab_size"));
        }
        return new ByteTokenizer();
    }
}
