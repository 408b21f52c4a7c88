package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneCommandTest {
    @TempDir
    Path dir;

    private static String bin() {
        return SharedData.require("models/stories260K/stories260K.bin").toString();
    }

    private Path data() throws Exception {
        Path f = dir.resolve("train.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"id\":\"e1\",\"prompt\":\"What is the cat called?\",\"response\":\"The cat is called Tom.\"}",
                "{\"id\":\"e2\",\"prompt\":\"What is the dog called?\",\"response\":\"The dog is called Max.\"}",
                "{\"id\":\"e3\",\"prompt\":\"Where does Lily play?\",\"response\":\"Lily plays in the park.\"}",
                "{\"id\":\"e4\",\"prompt\":\"What color is the ball?\",\"response\":\"The ball is red.\"}") + "\n");
        return f;
    }

    private static List<JsonNode> lines(Path f) throws Exception {
        return Files.readAllLines(f).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private CliRun finetune(Path data, Path out, String lr, String seed, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("finetune", "--model", bin(), "--data", data.toString(),
                "--out", out.toString(), "--max-steps", "12", "--batch-size", "2", "--lr", lr, "--seed", seed));
        args.addAll(List.of(extra));
        return CliRun.ok(args.toArray(String[]::new));
    }

    @Test
    void fullFinetuneWritesAReloadableModelWhoseLossWentDownWithLogAndProvenance() throws Exception {
        Path data = data();
        Path out = dir.resolve("ft");
        finetune(data, out, "3e-3", "5");
        List<JsonNode> log = lines(out.resolve("training_log.jsonl"));
        assertEquals(12, log.size());
        for (String field : List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens", "seconds")) {
            assertTrue(log.get(0).has(field), "log field " + field);
        }
        assertEquals(12, log.get(11).get("step").asInt());
        assertTrue(log.get(11).get("loss").asDouble() < 0.7 * log.get(0).get("loss").asDouble(),
                "loss " + log.get(0).get("loss") + " -> " + log.get(11).get("loss"));
        JsonNode prov = Json.MAPPER.readTree(out.resolve("forgetfilter.json").toFile()).get("provenance");
        assertEquals(Sha256.ofFile(data), prov.get("data_sha256").asText());
        assertEquals(5, prov.get("seed").asInt());
        assertTrue(prov.get("version").asText().endsWith(" " + org.forgetfilter.io.Provenance.buildVersion()),
                prov.toString());
        assertEquals(12, prov.get("training").get("maxSteps").asInt());

        // Reloadable: the finetuned folder scores its training responses higher than the base model does.
        Path before = dir.resolve("before.jsonl");
        Path after = dir.resolve("after.jsonl");
        CliRun.ok("score", "--model", bin(), "--data", data.toString(), "--out", before.toString());
        CliRun.ok("score", "--model", out.toString(), "--data", data.toString(), "--out", after.toString());
        List<JsonNode> b = lines(before);
        List<JsonNode> a = lines(after);
        for (int i = 0; i < b.size(); i++) {
            assertTrue(a.get(i).get("loglik").asDouble() > b.get(i).get("loglik").asDouble(), "example " + i);
        }
    }

    @Test
    void sameSeedGivesIdenticalWeights() throws Exception {
        Path data = data();
        finetune(data, dir.resolve("a"), "3e-3", "5");
        finetune(data, dir.resolve("b"), "3e-3", "5");
        finetune(data, dir.resolve("c"), "3e-3", "6");
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c/model.safetensors"))),
                "another seed shuffles differently");
    }

    @Test
    void loraFinetuneWritesAPeftAdapterThatGenerateLoads() throws Exception {
        Path data = data();
        Path out = dir.resolve("lora");
        finetune(data, out, "2e-2", "5", "--lora-rank", "4");
        assertTrue(Files.isRegularFile(out.resolve("adapter_config.json")));
        assertFalse(Files.exists(out.resolve("model.safetensors")), "only the adapter is written");
        JsonNode cfg = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("[\"q_proj\",\"v_proj\"]", cfg.get("target_modules").toString());
        assertEquals(16, cfg.get("lora_alpha").asInt(), "the default alpha is filter's (16)");
        List<JsonNode> log = lines(out.resolve("training_log.jsonl"));
        assertTrue(log.get(11).get("loss").asDouble() < log.get(0).get("loss").asDouble());
        CliRun r = CliRun.ok("generate", "--model", bin(), "--adapter", out.toString(), "--prompt", "Once upon a",
                "--max-new-tokens", "5");
        assertFalse(r.out().isBlank());
    }

    @Test
    void epochsAndMaxStepsAreExclusive() throws Exception {
        CliRun r = CliRun.of("finetune", "--model", bin(), "--data", data().toString(), "--out", dir.resolve("x").toString(),
                "--epochs", "1", "--max-steps", "3");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
    }
}
