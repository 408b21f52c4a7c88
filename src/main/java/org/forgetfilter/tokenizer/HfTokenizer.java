package org.forgetfilter.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** The same tokenizer without its dummy-prefix step, for {@link #encodeContinuation}; null when it has none. */
    private final HuggingFaceTokenizer continuation;
    /** File name to content of tokenizer.json and its companions, kept so that saving never depends on the source folder. */
    private final Map<String, byte[]> files;
    private final int vocabSize;
    private final int bos;
    private final int eos;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, HuggingFaceTokenizer continuation, Map<String, byte[]> files,
            int vocabSize, int bos, int eos) {
        this.tokenizer = tokenizer;
        this.continuation = continuation;
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
        HuggingFaceTokenizer cont = null;
        JsonNode noPrefix = withoutDummyPrefix(json);
        if (noPrefix != null) {
            try (InputStream in = new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(noPrefix))) {
                cont = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "false", "truncation", "false",
                        "padding", "false"));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": the tokenizers library rejected this tokenizer.json without its "
                        + "prefix space: " + e.getMessage(), e);
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(FILE_NAME, Files.readAllBytes(file));
        for (String name : COMPANIONS) {
            if (Files.isRegularFile(dir.resolve(name))) {
                files.put(name, Files.readAllBytes(dir.resolve(name)));
            }
        }
        return new HfTokenizer(hf, cont, files, size, bos, eos);
    }

    /**
     * A copy of {@code json} without the SentencePiece dummy prefix (a {@code Prepend} normalizer, or a
     * {@code Metaspace} pre-tokenizer that prepends "▁"), or null when it has none. Text that continues earlier text
     * gets no prefix space in SentencePiece, llama2.c or transformers (it is tokenized inside the whole string).
     */
    static JsonNode withoutDummyPrefix(JsonNode json) {
        JsonNode copy = json.deepCopy();
        boolean changed = false;
        JsonNode normalizer = copy.get("normalizer");
        if (normalizer instanceof ObjectNode n) {
            if ("Prepend".equals(n.path("type").asText())) {
                ((ObjectNode) copy).putNull("normalizer");
                changed = true;
            } else if ("Sequence".equals(n.path("type").asText()) && n.get("normalizers") instanceof ArrayNode steps) {
                for (int i = steps.size() - 1; i >= 0; i--) {
                    if ("Prepend".equals(steps.get(i).path("type").asText())) {
                        steps.remove(i);
                        changed = true;
                    }
                }
            }
        }
        JsonNode pre = copy.get("pre_tokenizer");
        List<JsonNode> pres = new ArrayList<>();
        if (pre instanceof ObjectNode p) {
            pres.add(p);
            p.path("pretokenizers").forEach(pres::add);
        }
        for (JsonNode p : pres) {
            if (p instanceof ObjectNode m && "Metaspace".equals(m.path("type").asText())) {
                if (m.has("prepend_scheme") && !"never".equals(m.get("prepend_scheme").asText())) {
                    m.put("prepend_scheme", "never");
                    changed = true;
                }
                if (m.path("add_prefix_space").asBoolean(false)) {
                    m.put("add_prefix_space", false);
                    changed = true;
                }
            }
        }
        return changed ? copy : null;
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
        return ids(tokenizer.encode(text, false, false).getIds());
    }

    /** Tokens of text that continues earlier text: without the dummy-prefix space, where the tokenizer has one. */
    @Override
    public int[] encodeContinuation(String text) {
        return continuation == null ? encode(text) : ids(continuation.encode(text, false, false).getIds());
    }

    private static int[] ids(long[] ids) {
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
