package org.forgetfilter.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library through DJL. Built without
 * truncation, padding or automatically added special tokens (DJL's builder truncates at 512 tokens otherwise);
 * callers add BOS/EOS themselves. BOS/EOS come from {@code tokenizer_config.json}, then {@code config.json},
 * then {@code special_tokens_map.json} beside the tokenizer.
 */
public final class HfTokenizer implements Tokenizer {
    public static final String FILE_NAME = "tokenizer.json";
    /** Files copied along with tokenizer.json when present. */
    private static final List<String> COMPANIONS = List.of("tokenizer_config.json", "special_tokens_map.json");

    private final HuggingFaceTokenizer tokenizer;
    /** File name to content of tokenizer.json and its companions, kept so that saving never depends on the source folder. */
    private final Map<String, byte[]> files;
    private final int vocabSize;
    private final int bos;
    private final int eos;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, byte[]> files, int vocabSize, int bos, int eos) {
        this.tokenizer = tokenizer;
        this.files = files;
        this.vocabSize = vocabSize;
        this.bos = bos;
        this.eos = eos;
    }

    /** Loads {@code tokenizer.json} (a file, or a folder that holds one). */
    public static HfTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "Hugging Face tokenizer.json not found");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Integer> vocab = vocabulary(json, file);
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        Path dir = file.toAbsolutePath().getParent();
        int bos = specialId(dir, "bos", vocab);
        int eos = specialId(dir, "eos", vocab);
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": the tokenizers library rejected this tokenizer.json: " + e.getMessage(), e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(FILE_NAME, Files.readAllBytes(file));
        for (String name : COMPANIONS) {
            if (Files.isRegularFile(dir.resolve(name))) {
                files.put(name, Files.readAllBytes(dir.resolve(name)));
            }
        }
        return new HfTokenizer(hf, files, size, bos, eos);
    }

    /** Token string to id: the model's vocabulary plus added tokens. */
    private static Map<String, Integer> vocabulary(JsonNode json, Path file) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode v = json.path("model").path("vocab");
        if (v.isObject()) { // BPE, WordLevel, WordPiece
            v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        } else if (v.isArray()) { // Unigram: [[piece, score], ...], id = position
            for (int i = 0; i < v.size(); i++) {
                vocab.put(v.get(i).path(0).asText(), i);
            }
        } else {
            throw new IOException(file + ": tokenizer.json has no model.vocab");
        }
        for (JsonNode t : json.path("added_tokens")) {
            vocab.put(t.path("content").asText(), t.path("id").asInt());
        }
        return vocab;
    }

    /** The id of the bos/eos token named by the files beside the tokenizer, or -1. */
    private static int specialId(Path dir, String kind, Map<String, Integer> vocab) throws IOException {
        JsonNode tc = readOptional(dir.resolve("tokenizer_config.json"));
        Integer id = tokenId(tc.get(kind + "_token"), vocab);
        if (id != null) {
            return id;
        }
        JsonNode cfg = readOptional(dir.resolve("config.json"));
        JsonNode n = cfg.get(kind + "_token_id");
        if (n != null && n.isArray() && !n.isEmpty()) {
            n = n.get(0);
        }
        if (n != null && n.canConvertToInt()) {
            return n.asInt();
        }
        id = tokenId(readOptional(dir.resolve("special_tokens_map.json")).get(kind + "_token"), vocab);
        return id != null ? id : -1;
    }

    private static Integer tokenId(JsonNode token, Map<String, Integer> vocab) {
        if (token == null || token.isNull()) {
            return null;
        }
        String content = token.isObject() ? token.path("content").asText() : token.asText();
        return vocab.get(content);
    }

    private static JsonNode readOptional(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(p.toFile());
            return n == null ? Json.MAPPER.createObjectNode() : n;
        } catch (IOException e) {
            throw new IOException(p + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of the ids, special tokens skipped. */
    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** Copies tokenizer.json and, when present, tokenizer_config.json and special_tokens_map.json. */
    @Override
    public void saveTo(Path modelDir) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            AtomicFile.writeBytes(modelDir.resolve(f.getKey()), f.getValue());
        }
    }
}
