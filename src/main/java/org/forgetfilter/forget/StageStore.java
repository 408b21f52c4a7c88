package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * The cache of a multi-stage run: each finished stage leaves {@code <dir>/<stage>.json} holding the key of the
 * inputs and settings that produced it and its results. A stage whose record is present with the same key is not
 * run again; a killed run therefore loses at most the stage it was in. Records are written atomically, after
 * everything else the stage writes.
 */
public final class StageStore {
    private final Path dir;
    private ObjectNode provenance;

    public StageStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code p} into every record saved from now on (how the stage's results were made). */
    public void provenance(ObjectNode p) {
        this.provenance = p;
    }

    /** A finished stage: the seconds it took and its results. */
    public record Record(double seconds, ObjectNode result) {
    }

    /** The stored record of {@code stage}, or null when it is missing or was made with another key. */
    public Record find(String stage, String key) throws IOException {
        Path f = dir.resolve(stage + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        JsonNode n = Json.MAPPER.readTree(f.toFile());
        if (!n.path("key").asText().equals(key)) {
            return null;
        }
        return new Record(n.path("seconds").asDouble(), (ObjectNode) n.get("result"));
    }

    /** The stored result of {@code stage}, or null when it is missing or was made with another key. */
    public ObjectNode load(String stage, String key) throws IOException {
        Record r = find(stage, key);
        return r == null ? null : r.result();
    }

    /** Records {@code stage} as finished with {@code result}. */
    public void save(String stage, String key, double seconds, ObjectNode result) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("stage", stage);
        n.put("key", key);
        n.put("seconds", seconds);
        if (provenance != null) {
            n.set("provenance", provenance);
        }
        n.set("result", result);
        AtomicFile.writeString(dir.resolve(stage + ".json"), Json.MAPPER.writeValueAsString(n) + "\n");
    }

    /** Forgets every stage (for {@code --fresh}). */
    public void clear() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }
}
