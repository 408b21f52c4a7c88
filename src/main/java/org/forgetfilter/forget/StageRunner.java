package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.forgetfilter.io.MemoryTrace;

/**
 * Runs the named stages of a pipeline over one {@link StageStore}: a stage whose record has the same content key
 * is read back from its JSON form instead of being computed. Keeps, per stage, whether it was reused and the
 * seconds its computation took (as recorded when it ran).
 */
final class StageRunner {
    /** A stage's compute step. */
    @FunctionalInterface
    interface Computation<T> {
        T compute() throws IOException;
    }

    private final StageStore store;
    private final Map<String, String> titles;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final Map<String, Boolean> reused = new LinkedHashMap<>();

    StageRunner(StageStore store) {
        this(store, Map.of());
    }

    /** {@code titles}: what each stage does in words, for the lines printed when a stage starts or is reused. */
    StageRunner(StageStore store, Map<String, String> titles) {
        this.store = store;
        this.titles = titles;
    }

    private String title(String name) {
        String t = titles.get(name);
        return "stage " + name + (t == null ? "" : " (" + t + ")");
    }

    /**
     * The result of stage {@code name} for {@code key}: read back with {@code fromJson} when recorded and
     * {@code reusable} (e.g. the model folder it wrote is still there), else computed and recorded with
     * {@code toJson}.
     */
    <T> T run(String name, String key, boolean reusable, Computation<T> compute, Function<T, ObjectNode> toJson,
              Function<ObjectNode, T> fromJson) throws IOException {
        StageStore.Record rec = reusable ? store.find(name, key) : null;
        if (rec != null) {
            System.err.printf(Locale.ROOT, "forgetfilter: %s: reused, finished by an earlier run in %.1f s (%s)%n",
                    title(name), rec.seconds(), store.dir().resolve(name + ".json"));
            seconds.put(name, rec.seconds());
            reused.put(name, true);
            return fromJson.apply(rec.result());
        }
        System.err.println("forgetfilter: " + title(name) + ": running");
        MemoryTrace.at(name + " start");
        long t = System.nanoTime();
        T value = compute.compute();
        double s = (System.nanoTime() - t) / 1e9;
        MemoryTrace.at(name + " done");
        System.err.printf(Locale.ROOT, "forgetfilter: %s: done in %.1f s%n", title(name), s);
        store.save(name, key, s, toJson.apply(value));
        seconds.put(name, s);
        reused.put(name, false);
        return value;
    }

    /**
     * Stage {@code name} on one shard: nothing is done when the whole stage is already recorded with {@code key} or
     * this shard's record is ({@link StageStore#findShard}); else {@code compute} runs (on the shard's examples only)
     * and its result is saved as the shard's record ({@link StageStore#saveShard}), replacing a stale one whole.
     *
     * @param ids       ids of the shard's examples, in input order
     * @param positions their positions in the whole data set
     * @param total     examples in the whole data set
     */
    void runShard(String name, String key, Shard shard, List<String> ids, int[] positions, int total,
                  Computation<ObjectNode> compute) throws IOException {
        StageStore.Record whole = store.find(name, key);
        if (whole != null) {
            System.err.printf(Locale.ROOT, "forgetfilter: %s: reused, the whole stage was finished by an earlier run "
                    + "(%s); shard %s has nothing to do%n", title(name), store.dir().resolve(name + ".json"), shard);
            seconds.put(name, whole.seconds());
            reused.put(name, true);
            return;
        }
        StageStore.ShardRecord done = store.findShard(name, key, shard);
        if (done != null) {
            System.err.printf(Locale.ROOT, "forgetfilter: %s: shard %s reused, finished by an earlier run in %.1f s "
                    + "(%s)%n", title(name), shard, done.seconds(), done.file());
            seconds.put(name, done.seconds());
            reused.put(name, true);
            return;
        }
        System.err.println("forgetfilter: " + title(name) + ": running on shard " + shard + " (" + ids.size() + " of "
                + total + " examples)");
        MemoryTrace.at(name + " shard " + shard + " start");
        long t = System.nanoTime();
        ObjectNode value = compute.compute();
        double s = (System.nanoTime() - t) / 1e9;
        MemoryTrace.at(name + " shard " + shard + " done");
        store.saveShard(name, key, shard, ids, positions, total, s, value);
        System.err.printf(Locale.ROOT, "forgetfilter: %s: shard %s done in %.1f s (%s)%n", title(name), shard, s,
                store.shardFile(name, shard));
        seconds.put(name, s);
        reused.put(name, false);
    }

    /** Seconds each stage took when it was computed, in run order. */
    Map<String, Double> seconds() {
        return seconds;
    }

    /** Whether each stage was read back instead of computed, in run order. */
    Map<String, Boolean> reused() {
        return reused;
    }
}
