package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What each stage of a run did ("ran" or "cached") and how long it took, kept in memory for results.json and
 * rewritten atomically to {@code OUT/stages.jsonl} after every stage (one JSON object per line), so a rerun
 * can be checked for reuse.
 */
public final class StageLog {
    private final Path file;
    private final List<ObjectNode> entries = new ArrayList<>();

    /** @param file where the log is kept, or null to keep it in memory only */
    public StageLog(Path file) {
        this.file = file;
    }

    public synchronized void record(String stage, String key, boolean cached, double seconds) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("stage", stage);
        e.put("key", key);
        e.put("status", cached ? "cached" : "ran");
        e.put("seconds", Math.round(seconds * 1000) / 1000.0);
        e.put("at", Instant.now().toString());
        entries.add(e);
        if (file == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (ObjectNode n : entries) {
            b.append(n.toString()).append('\n');
        }
        try {
            AtomicFile.writeString(file, b.toString());
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot write the stage log", ex);
        }
    }

    public synchronized List<ObjectNode> entries() {
        return new ArrayList<>(entries);
    }

    /** Stages that ran (not taken from the cache) in this run. */
    public synchronized long ranCount() {
        return entries.stream().filter(e -> "ran".equals(e.get("status").asText())).count();
    }
}
