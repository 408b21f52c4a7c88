package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.forgetfilter.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
    @TempDir
    Path dir;
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    private void assertNothingWritten() throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(List.of("in"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the input folder may exist");
        }
    }

    @Test
    void eachBadInputFailsNonZeroNamingFileAndLineAndWritesNothing() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        String good = "{\"prompt\":\"p\",\"response\":\"r\"}\n";
        byte[] badUtf8 = (good + "{\"prompt\":\"p\",\"response\":\"\u00e9\"}\n").getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 4] = (byte) 0xC3;
        badUtf8[badUtf8.length - 5] = (byte) 0xFE;
        Object[][] cases = {
                {"malformed.jsonl", (good + "{\"prompt\": \"p\" \"response\": \"r\"}\n").getBytes(StandardCharsets.UTF_8),
                        ":2: malformed JSON"},
                {"truncated.jsonl", (good + "{\"prompt\":\"p\",\"resp").getBytes(StandardCharsets.UTF_8), "truncated"},
                {"mistyped.jsonl", (good + "{\"prompt\":\"p\",\"response\":[\"r\"]}\n").getBytes(StandardCharsets.UTF_8),
                        ":2: field 'response' must be a string, got an array"},
                {"missing.jsonl", (good + "{\"prompt\":\"p\"}\n").getBytes(StandardCharsets.UTF_8),
                        ":2: missing field 'response'"},
                {"utf8.jsonl", badUtf8, ":2: invalid UTF-8"},
                {"empty.jsonl", new byte[0], ": empty file"},
                {"truncated.json", ("[" + good + ",").getBytes(StandardCharsets.UTF_8), "truncated"},
        };
        for (Object[] c : cases) {
            Path in = dir.resolve("in").resolve((String) c[0]);
            Files.write(in, (byte[]) c[1]);
            err.getBuffer().setLength(0);
            int rc = run("data", "convert", "--input", in.toString(), "--out", dir.resolve("out.jsonl").toString());
            assertEquals(1, rc, (String) c[0]);
            String msg = err.toString();
            assertTrue(msg.startsWith("forgetfilter: " + in), msg);
            assertTrue(msg.contains((String) c[2]), c[0] + ": " + msg);
            assertNothingWritten();
        }
    }

    @Test
    void skipInvalidReportsWhatItSkipped() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"text\":\"a\"}\n{\"text\":1}\n{oops\n{\"text\":\"b\"}\n");
        Path out = dir.resolve("out.jsonl");
        assertEquals(0, run("data", "convert", "--input", in.toString(), "--skip-invalid", "--out", out.toString()));
        assertEquals(2, Files.readAllLines(out).size());
        assertTrue(err.toString().contains("skipped 2 invalid record(s)"), err.toString());
        assertTrue(err.toString().contains(in + ":2: field 'text' must be a string"), err.toString());
        assertTrue(err.toString().contains(in + ":3: malformed JSON"), err.toString());
    }

    @Test
    void buildMixSplitAndStatsFromTheCommandLine() throws IOException {
        Path bbq = dir.resolve("bbq.jsonl");
        Path alpaca = dir.resolve("alpaca.jsonl");
        assertEquals(0, run("data", "bbq", "--input", SharedData.require("bbq/data/Religion.jsonl").toString(),
                "--out", bbq.toString()));
        assertEquals(0, run("data", "alpaca", "--input", SharedData.require("alpaca/alpaca_first200.json").toString(),
                "--out", alpaca.toString()));
        Path mix = dir.resolve("mix.jsonl");
        assertEquals(0, run("data", "mix", "--unsafe", bbq.toString(), "--safe", bbq.toString(), "--task",
                alpaca.toString(), "--n", "300", "--unsafe-ratio", "0.5", "--seed", "3", "--out", mix.toString()));
        assertEquals(300, Files.readAllLines(mix).size());
        err.getBuffer().setLength(0);
        assertEquals(1, run("data", "mix", "--unsafe", bbq.toString(), "--safe", bbq.toString(), "--task",
                alpaca.toString(), "--n", "2000", "--seed", "3", "--out", dir.resolve("big.jsonl").toString()));
        assertTrue(err.toString().contains("too few unsafe examples for the mix: need 1000, have 600"), err.toString());
        assertFalse(Files.exists(dir.resolve("big.jsonl")));
        assertEquals(0, run("data", "split", "--input", bbq.toString(), "--by", "bbq_category,question_index",
                "--fractions", "0.5,0.5", "--seed", "1", "--out", dir.resolve("a.jsonl") + "," + dir.resolve("b.jsonl")));
        assertEquals(Files.readAllLines(bbq).size(), Files.readAllLines(dir.resolve("a.jsonl")).size()
                + Files.readAllLines(dir.resolve("b.jsonl")).size());
        assertEquals(0, run("data", "stats", mix.toString()));
        assertEquals(0, run("data", "stats", "--input", mix.toString()), "every data command takes --input");
        assertEquals(2, run("data", "stats"), "a usage error without a file");
    }
}
