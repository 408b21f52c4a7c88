package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment's forgetfilter method is the shipped filter: rerunning one seed with {@code filter --config} from
 * the seed's manifest reproduces the experiment's outputs byte for byte.
 */
class ExperimentFilterAgreementTest {
    @Test
    void filterRerunFromTheManifestRemovesExactlyWhatTheExperimentRemoved(@TempDir Path dir) throws Exception {
        SharedData.require("models/stories260K/stories260K.bin");
        SharedData.require("bbq/data/Age.jsonl");
        SharedData.require("hh-rlhf/harmless-base/test.jsonl.gz");
        Path exp = dir.resolve("exp");
        CliRun.ok("experiment", "--config", "examples/experiment-small.json", "--out", exp.toString(),
                "dataRoot=" + SharedData.root(), "methods=[\"no_safety\",\"forgetfilter\"]", "sweep=[]",
                "interleaved.rounds=0");
        JsonNode prov = Json.MAPPER.readTree(exp.resolve("results.json").toFile()).get("provenance");
        assertEquals("forgetfilter", prov.at("/command_line/0").asText());
        assertEquals("experiment", prov.at("/command_line/1").asText(), "the exact command line: " + prov);
        assertEquals(org.forgetfilter.io.Sha256.ofFile(Path.of("examples/experiment-small.json")),
                prov.at("/inputs/config/sha256").asText());
        Path seed = exp.resolve("runs").resolve("seed-1");
        JsonNode manifest = Json.MAPPER.readTree(seed.resolve("manifest.json").toFile());
        for (String key : new String[] {"noisy", "review", "m0", "filter_config"}) {
            assertTrue(Files.exists(seed.resolve(manifest.get(key).asText())), key + " in the manifest");
        }
        assertTrue(manifest.get("heldout").size() >= 5, "held-out sets listed: " + manifest.get("heldout"));
        manifest.get("heldout").forEach(f -> assertTrue(Files.isRegularFile(seed.resolve(f.asText())), f.asText()));

        Path rerun = dir.resolve("rerun");
        CliRun.ok("filter", "--config", seed.resolve(manifest.get("filter_config").asText()).toString(),
                "--model", seed.resolve(manifest.get("m0").asText()).toString(),
                "--data", seed.resolve(manifest.get("noisy").asText()).toString(),
                "--safe", seed.resolve(manifest.get("review").asText()).toString(),
                "--out", rerun.toString());
        Path ff = seed.resolve("forgetfilter");
        assertTrue(Files.size(ff.resolve("removed.jsonl")) > 0, "the experiment's filter removed something");
        for (String f : new String[] {"removed.jsonl", "kept.jsonl", "scores.jsonl"}) {
            assertArrayEquals(Files.readAllBytes(ff.resolve(f)), Files.readAllBytes(rerun.resolve(f)), f);
        }
        JsonNode a = Json.MAPPER.readTree(ff.resolve("summary.json").toFile());
        JsonNode b = Json.MAPPER.readTree(rerun.resolve("summary.json").toFile());
        assertEquals(a.get("threshold"), b.get("threshold"));
        assertEquals(a.get("f1"), b.get("f1"));

        // eval --experiment evaluates any model exactly as the experiment did: here the delivered model.
        CliRun ev = CliRun.ok("eval", "--experiment", exp.toString(), "--seed", "1",
                "--model", ff.resolve("model").toString());
        JsonNode metrics = Json.MAPPER.readTree(ev.out()).get("metrics");
        JsonNode expected = Json.MAPPER.readTree(exp.resolve("results.json").toFile())
                .at("/methods/forgetfilter/perSeed/1");
        assertTrue(expected.size() > 10, "forgetfilter metrics in results.json: " + expected);
        expected.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("filter.")) {
                assertEquals(e.getValue().asDouble(), metrics.path(e.getKey()).asDouble(Double.NaN), 1e-9, e.getKey());
            }
        });
    }
}
