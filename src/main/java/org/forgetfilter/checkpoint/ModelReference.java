package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a user's {@code --model REF} names: a llama2.c checkpoint file ({@code .bin}), a Hugging Face model folder,
 * or a hub model {@code hf:ORG/NAME[@REV]} (downloaded once into the cache, then loaded as a folder).
 *
 * @param kind     which of the three
 * @param path     the file or folder (for HUB: the cache folder the model is, or will be, downloaded to)
 * @param repo     ORG/NAME for HUB, else null
 * @param revision the hub revision (default main) for HUB, else null
 */
public record ModelReference(Kind kind, Path path, String repo, String revision) {
    public static final String HUB_PREFIX = "hf:";

    public enum Kind { LLAMA2C_FILE, HF_FOLDER, HUB }

    /** Classifies {@code ref}; local paths must exist. */
    public static ModelReference parse(String ref, HubDownloader hub) throws IOException {
        if (ref.startsWith(HUB_PREFIX)) {
            String spec = ref.substring(HUB_PREFIX.length());
            int at = spec.indexOf('@');
            String repo = at < 0 ? spec : spec.substring(0, at);
            String rev = at < 0 ? "main" : spec.substring(at + 1);
            try {
                return new ModelReference(Kind.HUB, hub.folder(repo, rev), repo, rev);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--model " + ref + ": " + e.getMessage() + " (expected hf:ORG/NAME[@REV])", e);
            }
        }
        Path p = Path.of(ref);
        if (Files.isDirectory(p)) {
            if (!Files.isRegularFile(p.resolve(HfConfig.FILE_NAME))) {
                throw new NoSuchFileException(p.toString(), null, "model folder has no config.json");
            }
            return new ModelReference(Kind.HF_FOLDER, p, null, null);
        }
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().endsWith(".bin")) {
                throw new IllegalArgumentException("--model " + ref + ": expected a llama2.c .bin file, a Hugging Face "
                        + "model folder or hf:ORG/NAME[@REV]");
            }
            return new ModelReference(Kind.LLAMA2C_FILE, p, null, null);
        }
        throw new NoSuchFileException(ref, null, "model not found (expected a llama2.c .bin file, a Hugging Face "
                + "model folder or hf:ORG/NAME[@REV])");
    }

    /** Loads the model, downloading it first when it is a hub reference not yet in the cache. */
    public Checkpoint load(HubDownloader hub) throws IOException {
        return switch (kind) {
            case LLAMA2C_FILE -> Llama2cCheckpoint.read(path);
            case HF_FOLDER -> HfModelDirectory.load(path);
            case HUB -> HfModelDirectory.load(hub.download(repo, revision), toString());
        };
    }

    /** Resolves and loads {@code ref} with hub settings from the environment. */
    public static Checkpoint load(String ref) throws IOException {
        HubDownloader hub = HubDownloader.fromEnvironment();
        return parse(ref, hub).load(hub);
    }

    @Override
    public String toString() {
        return kind == Kind.HUB ? HUB_PREFIX + repo + "@" + revision : path.toString();
    }
}
