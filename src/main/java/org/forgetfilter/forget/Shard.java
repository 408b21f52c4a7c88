package org.forgetfilter.forget;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.forgetfilter.data.Example;

/**
 * One part {@code index} of {@code count} of the customer examples, for running a per-example stage
 * ({@code scores_m1}, {@code proximity}, {@code safety}) on several machines.
 *
 * <p>An example's place is decided by its id alone: its <em>bucket</em> is the first 8 bytes of SHA-256 of
 * {@link Example#id()} (UTF-8, unsigned) mod {@value #BUCKETS}, and its shard is bucket mod count. The bucket is
 * also the unit of batching in every run, sharded or not ({@link #groups}): batches are formed inside a bucket,
 * shortest first, and a shard takes its buckets whole. Each example is therefore computed in the same batch, with
 * the same padding, whatever the number of shards, and libtorch returns the same bits (different batch mates
 * change padded lengths, which changes the last bits of the prompt embeddings on CPU: measured).
 */
public record Shard(int index, int count) {
    /** Buckets of the batching, and so the largest useful number of shards. */
    public static final int BUCKETS = 16;
    /** The whole data set as one shard. */
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || count > BUCKETS) {
            throw new IllegalArgumentException("shard count must be 1 to " + BUCKETS + " (the examples are split in "
                    + BUCKETS + " buckets by id), got " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index must be 0 to " + (count - 1) + " (0-based) for " + count
                    + " shards, got " + index);
        }
    }

    /** Parses "I/N", e.g. "2/3" (0-based index). */
    public static Shard parse(String text) {
        String[] p = text.strip().split("/", -1);
        try {
            if (p.length == 2) {
                return new Shard(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("expected a shard as I/N (0-based index I of N shards, e.g. 0/3), got '"
                + text + "'");
    }

    /** The bucket of an id: first 8 bytes of its SHA-256, as an unsigned number, mod {@value #BUCKETS}. */
    public static int bucket(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(ByteBuffer.wrap(h, 0, 8).getLong(), BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether the example with this id belongs to this shard. */
    public boolean holds(String id) {
        return bucket(id) % count == index;
    }

    /** Input positions of the examples of this shard, ascending. */
    public int[] positions(List<Example> data) {
        return java.util.stream.IntStream.range(0, data.size()).filter(i -> holds(data.get(i).id())).toArray();
    }

    /**
     * The batching groups of {@code ids}: positions (into {@code ids}) of each non-empty bucket, buckets ascending,
     * input order inside. Scorers batch each group on its own.
     */
    static List<int[]> groups(List<String> ids) {
        TreeMap<Integer, List<Integer>> byBucket = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            byBucket.computeIfAbsent(bucket(ids.get(i)), b -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        byBucket.values().forEach(g -> out.add(g.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** "shard-I-of-N", the name of this shard's files. */
    public String fileStem() {
        return "shard-" + index + "-of-" + count;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
