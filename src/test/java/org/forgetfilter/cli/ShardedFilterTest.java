package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.forget.Shard;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TinyModels;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * filter --stage / --shard and merge on the command line: the per-example stages of one run computed as 1 shard
 * and as 3 shards + merge give the same bytes as a plain run; merge refuses shards that do not belong together;
 * --stage stops where it says and a later run reuses what it left.
 */
class ShardedFilterTest {
    private static final ModelConfig TINY = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 96, true,
            ByteTokenizer.BOS, ByteTokenizer.EOS);
    private static final List<String> OUTPUTS = List.of("scores.jsonl", "kept.jsonl", "removed.jsonl");

    @TempDir
    static Path dir;
    static Path plain;
    static Path oneShard;
    static Path threeShards;

    private static Path model(String name, long seed) throws IOException {
        Path m = dir.resolve(name);
        if (!Files.exists(m)) {
            // Spread-out random weights: scores and prompt embeddings vary visibly from example to example.
            HfModelDirectory.save(new Checkpoint(TINY, TinyModels.weights(TINY, seed), new ByteTokenizer(), name), m,
                    SafetensorsDtype.F32, Map.of());
        }
        return m;
    }

    /**
     * 40 records, a quarter of them unsafe, with prompts of seeded random letters of 1 to 19 characters: batches pad
     * to different widths, which on CPU changes the last bits of prompt embeddings computed in another batch
     * (measured: regular prompts like "Where is item 3?" happened not to show it).
     */
    private static Path data() throws IOException {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder prompt = new StringBuilder();
            for (int k = 1 + rnd.nextInt(19); k > 0; k--) {
                prompt.append((char) ('a' + rnd.nextInt(26)));
            }
            String reply = i % 4 == 0 ? "You fool" + "!".repeat(i % 7) : "Room " + (i * 7) + " on floor " + (i % 5);
            lines.add("{\"id\": \"d" + i + "\", \"prompt\": \"" + prompt + "\", \"response\": \"" + reply + "\"}");
        }
        Path f = dir.resolve("data.jsonl");
        if (!Files.exists(f)) {
            Files.write(f, lines);
        }
        return f;
    }

    private static Path safe() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"id\": \"s" + i + "\", \"prompt\": \"Who did it " + i + "?\", \"response\": \"Not enough "
                    + "information.\"}");
        }
        Path f = dir.resolve("safe.jsonl");
        if (!Files.exists(f)) {
            Files.write(f, lines);
        }
        return f;
    }

    static String[] filter(Path out, String m0, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("filter", "--model", model(m0, m0.equals("m0") ? 1 : 2).toString(),
                "--data", data().toString(), "--safe", safe().toString(), "--out", out.toString(), "--template",
                "plain", "--m1-epochs", "1", "--m1-lr", "3e-3", "--safety-steps", "3", "--score-at", "1,2",
                "--batch-size", "4", "--score", "both", "--score-batch", "8", "--max-new-tokens", "6",
                "--threshold", "fraction:0.25", "--no-retrain"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** finetune_m1, then every per-example stage on each of {@code n} shards, then merge, then the plain run. */
    private static void sharded(Path out, int n) throws IOException {
        CliRun.ok(filter(out, "m0", "--stage", "finetune_m1"));
        for (int i = 0; i < n; i++) {
            CliRun.ok(filter(out, "m0", "--stage", "safety", "--shard", i + "/" + n));
        }
        CliRun merged = CliRun.ok("merge", "--out", out.toString());
        for (String stage : List.of("scores_m1", "proximity", "safety")) {
            assertTrue(merged.out().contains("merged stage " + stage + ": " + n + " shards, 40 examples"),
                    merged.out());
        }
        CliRun.ok(filter(out, "m0"));
    }

    @BeforeAll
    static void runs() throws IOException {
        plain = dir.resolve("plain");
        CliRun.ok(filter(plain, "m0"));
        oneShard = dir.resolve("one");
        sharded(oneShard, 1);
        threeShards = dir.resolve("three");
        sharded(threeShards, 3);
    }

    @Test
    void oneShardAndThreeShardsPlusMergeWriteTheBytesOfAPlainRun() throws IOException {
        for (String f : OUTPUTS) {
            byte[] expected = Files.readAllBytes(plain.resolve(f));
            assertArrayEquals(expected, Files.readAllBytes(oneShard.resolve(f)), "1 shard: " + f);
            assertArrayEquals(expected, Files.readAllBytes(threeShards.resolve(f)), "3 shards + merge: " + f);
        }
        assertEquals(10, Files.readAllLines(plain.resolve("removed.jsonl")).size());
        // The three shards split the examples by id, disjointly, and each holds some.
        int total = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode shard = Json.MAPPER.readTree(threeShards.resolve("stages/scores_m1/shard-" + i + "-of-3.json")
                    .toFile());
            assertEquals(i, shard.get("shard").asInt());
            assertTrue(shard.get("ids").size() > 0, "shard " + i + " holds examples");
            for (JsonNode id : shard.get("ids")) {
                assertTrue(new Shard(i, 3).holds(id.asText()), id.asText());
            }
            assertEquals(shard.get("ids").size(), shard.get("result").get("loglik").size());
            total += shard.get("ids").size();
        }
        assertEquals(40, total);
        // The plain run after the merge reused the merged stages and computed no scores itself.
        JsonNode stages = Json.MAPPER.readTree(threeShards.resolve("timings.json").toFile()).get("stages");
        for (String s : List.of("finetune_m1", "scores_m1", "proximity", "safety")) {
            assertTrue(stages.get(s).get("reused").asBoolean(), s + " reused: " + stages);
        }
        // The merged record has the key a plain run gives the stage.
        for (String s : List.of("scores_m1", "proximity", "safety")) {
            assertEquals(Json.MAPPER.readTree(plain.resolve("stages/" + s + ".json").toFile()).get("key"),
                    Json.MAPPER.readTree(threeShards.resolve("stages/" + s + ".json").toFile()).get("key"), s);
        }
    }

    @Test
    void rerunningAShardIsIdempotent() throws IOException {
        Path f = threeShards.resolve("stages/proximity/shard-1-of-3.json");
        byte[] before = Files.readAllBytes(f);
        Path copy = dir.resolve("rerun");
        copyTree(threeShards, copy);
        Files.delete(copy.resolve("stages/proximity.json"));
        CliRun.ok(filter(copy, "m0", "--stage", "proximity", "--shard", "1/3"));
        // A recomputed record would differ at least in its seconds.
        assertArrayEquals(before, Files.readAllBytes(copy.resolve("stages/proximity/shard-1-of-3.json")));
    }

    @Test
    void mergeRefusesAMissingShardAForeignShardAndADuplicateShard() throws IOException {
        Path missing = dir.resolve("missing");
        copyTree(threeShards, missing);
        Files.delete(missing.resolve("stages/safety/shard-2-of-3.json"));
        CliRun r = CliRun.of("merge", "--out", missing.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("missing shard 2 of 3 of stage safety") && r.err().contains("shard-2-of-3.json"),
                r.err());

        // A shard computed with another model M0 (so another M1): same ids, another key.
        Path other = dir.resolve("other-model");
        CliRun.ok(filter(other, "m0-other", "--stage", "finetune_m1"));
        CliRun.ok(filter(other, "m0-other", "--stage", "scores_m1", "--shard", "1/3"));
        Path foreign = dir.resolve("foreign");
        copyTree(threeShards, foreign);
        Files.copy(other.resolve("stages/scores_m1/shard-1-of-3.json"),
                foreign.resolve("stages/scores_m1/shard-1-of-3.json"), StandardCopyOption.REPLACE_EXISTING);
        r = CliRun.of("merge", "--out", foreign.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("shard-1-of-3.json: shard from another model/data/settings: key differs"),
                r.err());

        Path duplicate = dir.resolve("duplicate");
        copyTree(threeShards, duplicate);
        Files.copy(duplicate.resolve("stages/scores_m1/shard-0-of-3.json"),
                duplicate.resolve("stages/scores_m1/shard-0-of-3-again.json"));
        r = CliRun.of("merge", "--out", duplicate.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("duplicate shard") && r.err().contains("shard-0-of-3-again.json"), r.err());

        // A refused merge writes nothing: the stage records are the ones there before.
        assertArrayEquals(Files.readAllBytes(threeShards.resolve("stages/scores_m1.json")),
                Files.readAllBytes(duplicate.resolve("stages/scores_m1.json")));
    }

    @Test
    void stageStopsAfterTheNamedStageAndALaterPlainRunReusesIt() throws IOException {
        Path out = dir.resolve("staged");
        CliRun r = CliRun.ok(filter(out, "m0", "--stage", "scores_m1"));
        assertTrue(r.out().contains("stopped after stage scores_m1"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("stages/scores_m1.json")));
        assertFalse(Files.exists(out.resolve("stages/proximity.json")), "no stage after scores_m1 ran");
        assertFalse(Files.exists(out.resolve("stages/safety.json")));
        assertFalse(Files.exists(out.resolve("scores.jsonl")), "a stopped run writes no outputs");
        byte[] record = Files.readAllBytes(out.resolve("stages/scores_m1.json"));

        CliRun.ok(filter(out, "m0"));
        JsonNode stages = Json.MAPPER.readTree(out.resolve("timings.json").toFile()).get("stages");
        assertTrue(stages.get("finetune_m1").get("reused").asBoolean());
        assertTrue(stages.get("scores_m1").get("reused").asBoolean());
        assertFalse(stages.get("safety").get("reused").asBoolean());
        assertArrayEquals(record, Files.readAllBytes(out.resolve("stages/scores_m1.json")), "reused, not rewritten");
        for (String f : OUTPUTS) {
            assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
    }

    @Test
    void aShardBeforeM1IsTrainedAndAShardOfAWholeStageAreRefused() throws IOException {
        Path out = dir.resolve("no-m1");
        CliRun r = CliRun.of(filter(out, "m0", "--stage", "scores_m1", "--shard", "0/2"));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--stage finetune_m1 once before the shards"), r.err());
        r = CliRun.of(filter(out, "m0", "--stage", "decide", "--shard", "0/2"));
        assertTrue(r.err().contains("stage decide cannot run on a shard"), r.err());
        r = CliRun.of(filter(out, "m0", "--stage", "scores_m1", "--shard", "3/3"));
        assertTrue(r.err().contains("shard index must be 0 to 2"), r.err());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().startsWith(".forgetfilter")) {
                    Files.copy(p, t);
                }
            }
        }
    }
}
