package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * Merges the shard records of the per-example stages ({@link StageStore#saveShard}) into the ordinary stage
 * records the rest of {@link ForgetFilter} reads, after checking that they belong together: all N shards present,
 * one file per shard, one key (model, data, settings) and one N, every example in exactly one shard and in the
 * shard its id hashes to. Anything else is refused naming the file and what is wrong; nothing is written then.
 *
 * <p>In a shard's result every array holds one value per example of the shard (its examples in input order); the
 * merge puts them back in input order. Every other value describes the whole stage and must be the same in every
 * shard (the reference distance of the proximity stage, the losses of the safety finetune each shard repeats),
 * except the clock: seconds are summed, rates taken from the first shard.
 */
public final class ShardMerge {
    /** The stages that can run on a shard, in pipeline order. */
    public static final List<String> STAGES = List.of("scores_m1", "proximity", "safety");
    /** Values measured by the clock, which differ between shards that computed the same thing. */
    private static final List<String> RATES = List.of("tokens_per_second", "seconds_per_epoch");

    private ShardMerge() {
    }

    /** One stage merged: its name, how many shards, how many examples. */
    public record Merged(String stage, int shards, int examples, Path record) {
    }

    /**
     * Merges every stage that has shard files under {@code store}; returns what was merged (empty when no stage
     * has any).
     */
    public static List<Merged> mergeAll(StageStore store) throws IOException {
        List<Merged> out = new ArrayList<>();
        for (String stage : STAGES) {
            List<StageStore.ShardRecord> recs = shardRecords(store, stage);
            if (!recs.isEmpty()) {
                out.add(merge(store, stage, recs));
            }
        }
        return out;
    }

    /** The shard files of {@code stage} (shard-*.json in its folder), read, by shard index then name. */
    static List<StageStore.ShardRecord> shardRecords(StageStore store, String stage) throws IOException {
        Path dir = store.dir().resolve(stage);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("shard-") && n.endsWith(".json") && Files.isRegularFile(p);
            }).sorted().toList();
        }
        List<StageStore.ShardRecord> recs = new ArrayList<>();
        for (Path f : files) {
            StageStore.ShardRecord r = StageStore.readShard(f);
            if (!r.stage().equals(stage)) {
                throw new IOException(f + ": a shard of stage '" + r.stage() + "', found in the folder of stage '"
                        + stage + "'");
            }
            recs.add(r);
        }
        recs.sort(Comparator.comparingInt((StageStore.ShardRecord r) -> r.shard().index())
                .thenComparing(r -> r.file().getFileName().toString()));
        return recs;
    }

    private static Merged merge(StageStore store, String stage, List<StageStore.ShardRecord> recs) throws IOException {
        StageStore.ShardRecord first = recs.get(0);
        int n = first.shard().count();
        for (StageStore.ShardRecord r : recs) {
            if (r.shard().count() != n) {
                throw new IOException(r.file() + ": shard " + r.shard() + " of a split into " + r.shard().count()
                        + " shards, but " + first.file() + " is of a split into " + n + "; one stage must be split "
                        + "one way: remove the files of the other split");
            }
        }
        for (StageStore.ShardRecord r : recs) {
            if (!r.key().equals(first.key())) {
                throw new IOException(r.file() + ": shard from another model/data/settings: key differs from "
                        + first.file() + " (" + r.key().substring(0, 12) + " vs " + first.key().substring(0, 12)
                        + "); rerun the shard against the same model, data and settings");
            }
        }
        Map<Integer, StageStore.ShardRecord> byIndex = new TreeMap<>();
        for (StageStore.ShardRecord r : recs) {
            StageStore.ShardRecord other = byIndex.putIfAbsent(r.shard().index(), r);
            if (other != null) {
                throw new IOException(r.file() + ": duplicate shard: it and " + other.file() + " are both shard "
                        + r.shard() + "; remove one");
            }
        }
        for (int i = 0; i < n; i++) {
            if (!byIndex.containsKey(i)) {
                Shard missing = new Shard(i, n);
                throw new IOException(store.shardFile(stage, missing) + ": missing shard " + i + " of " + n
                        + " of stage " + stage + "; run filter ... --stage " + stage + " --shard " + missing
                        + " first");
            }
        }
        int total = first.total();
        StageStore.ShardRecord[] owner = new StageStore.ShardRecord[total];
        for (StageStore.ShardRecord r : recs) {
            if (r.total() != total) {
                throw new IOException(r.file() + ": made for " + r.total() + " examples, " + first.file() + " for "
                        + total);
            }
            for (int k = 0; k < r.ids().size(); k++) {
                String id = r.ids().get(k);
                int p = r.positions()[k];
                if (p < 0 || p >= total) {
                    throw new IOException(r.file() + ": example '" + id + "' at position " + p + ", outside 0.."
                            + (total - 1));
                }
                if (!r.shard().holds(id)) {
                    throw new IOException(r.file() + ": holds example '" + id + "', whose id belongs to shard "
                            + Shard.bucket(id) % n + " of " + n + ", not " + r.shard().index());
                }
                if (owner[p] != null) {
                    throw new IOException(r.file() + ": duplicate example '" + id + "' (position " + p
                            + "): also in " + owner[p].file());
                }
                owner[p] = r;
            }
        }
        for (int p = 0; p < total; p++) {
            if (owner[p] == null) {
                throw new IOException(store.dir().resolve(stage) + ": no shard holds the example at position " + p
                        + " of " + total);
            }
        }
        List<ObjectNode> parts = recs.stream().map(StageStore.ShardRecord::result).toList();
        JsonNode merged = mergeNode(parts, recs, total, "");
        double seconds = recs.stream().mapToDouble(StageStore.ShardRecord::seconds).sum();
        Path log = ForgetFilter.trainingLog(store.dir(), stage);
        Path shardLog = ForgetFilter.shardTrainingLog(store.dir(), stage, first.shard());
        if (Files.isRegularFile(shardLog)) {
            AtomicFile.writeBytes(log, Files.readAllBytes(shardLog));
        }
        store.provenance(first.provenance());
        store.save(stage, first.key(), seconds, (ObjectNode) merged);
        return new Merged(stage, n, total, store.dir().resolve(stage + ".json"));
    }

    /** Merges one node of every shard's result; {@code path} names it in errors, e.g. "/steps/4/loglik". */
    private static JsonNode mergeNode(List<? extends JsonNode> parts, List<StageStore.ShardRecord> recs, int total,
                                      String path) throws IOException {
        JsonNode first = parts.get(0);
        for (int s = 1; s < parts.size(); s++) {
            if (parts.get(s).getNodeType() != first.getNodeType()) {
                throw differs(recs, s, path, parts.get(s), first);
            }
        }
        if (first.isArray()) {
            JsonNode[] values = new JsonNode[total];
            for (int s = 0; s < parts.size(); s++) {
                StageStore.ShardRecord r = recs.get(s);
                JsonNode a = parts.get(s);
                if (a.size() != r.ids().size()) {
                    throw new IOException(r.file() + ": " + path + " holds " + a.size() + " values for the shard's "
                            + r.ids().size() + " examples");
                }
                for (int k = 0; k < a.size(); k++) {
                    values[r.positions()[k]] = a.get(k);
                }
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (JsonNode v : values) {
                out.add(v);
            }
            return out;
        }
        if (first.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            List<String> names = new ArrayList<>();
            first.fieldNames().forEachRemaining(names::add);
            for (int s = 1; s < parts.size(); s++) {
                List<String> other = new ArrayList<>();
                parts.get(s).fieldNames().forEachRemaining(other::add);
                if (!other.equals(names)) {
                    throw new IOException(recs.get(s).file() + ": " + (path.isEmpty() ? "the result" : path)
                            + " has the fields " + other + ", but " + names + " in " + recs.get(0).file());
                }
            }
            for (String name : names) {
                List<JsonNode> children = new ArrayList<>();
                for (JsonNode p : parts) {
                    children.add(p.get(name));
                }
                out.set(name, mergeNode(children, recs, total, path + "/" + name));
            }
            return out;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.endsWith("_seconds")) {
            double sum = 0;
            for (JsonNode p : parts) {
                sum += p.asDouble();
            }
            return DoubleNode.valueOf(sum);
        }
        if (RATES.contains(name)) {
            return first;
        }
        for (int s = 1; s < parts.size(); s++) {
            if (!parts.get(s).equals(first)) {
                throw differs(recs, s, path, parts.get(s), first);
            }
        }
        return first;
    }

    private static IOException differs(List<StageStore.ShardRecord> recs, int s, String path, JsonNode value,
                                       JsonNode firstValue) {
        return new IOException(recs.get(s).file() + ": " + path + " is " + value + ", but " + firstValue + " in "
                + recs.get(0).file() + ": the shards did not compute the same stage (a value every shard computes "
                + "for the whole stage differs; was the run not reproducible across processes?)");
    }
}
