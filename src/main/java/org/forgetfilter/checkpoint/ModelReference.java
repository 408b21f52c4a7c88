package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * What a user's {@code --model REF} names: a llama2.c checkpoint file ({@code .bin}), a Hugging Face model folder,
 * or a hub model {@code hf:[ORG/]NAME[@REV]} (taken from the user's Hugging Face cache when it is there, else
 * downloaded once into ForgetFilter's cache; see {@link HubDownloader}).
 *
 * @param kind which of the three
 * @param path the file or folder; null for HUB (where it lies is known only once resolved)
 * @param hub  the hub model for HUB, else null
 */
public record ModelReference(Kind kind, Path path, HubModelId hub) {
    public static final String HUB_PREFIX = HubModelId.PREFIX;

    public enum Kind { LLAMA2C_FILE, HF_FOLDER, HUB }

    /** Classifies {@code ref}; local paths must exist, hub names must be valid. */
    public static ModelReference parse(String ref) throws IOException {
        if (ref.startsWith(HUB_PREFIX)) {
            try {
                return new ModelReference(Kind.HUB, null, HubModelId.parse(ref));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--model " + ref + ": " + e.getMessage() + " (expected hf:NAME or "
                        + "hf:ORG/NAME, optionally @REV)", e);
            }
        }
        Path p = Path.of(ref);
        if (Files.isDirectory(p)) {
            if (!Files.isRegularFile(p.resolve(HfConfig.FILE_NAME))) {
                throw new NoSuchFileException(p.toString(), null, "model folder has no config.json");
            }
            return new ModelReference(Kind.HF_FOLDER, p, null);
        }
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().endsWith(".bin")) {
                throw new IllegalArgumentException("--model " + ref + ": expected a llama2.c .bin file, a Hugging Face "
                        + "model folder or hf:[ORG/]NAME[@REV]");
            }
            return new ModelReference(Kind.LLAMA2C_FILE, p, null);
        }
        throw new NoSuchFileException(ref, null, "model not found (expected a llama2.c .bin file, a Hugging Face "
                + "model folder or hf:[ORG/]NAME[@REV])");
    }

    /**
     * Loads the model, fetching it first when it is a hub model not yet on this machine.
     *
     * @param tokenizer when not null, used instead of the model's own tokenizer, which is then never read
     */
    public Checkpoint load(HubDownloader downloader, Tokenizer tokenizer) throws IOException {
        return switch (kind) {
            case LLAMA2C_FILE -> tokenizer == null ? Llama2cCheckpoint.read(path) : Llama2cCheckpoint.read(path, tokenizer);
            case HF_FOLDER -> HfModelDirectory.load(path, path.toString(), tokenizer);
            case HUB -> HfModelDirectory.load(downloader.resolve(hub, tokenizer == null), toString(), tokenizer);
        };
    }

    /**
     * The model's config and tokenizer without its weights (what {@code filter --dry-run} plans from): config.json
     * of a folder, the header of a llama2.c file; a hub model is taken from the cache or fetched first.
     *
     * @param tokenizer when not null, used instead of the model's own tokenizer
     */
    public Checkpoint loadWithoutWeights(HubDownloader downloader, Tokenizer tokenizer) throws IOException {
        return switch (kind) {
            case LLAMA2C_FILE -> {
                ModelConfig c = Llama2cCheckpoint.readConfig(path);
                yield new Checkpoint(c, java.util.Map.of(), tokenizer != null ? tokenizer
                        : Llama2cCheckpoint.tokenizerBeside(path, c.vocabSize()), toString());
            }
            case HF_FOLDER -> withoutWeights(path, tokenizer);
            case HUB -> withoutWeights(downloader.resolve(hub, tokenizer == null), tokenizer);
        };
    }

    private Checkpoint withoutWeights(Path dir, Tokenizer tokenizer) throws IOException {
        ModelConfig c = HfConfig.read(dir.resolve(HfConfig.FILE_NAME));
        return new Checkpoint(c, java.util.Map.of(), tokenizer != null ? tokenizer
                : org.forgetfilter.tokenizer.Tokenizers.load(dir), toString());
    }

    /** Resolves and loads {@code ref} with hub settings from the environment. */
    public static Checkpoint load(String ref) throws IOException {
        return load(ref, null);
    }

    /** As {@link #load(String)}, with {@code tokenizer} (nullable) overriding the model's own. */
    public static Checkpoint load(String ref, Tokenizer tokenizer) throws IOException {
        return parse(ref).load(HubDownloader.fromEnvironment(), tokenizer);
    }

    @Override
    public String toString() {
        return kind == Kind.HUB ? hub.toString() : path.toString();
    }
}
