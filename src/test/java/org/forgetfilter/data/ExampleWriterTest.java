package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleWriterTest {
    @TempDir
    Path dir;

    @Test
    void canonicalRoundTripKeepsFieldOrderAndExtras() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, "[\n  {\"instruction\": \"Add.\", \"input\": \"1+1\", \"output\": \"2\", \"label\": \"task\","
                + " \"note\": {\"k\": [1, 2]}}\n]\n");
        Path out = dir.resolve("out.jsonl");
        ExampleWriter.writeAll(out, ExampleReader.readAll(in, null, false));
        String expectedId = Example.contentId("Add.\n1+1", "2");
        assertEquals("{\"id\":\"" + expectedId + "\",\"prompt\":\"Add.\\n1+1\",\"response\":\"2\",\"label\":\"task\","
                + "\"instruction\":\"Add.\",\"input\":\"1+1\",\"note\":{\"k\":[1,2]}}\n", Files.readString(out));
        Example back = ExampleReader.readAll(out, null, false).get(0);
        assertEquals(expectedId, back.id());
        assertEquals("Add.\n1+1", back.prompt());
        assertEquals("task", back.label());
    }

    @Test
    void rawRecordsAreWrittenAsTheyCameOnOneLine() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, "[{\"text\" : \"a  b\",\n    \"z\":1},\n {\"text\":\"c\"}]");
        List<Example> all = ExampleReader.readAll(in, null, false);
        Path out = dir.resolve("raw.jsonl");
        ExampleWriter.writeRawAll(out, all.stream().map(Example::raw).toList());
        assertEquals("{\"text\" : \"a  b\",\"z\":1}\n{\"text\":\"c\"}\n", Files.readString(out));
    }

    @Test
    void uncommittedWriterLeavesNothing() throws IOException {
        Path out = dir.resolve("never.jsonl");
        try (ExampleWriter w = ExampleWriter.create(out)) {
            w.write(new Example("1", "p", "r", null, null, null, null));
        }
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
