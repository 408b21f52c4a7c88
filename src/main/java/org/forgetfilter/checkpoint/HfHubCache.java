package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The user's Hugging Face cache, as huggingface_hub lays it out and as transformers fills it: a folder
 * {@code models--ORG--NAME} (or {@code models--NAME}) with {@code refs/BRANCH} holding the commit a branch or tag
 * pointed to, and {@code snapshots/COMMIT/} holding that commit's files (links into {@code blobs/}). Only read.
 */
public final class HfHubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private final Path root;

    public HfHubCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * What the cache holds of {@code id}.
     *
     * @param snapshot the snapshot folder, or null when the cache has no snapshot of that revision
     * @param missing  files the model needs that the snapshot lacks (empty: usable as it is)
     */
    public record Lookup(Path snapshot, List<String> missing) {
        public boolean usable() {
            return snapshot != null && missing.isEmpty();
        }
    }

    /** Finds the snapshot of {@code id}; {@code needTokenizer} false when the caller brings its own tokenizer. */
    public Lookup find(HubModelId id, boolean needTokenizer) throws IOException {
        Path repoDir = root.resolve("models--" + id.folderName());
        String commit = id.isCommit() ? id.revision() : refCommit(repoDir, id.revision());
        if (commit == null) {
            return new Lookup(null, List.of());
        }
        Path snapshot = repoDir.resolve("snapshots").resolve(commit);
        if (!Files.isDirectory(snapshot)) {
            return new Lookup(null, List.of());
        }
        return new Lookup(snapshot, HfModelDirectory.missingFiles(snapshot, needTokenizer));
    }

    /** The commit in {@code refs/REVISION}, or null when there is none or it is not a commit hash. */
    private static String refCommit(Path repoDir, String revision) throws IOException {
        Path ref = repoDir.resolve("refs");
        for (String part : revision.split("/")) {
            ref = ref.resolve(part);
        }
        if (!Files.isRegularFile(ref) || Files.size(ref) > 1024) {
            return null;
        }
        String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
        return COMMIT.matcher(commit).matches() ? commit : null;
    }
}
