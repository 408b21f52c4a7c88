package org.forgetfilter.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

    /**
     * Writes {@value #FILE_NAME}, which {@link Tokenizers#load(Path)} reads back exactly, and for Hugging Face tools an
     * equivalent {@code tokenizer.json} + {@code tokenizer_config.json}: a BPE model whose vocabulary is the 256
     * {@code <0xHH>} byte pieces plus {@code <s>}/{@code </s>}, no merges, byte fallback, so every character becomes
     * its UTF-8 bytes as here (only {@code <s>} and {@code </s>} typed in a text differ: special tokens there).
     */
    @Override
    public void saveTo(Path modelDir) throws IOException {
        AtomicFile.writeString(modelDir.resolve(HfTokenizer.FILE_NAME), Json.MAPPER.writeValueAsString(tokenizerJson()) + "\n");
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", "<s>");
        config.put("eos_token", "</s>");
        config.put("clean_up_tokenization_spaces", false);
        AtomicFile.writeString(modelDir.resolve("tokenizer_config.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", TYPE);
        n.put("vocab_size", VOCAB_SIZE);
        n.put("bos_token_id", BOS);
        n.put("eos_token_id", EOS);
        AtomicFile.writeString(modelDir.resolve(FILE_NAME), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    static ObjectNode tokenizerJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<s>", "</s>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", BOS + i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        decoder.putArray("decoders").add(Json.MAPPER.createObjectNode().put("type", "ByteFallback"))
                .add(Json.MAPPER.createObjectNode().put("type", "Fuse"));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), b);
        }
        vocab.put(specials[0], BOS);
        vocab.put(specials[1], EOS);
        model.putArray("merges");
        return root;
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
