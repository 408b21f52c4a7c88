package org.forgetfilter.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.forget.Shard;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scores_m1 of a filter run as a Spark job on 3 shards (local[2]: tasks on Spark's executor threads, not the test's),
 * merged on the driver, then a plain filter to the end: the outputs are the bytes of a plain single-JVM run. The
 * fixture is the tiny model and data of the core's ShardedFilterTest, built here (the core has no test jar).
 */
class SparkFilterTest {
    private static final ModelConfig TINY = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 96, true,
            ByteTokenizer.BOS, ByteTokenizer.EOS);
    private static final List<String> OUTPUTS = List.of("scores.jsonl", "kept.jsonl", "removed.jsonl");

    @TempDir
    static Path dir;
    static JavaSparkContext sc;
    static Path plain;
    static Path spark;
    static String sparkLog;

    /** Random weights with a wide spread, as the core's TinyModels.weights: scores vary visibly by example. */
    private static Map<String, FloatTensor> weights(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : TransformerLm.randomWeights(TINY, seed).entrySet()) {
            float[] d = e.getValue().data().clone();
            boolean normWeight = e.getKey().contains("norm") && e.getKey().endsWith(".weight");
            for (int i = 0; i < d.length; i++) {
                double u = rnd.nextDouble() * 2 - 1;
                d[i] = (float) (normWeight ? 1 + 0.2 * u : 0.4 * u);
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), d));
        }
        return out;
    }

    /** The filter options of both runs, the folder aside. */
    private static List<String> options(Path out) throws IOException {
        Path m0 = dir.resolve("m0");
        if (!Files.exists(m0)) {
            HfModelDirectory.save(new Checkpoint(TINY, weights(1), new ByteTokenizer(), "m0"), m0,
                    SafetensorsDtype.F32, Map.of());
        }
        Path data = dir.resolve("data.jsonl");
        if (!Files.exists(data)) {
            // As ShardedFilterTest: prompts of seeded random letters (1 to 19), so batches pad to different widths.
            SplittableRandom rnd = new SplittableRandom(7);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                StringBuilder prompt = new StringBuilder();
                for (int k = 1 + rnd.nextInt(19); k > 0; k--) {
                    prompt.append((char) ('a' + rnd.nextInt(26)));
                }
                String reply = i % 4 == 0 ? "You fool" + "!".repeat(i % 7) : "Room " + (i * 7) + " on floor " + (i % 5);
                lines.add("{\"id\": \"d" + i + "\", \"prompt\": \"" + prompt + "\", \"response\": \"" + reply + "\"}");
            }
            Files.write(data, lines);
        }
        Path safe = dir.resolve("safe.jsonl");
        if (!Files.exists(safe)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                lines.add("{\"id\": \"s" + i + "\", \"prompt\": \"Who did it " + i + "?\", \"response\": \"Not enough "
                        + "information.\"}");
            }
            Files.write(safe, lines);
        }
        return List.of("--model", m0.toString(), "--data", data.toString(), "--safe", safe.toString(), "--out",
                out.toString(), "--template", "plain", "--m1-epochs", "1", "--m1-lr", "3e-3", "--safety-steps", "3",
                "--score-at", "1,2", "--batch-size", "4", "--score", "both", "--score-batch", "8", "--max-new-tokens",
                "6", "--threshold", "fraction:0.25", "--no-retrain");
    }

    private static String filter(List<String> options) {
        List<String> a = new ArrayList<>(List.of("filter"));
        a.addAll(options);
        return SparkFilter.cli(a);
    }

    @BeforeAll
    static void runs() throws IOException {
        plain = dir.resolve("plain");
        filter(options(plain));

        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkFilterTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        spark = dir.resolve("spark");
        sparkLog = SparkFilter.run(sc, 3, "scores_m1", options(spark));
        filter(options(spark));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void threeSparkShardsPlusMergeThenAPlainRunWriteTheBytesOfAPlainRun() throws IOException {
        assertTrue(sparkLog.contains("merged stage scores_m1: 3 shards, 40 examples"), sparkLog);
        for (String f : OUTPUTS) {
            assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(spark.resolve(f)), f);
        }
        assertEquals(10, Files.readAllLines(plain.resolve("removed.jsonl")).size());
        // Each task wrote its shard, disjoint by id, together all 40 examples.
        int total = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode shard = Json.MAPPER.readTree(spark.resolve("stages/scores_m1/shard-" + i + "-of-3.json")
                    .toFile());
            assertEquals(i, shard.get("shard").asInt());
            for (JsonNode id : shard.get("ids")) {
                assertTrue(new Shard(i, 3).holds(id.asText()), id.asText());
            }
            total += shard.get("ids").size();
        }
        assertEquals(40, total);
        assertEquals(Json.MAPPER.readTree(plain.resolve("stages/scores_m1.json").toFile()).get("key"),
                Json.MAPPER.readTree(spark.resolve("stages/scores_m1.json").toFile()).get("key"));
        // The plain run after the job reused M1 and the merged scores, and computed the later stages itself.
        JsonNode stages = Json.MAPPER.readTree(spark.resolve("timings.json").toFile()).get("stages");
        assertTrue(stages.get("finetune_m1").get("reused").asBoolean(), stages.toString());
        assertTrue(stages.get("scores_m1").get("reused").asBoolean(), stages.toString());
        assertFalse(stages.get("safety").get("reused").asBoolean(), stages.toString());
    }

    @Test
    void everyPerExampleStageOnTwoShardsThenAPlainRunWriteTheBytesOfAPlainRun() throws IOException {
        Path out = dir.resolve("spark-safety");
        SparkFilter.Job job = SparkFilter.Job.parse(args("--shards", "2", options(out)));
        assertEquals(new SparkFilter.Job(2, "safety", options(out)), job, "--stage defaults to safety: all of them");
        String log = SparkFilter.run(sc, job.shards(), job.stage(), job.filterOptions());
        for (String stage : List.of("scores_m1", "proximity", "safety")) {
            assertTrue(log.contains("merged stage " + stage + ": 2 shards, 40 examples"), log);
        }
        filter(options(out));
        for (String f : OUTPUTS) {
            assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        JsonNode stages = Json.MAPPER.readTree(out.resolve("timings.json").toFile()).get("stages");
        for (String s : List.of("finetune_m1", "scores_m1", "proximity", "safety")) {
            assertTrue(stages.get(s).get("reused").asBoolean(), s + " reused: " + stages);
        }
    }

    @Test
    void theCommandLineNeedsShardsFirstAndTheFilterOptionsNeedOut() throws IOException {
        assertEquals(new SparkFilter.Job(4, "proximity", List.of("--out", "/x")),
                SparkFilter.Job.parse("--stage", "proximity", "--shards", "4", "--out", "/x"));
        assertThrows(IllegalArgumentException.class, () -> SparkFilter.Job.parse("--out", "/x", "--shards", "4"));
        assertThrows(IllegalArgumentException.class, () -> SparkFilter.Job.parse("--shards", "four", "--out", "/x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkFilter.run(sc, 2, "safety", List.of("--model", "m")));
        assertTrue(e.getMessage().contains("need --out DIR"), e.getMessage());
        assertEquals("/y", SparkFilter.outOption(List.of("--data", "d", "--out=/y")));
    }

    private static String[] args(String a, String b, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(a, b));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    @Test
    void aWholeRunStageOrAStageInTheOptionsIsRefusedBeforeAnyTask() throws IOException {
        Path out = dir.resolve("refused");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkFilter.run(sc, 2, "decide", options(out)));
        assertTrue(e.getMessage().contains("the per-example stages are scores_m1, proximity, safety"),
                e.getMessage());
        List<String> withStage = new ArrayList<>(options(out));
        withStage.addAll(List.of("--shard", "0/2"));
        e = assertThrows(IllegalArgumentException.class, () -> SparkFilter.run(sc, 2, "safety", withStage));
        assertTrue(e.getMessage().contains("sets --stage and --shard itself"), e.getMessage());
        assertFalse(Files.exists(out), "nothing ran");
    }
}
