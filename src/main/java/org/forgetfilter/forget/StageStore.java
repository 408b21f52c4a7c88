package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /**
     * A per-example stage computed on one shard: {@code <dir>/<stage>/shard-I-of-N.json}, merged into the ordinary
     * record by {@link ShardMerge}.
     *
     * @param ids       ids of the shard's examples, in input order
     * @param positions their positions in the whole data set
     * @param total     examples in the whole data set
     * @param result    the stage's result in its ordinary form, every array holding the shard's examples only
     */
    public record ShardRecord(Path file, String stage, String key, Shard shard, List<String> ids, int[] positions,
                              int total, double seconds, ObjectNode provenance, ObjectNode result) {
    }

    /** Where the record of {@code stage} on {@code shard} is kept. */
    public Path shardFile(String stage, Shard shard) {
        return dir.resolve(stage).resolve(shard.fileStem() + ".json");
    }

    /** The shard's record of {@code stage}, or null when it is missing or was made with another key. */
    public ShardRecord findShard(String stage, String key, Shard shard) throws IOException {
        Path f = shardFile(stage, shard);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        ShardRecord r = readShard(f);
        return r.key().equals(key) && r.shard().equals(shard) ? r : null;
    }

    /** Records {@code stage} as finished on {@code shard} (written atomically, so a rerun replaces it whole). */
    public void saveShard(String stage, String key, Shard shard, List<String> ids, int[] positions, int total,
                          double seconds, ObjectNode result) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("stage", stage);
        n.put("key", key);
        n.put("shard", shard.index());
        n.put("shards", shard.count());
        n.put("buckets", Shard.BUCKETS);
        n.put("examples", total);
        n.set("ids", Json.MAPPER.valueToTree(ids));
        n.set("positions", Json.MAPPER.valueToTree(positions));
        n.put("seconds", seconds);
        if (provenance != null) {
            n.set("provenance", provenance);
        }
        n.set("result", result);
        AtomicFile.writeString(shardFile(stage, shard), Json.MAPPER.writeValueAsString(n) + "\n");
    }

    /** Reads a shard record, failing with the file's name and what is missing when it is not one. */
    public static ShardRecord readShard(Path f) throws IOException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + ": not a readable shard record (JSON): " + e.getMessage(), e);
        }
        for (String field : new String[] {"stage", "key", "shard", "shards", "buckets", "examples", "ids", "positions",
                "seconds", "result"}) {
            if (n == null || !n.has(field)) {
                throw new IOException(f + ": not a shard record: field '" + field + "' is missing");
            }
        }
        if (n.get("buckets").asInt() != Shard.BUCKETS) {
            throw new IOException(f + ": made with " + n.get("buckets").asInt() + " buckets, this version uses "
                    + Shard.BUCKETS + "; rerun the shard");
        }
        Shard shard;
        try {
            shard = new Shard(n.get("shard").asInt(), n.get("shards").asInt());
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
        List<String> ids = new ArrayList<>();
        n.get("ids").forEach(x -> ids.add(x.asText()));
        int[] positions = new int[n.get("positions").size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = n.get("positions").get(i).asInt();
        }
        if (positions.length != ids.size()) {
            throw new IOException(f + ": " + ids.size() + " ids but " + positions.length + " positions");
        }
        return new ShardRecord(f, n.get("stage").asText(), n.get("key").asText(), shard, ids, positions,
                n.get("examples").asInt(), n.get("seconds").asDouble(),
                n.get("provenance") instanceof ObjectNode p ? p : null, (ObjectNode) n.get("result"));
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
