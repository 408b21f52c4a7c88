package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.forgetfilter.tokenizer.HfTokenizer;
import org.forgetfilter.tokenizer.Llama2cTokenizer;
import org.forgetfilter.tokenizer.Tokenizer;
import org.forgetfilter.tokenizer.Tokenizers;

/**
 * A Hugging Face model folder: {@code config.json}, {@code model.safetensors} (or a sharded
 * {@code model.safetensors.index.json} with its shards), and a tokenizer ({@code tokenizer.json}, llama2.c's
 * {@code tokenizer.bin}, or {@code tokenizer_byte.json}). Saved folders also hold {@value #PROVENANCE_FILE},
 * which records what the model was made from.
 */
public final class HfModelDirectory {
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String PROVENANCE_FILE = "forgetfilter.json";
    private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final List<String> TOKENIZER_FILES = List.of(HfTokenizer.FILE_NAME, Llama2cTokenizer.FILE_NAME,
            ByteTokenizer.FILE_NAME);

    private HfModelDirectory() {
    }

    /** Loads config, weights (validated against the config) and tokenizer of a folder. */
    public static Checkpoint load(Path dir) throws IOException {
        return load(dir, dir.toString());
    }

    /** As {@link #load(Path)}, with {@code source} recorded in the checkpoint (e.g. a hub reference). */
    public static Checkpoint load(Path dir, String source) throws IOException {
        return load(dir, source, null);
    }

    /**
     * As {@link #load(Path, String)}; {@code tokenizer}, when not null, is used instead of the folder's own, which is
     * then not read at all (a folder without tokenizer files loads).
     */
    public static Checkpoint load(Path dir, String source, Tokenizer tokenizer) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "model folder not found");
        }
        ModelConfig config = HfConfig.read(dir.resolve(HfConfig.FILE_NAME));
        MemoryEstimate.of(config).requireLoadable(dir.resolve(HfConfig.FILE_NAME));
        Map<String, FloatTensor> raw;
        if (Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
            raw = SafetensorsReader.readFile(dir.resolve(WEIGHTS_FILE));
        } else if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
            raw = SafetensorsReader.readSharded(dir.resolve(INDEX_FILE));
        } else if (Files.isRegularFile(dir.resolve("pytorch_model.bin"))) {
            throw new IOException(dir + ": only pytorch_model.bin found; convert it to " + WEIGHTS_FILE
                    + " (pickle checkpoints are not read)");
        } else {
            throw new NoSuchFileException(dir.toString(), null, "no " + WEIGHTS_FILE + " or " + INDEX_FILE);
        }
        FiniteWeights.check(Files.isRegularFile(dir.resolve(WEIGHTS_FILE)) ? dir.resolve(WEIGHTS_FILE)
                : dir.resolve(INDEX_FILE), raw);
        Map<String, FloatTensor> weights = WeightLayout.canonicalize(raw, config, dir.toString());
        if (tokenizer == null) {
            tokenizer = Tokenizers.load(dir);
        }
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IOException(dir + ": tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is "
                    + config.vocabSize());
        }
        return new Checkpoint(config, weights, tokenizer, source);
    }

    /**
     * The files a model folder lacks to be loaded: config.json, the weights (model.safetensors, or the index and every
     * shard it names) and, when {@code needTokenizer}, a tokenizer file. Empty when the folder is complete.
     */
    public static List<String> missingFiles(Path dir, boolean needTokenizer) throws IOException {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve(HfConfig.FILE_NAME))) {
            missing.add(HfConfig.FILE_NAME);
        }
        if (!Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
            if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
                for (String shard : shardNames(dir.resolve(INDEX_FILE))) {
                    if (!Files.isRegularFile(dir.resolve(shard))) {
                        missing.add(shard);
                    }
                }
            } else {
                missing.add(WEIGHTS_FILE);
            }
        }
        if (needTokenizer && TOKENIZER_FILES.stream().noneMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
            missing.add(HfTokenizer.FILE_NAME);
        }
        return missing;
    }

    /**
     * The shard files a {@value #INDEX_FILE} names, each checked to be a plain file name (no folder, no "..", no
     * absolute path, no backslash), since the index may come from a server.
     */
    public static Set<String> shardNames(Path indexFile) throws IOException {
        JsonNode index;
        try {
            index = Json.MAPPER.readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new IOException(indexFile + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = index == null ? null : index.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new IOException(indexFile + ": safetensors index has no 'weight_map'");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (JsonNode v : map) {
            String name = v.asText();
            if (!SHARD_NAME.matcher(name).matches() || name.contains("..")) {
                throw new IOException(indexFile + ": shard name '" + name.replaceAll("\\p{Cntrl}", "?") + "' is not a plain "
                        + "file name (expected e.g. model-00001-of-00002.safetensors; folders, '..', absolute paths and "
                        + "backslashes are refused)");
            }
            shards.add(name);
        }
        return shards;
    }

    /**
     * Writes config.json, model.safetensors in {@code dtype}, the tokenizer files and forgetfilter.json with
     * {@code provenance} (plus the source, dtype and time). Replaces {@code dir} only once all are written.
     */
    public static void save(Checkpoint checkpoint, Path dir, SafetensorsDtype dtype, Map<String, ?> provenance)
            throws IOException {
        Map<String, FloatTensor> weights = WeightLayout.canonicalize(checkpoint.weights(), checkpoint.config(),
                checkpoint.source());
        AtomicDirectory.write(dir, tmp -> {
            HfConfig.write(tmp.resolve(HfConfig.FILE_NAME), checkpoint.config(), dtype);
            SafetensorsWriter.write(tmp.resolve(WEIGHTS_FILE), weights, dtype);
            checkpoint.tokenizer().saveTo(tmp);
            ObjectNode p = Json.MAPPER.createObjectNode();
            p.put("format", "forgetfilter-model");
            p.put("source", checkpoint.source());
            p.put("dtype", dtype.torchName());
            p.put("written", Instant.now().toString());
            p.set("provenance", Json.MAPPER.valueToTree(provenance));
            AtomicFile.writeString(tmp.resolve(PROVENANCE_FILE),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p) + "\n");
        });
    }
}
