package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading and writing 1,000,000 records (about 150 MB) runs in a child JVM capped at 48 MB of heap: any reader or
 * writer that held the file in memory would fail with OutOfMemoryError.
 */
class StreamingMemoryTest {
    private static final int RECORDS = 1_000_000;

    @Test
    void convertsAMillionRecordsInBoundedMemory(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("big.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
            for (int i = 0; i < RECORDS; i++) {
                w.write("{\"instruction\":\"Summarise record number " + i + " in one sentence.\",\"input\":\"The "
                        + "quick brown fox jumps over the lazy dog, again and again.\",\"output\":\"Record " + i
                        + " is about a fox.\"}\n");
            }
        }
        Path out = dir.resolve("out.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "org.forgetfilter.cli.Main", "data", "convert",
                "--input", in.toString(), "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "conversion did not finish");
        String log = Files.readString(dir.resolve("log.txt"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("wrote 1000000 examples (format alpaca)"), log);
        long lines = 0;
        String last = null;
        try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                lines++;
                last = line;
            }
        }
        assertEquals(RECORDS, lines);
        List<Example> tail = ExampleReader.readAll(writeOne(dir, last), null, false);
        assertEquals("Record 999999 is about a fox.", tail.get(0).response());
    }

    private static Path writeOne(Path dir, String line) throws IOException {
        Path f = dir.resolve("last.jsonl");
        Files.writeString(f, line + "\n");
        return f;
    }
}
