package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** filter's trust checks on the command line: warnings printed as blocks, the result on stdout, --strict exits 3. */
class FilterCommandTrustTest {
    private static final ModelConfig TINY = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 96, true,
            ByteTokenizer.BOS, ByteTokenizer.EOS);

    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path m = dir.resolve("m0");
        HfModelDirectory.save(new Checkpoint(TINY, TransformerLm.randomWeights(TINY, 1), new ByteTokenizer(), "tiny"),
                m, SafetensorsDtype.F32, Map.of());
        return m;
    }

    private Path records(String name, int n, String reply) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"id\": \"" + name + i + "\", \"prompt\": \"Where is item " + i + "?\", \"response\": \""
                    + reply + i + "\"}");
        }
        return Files.write(dir.resolve(name + ".jsonl"), lines);
    }

    private String[] args(Path out, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("filter", "--model", model().toString(), "--data",
                records("d", 12, "Room ").toString(), "--safe", records("s", 6, "Not enough information ").toString(),
                "--out", out.toString(), "--template", "plain", "--epochs", "1", "--m1-epochs", "1", "--m1-lr", "1e-7",
                "--safety-steps", "2", "--batch-size", "4"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void strictStopsBeforeTheRetrainWhenM1LearnedNothing() throws Exception {
        Path out = dir.resolve("run");
        CliRun r = CliRun.of(args(out, "--strict"));
        assertEquals(FilterCommand.UNTRUSTED_EXIT, r.exitCode(), r.err());
        assertTrue(r.err().contains("WARNING m1_not_learned"), r.err());
        assertTrue(r.out().contains("m1_not_learned") && r.out().contains("removed ")
                && r.out().contains("threshold "), "the result and the warnings on stdout: " + r.out());
        assertTrue(r.out().contains("--strict: stopped before the retrain"), r.out());
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals("m1_not_learned", summary.get("warnings").get(0).get("code").asText());
        assertTrue(Files.exists(out.resolve("scores.jsonl")) && Files.exists(out.resolve("kept.jsonl")));
        assertFalse(Files.exists(out.resolve("model")), "the retrain did not run");
    }

    @Test
    void withoutStrictTheSameRunWarnsDeliversAndSaysSoOnStdout() throws Exception {
        Path out = dir.resolve("run");
        CliRun r = CliRun.ok(args(out));
        assertTrue(r.err().contains("WARNING m1_not_learned"), r.err());
        assertTrue(r.out().contains("do not trust this decision"), r.out());
        assertTrue(Files.isDirectory(out.resolve("model")));

        // The start-up summary, and each training stage's per-step log under its stage folder.
        for (String part : new String[] {"forgetfilter: model " + dir.resolve("m0"), "llama", "parameters",
                "12 examples (format canonical)", "6 examples (format canonical)", "template plain", "max length 96",
                "libtorch threads", "seed 42"}) {
            assertTrue(r.err().contains(part), "'" + part + "' in: " + r.err());
        }
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        int kept = summary.get("n_kept").asInt();
        // 12 examples in batches of 4 for one epoch; 2 safety steps; the kept examples in batches of 4.
        Map<String, Integer> steps = Map.of("finetune_m1", 3, "safety", 2, "retrain", (kept + 3) / 4);
        steps.forEach((stage, n) -> {
            try {
                List<String> log = Files.readAllLines(out.resolve("stages").resolve(stage).resolve("training_log.jsonl"));
                assertEquals(n, log.size(), stage);
                JsonNode last = Json.MAPPER.readTree(log.get(n - 1));
                assertEquals(n, last.get("step").asInt());
                for (String f : new String[] {"epoch", "loss", "lr", "grad_norm", "tokens", "seconds"}) {
                    assertTrue(last.has(f), stage + " " + f);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // A rerun says which stages it reused.
        CliRun again = CliRun.ok(args(out));
        assertTrue(again.err().contains("resumed: reused the stages finetune_m1, scores_m1, proximity, safety, retrain"),
                again.err());
    }

    @Test
    void twoFreshRunsOfTheSameCommandWriteByteIdenticalRecordsWithTheirProvenance() throws Exception {
        Path out = dir.resolve("run");
        String[] a = args(out, "--fresh");
        CliRun.ok(a);
        Map<String, byte[]> first = new java.util.HashMap<>();
        for (String f : new String[] {"scores.jsonl", "kept.jsonl", "removed.jsonl", "summary.json"}) {
            first.put(f, Files.readAllBytes(out.resolve(f)));
        }
        String firstTimings = Files.readString(out.resolve("timings.json"));
        CliRun.ok(a);
        first.forEach((f, bytes) -> {
            try {
                org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, Files.readAllBytes(out.resolve(f)), f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertFalse(firstTimings.equals(Files.readString(out.resolve("timings.json"))));
        JsonNode prov = Json.MAPPER.readTree(out.resolve("summary.json").toFile()).get("provenance");
        List<String> expected = new ArrayList<>(List.of("forgetfilter"));
        expected.addAll(List.of(a));
        assertEquals(expected, Json.MAPPER.convertValue(prov.get("command_line"), List.class), "the exact command line");
        assertEquals(org.forgetfilter.io.Sha256.ofFile(dir.resolve("m0").resolve("config.json")),
                prov.at("/inputs/model~1config.json/sha256").asText(), prov.get("inputs").toString());
        assertEquals(org.forgetfilter.io.Sha256.ofFile(dir.resolve("d.jsonl")), prov.at("/inputs/data/sha256").asText());
        assertEquals(1e-7, prov.at("/config/m1-lr").asDouble(), 1e-15, "the resolved settings, readable by --config");
        JsonNode delivered = Json.MAPPER.readTree(out.resolve("model").resolve("forgetfilter.json").toFile());
        assertEquals(prov.get("inputs"), delivered.at("/provenance/inputs"), "the model folder names the same inputs");
    }
}
