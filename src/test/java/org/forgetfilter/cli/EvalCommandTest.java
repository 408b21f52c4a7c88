package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {
    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void crowsPairsOnStories260KWritesJson(@TempDir Path dir) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        Path crows = SharedData.require("crows-pairs/crows_pairs_anonymized.csv");
        Path out = dir.resolve("crows.json");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "eval", "--model", model.toString(), "--suite", "crows", "--data", crows.toString(),
                "--limit", "10", "--out", out.toString()), err.toString());
        JsonNode r = Json.MAPPER.readTree(out.toFile());
        assertEquals(10, r.get("items").asInt());
        double p = r.at("/metrics/crows.stereotype_preference").asDouble();
        // 10 pairs: a percentage in steps of 10.
        assertTrue(p >= 0 && p <= 100 && Math.abs(p / 10 - Math.round(p / 10)) < 1e-9, "preference " + p);
    }

    @Test
    void unknownSuiteAndMissingDataFailWithAMessage(@TempDir Path dir) {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "eval", "--model", model.toString(), "--suite", "crows", "--data",
                dir.resolve("nope.csv").toString()));
        assertTrue(err.toString().contains("nope.csv"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(1, run(err2, "eval", "--model", model.toString(), "--suite", "magic", "--data", dir.toString()));
        assertTrue(err2.toString().contains("unknown suite 'magic'"), err2.toString());
    }
}
