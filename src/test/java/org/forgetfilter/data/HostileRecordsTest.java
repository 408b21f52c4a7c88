package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records built to break the reader: each must fail with file and line, never with a Java exception. */
class HostileRecordsTest {
    private static final String OK = "{\"prompt\":\"p\",\"response\":\"r\"}";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private DataFormatException strictFailure(Path file) {
        return assertThrows(DataFormatException.class, () -> ExampleReader.readAll(file, null, false));
    }

    @Test
    void fiftyMegabyteLineFailsWithFileAndLine() throws IOException {
        Path f = write("big.jsonl", OK + "\n{\"prompt\":\"" + "a".repeat(50 << 20) + "\",\"response\":\"r\"}\n" + OK + "\n");
        DataFormatException e = strictFailure(f);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(f + ":2: record too large"), e.getMessage());
        try (ExampleReader r = ExampleReader.open(f, null, true)) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertEquals(2, n, "the records around the big one are read");
            assertEquals(1, r.invalid().count());
        }
    }

    @Test
    void deepNestingFailsWithFileAndLineInJsonLinesAndInAnArray() throws IOException {
        String deep = "{\"prompt\":\"p\",\"response\":\"r\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        DataFormatException lines = strictFailure(write("deep.jsonl", OK + "\n" + deep + "\n"));
        assertEquals(2, lines.line());
        assertTrue(lines.getMessage().contains("too deeply nested"), lines.getMessage());
        DataFormatException array = strictFailure(write("deep.json", "[" + OK + ",\n" + deep + "]"));
        assertEquals(2, array.line());
        assertTrue(array.getMessage().contains("deep.json:2: record too large or too deeply nested"), array.getMessage());
    }

    @Test
    void lineBeyondTheLengthLimitIsReportedWithoutBeingKept() throws IOException {
        Path f = dir.resolve("huge.jsonl");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write((OK + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i <= JsonLinesSource.MAX_LINE_BYTES >> 20; i++) {
                out.write(chunk);
            }
            out.write(("\n" + OK + "\n").getBytes(StandardCharsets.UTF_8));
        }
        DataFormatException e = strictFailure(f);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("line is longer than 64 MiB"), e.getMessage());
        assertEquals(2, ExampleReader.readAll(f, null, true).size());
    }

    @Test
    void loneSurrogateEscapeIsRejectedWithFileLineAndField() throws IOException {
        Path f = write("s.jsonl", OK + "\n{\"prompt\":\"a\\ud800b\",\"response\":\"r\"}\n");
        DataFormatException e = strictFailure(f);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("field 'prompt' holds a lone UTF-16 surrogate \\ud800"), e.getMessage());
        DataFormatException chat = strictFailure(write("c.json", "[{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"x\\udc00\"}]}]"));
        assertTrue(chat.getMessage().contains("messages[1].content"), chat.getMessage());
    }

    @Test
    void surrogatePairEscapeIsReadIntact() throws IOException {
        Path f = write("pair.jsonl", "{\"prompt\":\"smile \\ud83d\\ude00\",\"response\":\"r\"}\n");
        assertEquals("smile \uD83D\uDE00", ExampleReader.readAll(f, null, false).get(0).prompt());
    }

    @Test
    void recordWithEmptyPromptAndResponseIsRejected() throws IOException {
        DataFormatException e = strictFailure(write("e.jsonl", OK + "\n{\"prompt\":\"\",\"response\":\"\"}\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("empty prompt and empty response"), e.getMessage());
        assertEquals(1, strictFailure(write("t.jsonl", "{\"text\":\"\"}\n")).line());
        List<Example> onlyResponse = ExampleReader.readAll(write("r.jsonl", "{\"prompt\":\"\",\"response\":\"r\"}\n"),
                null, false);
        assertEquals(1, onlyResponse.size(), "an empty prompt alone is plain text, which is fine");
    }
}
