package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void trainPrintsOneJsonLineWithConsistentRates() throws Exception {
        CliRun r = CliRun.ok("bench", "train", "--preset", "stories260k", "--steps", "3", "--warmup-steps", "1",
                "--batch-size", "2", "--seq-len", "16", "--lora-rank", "2");
        assertEquals(1, r.out().lines().count(), r.out());
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(260032, n.get("params").asLong()); // llama2.c's stories260K has 260,032 parameters
        assertEquals("lora", n.get("mode").asText());
        assertEquals(3L * 2 * 16, n.get("tokens").asLong(), "timed steps x batch x seq-len");
        double tps = n.get("tokens_per_second").asDouble();
        // "seconds" is printed to the millisecond: the rate must agree with it within that rounding.
        double tokens = n.get("tokens").asDouble();
        double secs = n.get("seconds").asDouble();
        assertTrue(tps >= tokens / (secs + 0.0005) - 0.1 && tps <= tokens / Math.max(1e-9, secs - 0.0005) + 0.1,
                tps + " tokens/s vs " + tokens + " tokens in " + secs + " s");
        double fraction = 4.0 * 260032 * tps / 224e9;
        assertEquals(fraction, n.get("flop_fraction").asDouble(), 0.0015);
    }

    @Test
    void scoreAndGenerateOnTheRealCheckpoint() throws Exception {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        JsonNode s = Json.MAPPER.readTree(CliRun.ok("bench", "score", "--model", bin, "--examples", "8",
                "--batch-size", "4", "--prompt-len", "8", "--response-len", "8").out());
        assertEquals(8, s.get("examples").asInt());
        assertTrue(s.get("tokens_per_second").asDouble() > 0);
        JsonNode g = Json.MAPPER.readTree(CliRun.ok("bench", "generate", "--preset", "stories260k", "--examples", "4",
                "--batch-size", "4", "--prompt-len", "4", "--new-tokens", "6").out());
        assertEquals(24, g.get("generated_tokens").asInt(), "a random model without EOS generates every token");
    }

    @Test
    void unknownPresetFails() {
        CliRun r = CliRun.of("bench", "train", "--preset", "gpt5");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("unknown preset 'gpt5'"), r.err());
    }
}
