package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.model.ModelConfig;
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

    private HfModelDirectory() {
    }

    /** Loads config, weights (validated against the config) and tokenizer of a folder. */
    public static Checkpoint load(Path dir) throws IOException {
        return load(dir, dir.toString());
    }

    /** As {@link #load(Path)}, with {@code source} recorded in the checkpoint (e.g. a hub reference). */
    public static Checkpoint load(Path dir, String source) throws IOException {
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
        Tokenizer tokenizer = Tokenizers.load(dir);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IOException(dir + ": tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is "
                    + config.vocabSize());
        }
        return new Checkpoint(config, weights, tokenizer, source);
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
