package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void canonicalKeepsIdLabelCategoryAndExtraFields() throws IOException {
        String line = "{\"id\":\"a1\",\"prompt\":\"Hi\",\"response\":\"Hello\",\"label\":\"safe\","
                + "\"category\":\"qa\",\"source\":\"x\",\"n\":3}";
        Path f = write("c.jsonl", line + "\n");
        try (ExampleReader r = ExampleReader.open(f)) {
            Example e = r.next();
            assertEquals(Format.CANONICAL, r.format());
            assertEquals("a1", e.id());
            assertEquals("Hi", e.prompt());
            assertEquals("Hello", e.response());
            assertEquals("safe", e.label());
            assertEquals("qa", e.category());
            assertEquals("{\"source\":\"x\",\"n\":3}", e.extra().toString());
            assertEquals(line, e.raw());
            assertEquals(1, e.line());
            assertNull(r.next());
        }
    }

    @Test
    void alpacaJoinsInstructionAndInputAndKeepsThemForTheTemplate() throws IOException {
        Path f = write("a.json", "[{\"instruction\":\"Add.\",\"input\":\"1+1\",\"output\":\"2\"},\n"
                + " {\"instruction\":\"Say hi.\",\"input\":\"\",\"output\":\"hi\"}]");
        List<Example> all = ExampleReader.readAll(f, null, false);
        assertEquals("Add.\n1+1", all.get(0).prompt());
        assertEquals("2", all.get(0).response());
        assertEquals("1+1", all.get(0).extraText("input"));
        assertEquals("Say hi.", all.get(1).prompt());
        assertFalse(all.get(1).extra().has("output"));
        assertEquals(2, all.get(1).line());
        assertEquals("{\"instruction\":\"Say hi.\",\"input\":\"\",\"output\":\"hi\"}", all.get(1).raw());
    }

    @Test
    void chatTakesLastAssistantTurnAsResponse() throws IOException {
        Path f = write("chat.jsonl",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be nice.\"},{\"role\":\"user\",\"content\":\"Q?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A.\"}]}\n"
                        + "{\"messages\":[{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"1\"},"
                        + "{\"role\":\"user\",\"content\":\"two\"},{\"role\":\"assistant\",\"content\":\"2\"}]}\n");
        List<Example> all = ExampleReader.readAll(f, null, false);
        assertEquals("Be nice.\n\nQ?", all.get(0).prompt());
        assertEquals("A.", all.get(0).response());
        assertEquals("User: one\n\nAssistant: 1\n\nUser: two", all.get(1).prompt());
        assertEquals("2", all.get(1).response());
    }

    @Test
    void promptCompletionAndTextFormats() throws IOException {
        Path pc = write("pc.jsonl", "{\"prompt\":\"2+2=\",\"completion\":\" 4\"}\n");
        Example e = ExampleReader.readAll(pc, null, false).get(0);
        assertEquals("2+2=", e.prompt());
        assertEquals(" 4", e.response());
        Path text = write("t.jsonl", "{\"text\":\"Once upon a time\",\"score\":0.5}\n");
        Example t = ExampleReader.readAll(text, null, false).get(0);
        assertEquals("", t.prompt());
        assertEquals("Once upon a time", t.response());
        assertEquals(0.5, t.extra().get("score").asDouble());
    }

    @Test
    void missingIdsAreContentHashesStableAcrossReads() throws IOException {
        Path f = write("t.jsonl", "{\"text\":\"x\"}\n{\"text\":\"y\"}\n");
        List<Example> first = ExampleReader.readAll(f, null, false);
        List<Example> second = ExampleReader.readAll(f, null, false);
        assertEquals(first.get(0).id(), second.get(0).id());
        assertEquals(Example.contentId("", "x"), first.get(0).id());
        assertTrue(first.get(0).id().matches("h[0-9a-f]{16}"));
        assertFalse(first.get(0).id().equals(first.get(1).id()));
    }

    @Test
    void formatOverrideWinsOverDetection() throws IOException {
        Path f = write("c.jsonl", "{\"prompt\":\"p\",\"response\":\"r\",\"text\":\"whole\"}\n");
        Example e = ExampleReader.readAll(f, Format.TEXT, false).get(0);
        assertEquals("whole", e.response());
        assertEquals("p", e.extraText("prompt"));
    }

    @Test
    void readsGzipAndCrlfAndByteOrderMark() throws IOException {
        Path f = dir.resolve("x.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            out.write("{\"text\":\"a\"}\r\n\r\n{\"text\":\"b\"}".getBytes(StandardCharsets.UTF_8));
        }
        List<Example> all = ExampleReader.readAll(f, null, false);
        assertEquals(2, all.size());
        assertEquals("{\"text\":\"a\"}", all.get(0).raw());
        assertEquals(3, all.get(1).line());
    }

    private String error(Path f) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> ExampleReader.readAll(f, null, false));
        return e.getMessage();
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path f = write("m.jsonl", "{\"text\":\"a\"}\n{\"text\": oops}\n");
        String msg = error(f);
        assertTrue(msg.startsWith(f + ":2: malformed JSON"), msg);
        assertTrue(msg.contains("expected one JSON object per line"), msg);
    }

    @Test
    void truncatedLastLineIsReportedAsSuch() throws IOException {
        Path f = write("t.jsonl", "{\"text\":\"a\"}\n{\"text\":\"b");
        String msg = error(f);
        assertTrue(msg.startsWith(f + ":2: malformed JSON"), msg);
        assertTrue(msg.contains("truncated"), msg);
    }

    @Test
    void missingFieldInDetectedFormat() throws IOException {
        Path f = write("c.jsonl", "{\"prompt\":\"p\",\"response\":\"r\"}\n{\"prompt\":\"p2\",\"completion\":\"r\"}\n");
        String msg = error(f);
        assertEquals(f + ":2: missing field 'response' (format canonical needs prompt, response) "
                + "(format canonical, detected from line 1)", msg);
    }

    @Test
    void wrongTypes() throws IOException {
        assertTrue(error(write("a.jsonl", "{\"prompt\":\"p\",\"response\":42}\n"))
                .endsWith(":1: field 'response' must be a string, got a number (format canonical, detected from line 1)"));
        assertTrue(error(write("b.jsonl", "\"str\"\n")).endsWith(":1: expected a JSON object, got a string"));
        assertTrue(error(write("b.json", "[1,2]\n")).endsWith(":1: expected a JSON object, got a number"));
        assertTrue(error(write("c.jsonl", "{\"text\":\"t\",\"label\":\"bad\"}\n"))
                .contains(":1: field 'label' must be one of"));
        assertTrue(error(write("d.jsonl", "{\"text\":\"t\",\"id\":[1]}\n"))
                .contains(":1: field 'id' must be a string or an integer, got an array"));
        assertTrue(error(write("e.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}\n"))
                .contains(":1: field 'messages' has no assistant turn"));
        assertTrue(error(write("f.jsonl", "{\"foo\":1}\n")).contains(":1: cannot tell the format from fields [foo]"));
    }

    @Test
    void invalidUtf8NamesTheLineAndByte() throws IOException {
        Path f = dir.resolve("u.jsonl");
        byte[] good = "{\"text\":\"ok\"}\n{\"text\":\"b".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 4];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = (byte) 0xFF;
        bytes[good.length + 1] = '"';
        bytes[good.length + 2] = '}';
        bytes[good.length + 3] = '\n';
        Files.write(f, bytes);
        String msg = error(f);
        assertEquals(f + ":2: invalid UTF-8 (byte 0xFF at byte 11 of the line); expected UTF-8 text", msg);
    }

    @Test
    void invalidUtf8InJsonArrayIsFatal() throws IOException {
        Path f = dir.resolve("u.json");
        byte[] head = "[{\"text\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 4];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC3;
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '}';
        bytes[head.length + 3] = ']';
        Files.write(f, bytes);
        String msg = error(f);
        assertTrue(msg.startsWith(f + ":1: invalid UTF-8"), msg);
    }

    @Test
    void emptyFilesAndArraysAreErrors() throws IOException {
        assertTrue(error(write("e.jsonl", "")).endsWith(": empty file; expected JSON Lines records or a JSON array"));
        assertTrue(error(write("b.jsonl", "\n  \n")).contains("empty file"));
        assertTrue(error(write("a.json", "[ ]")).contains("empty JSON array"));
    }

    @Test
    void truncatedAndMalformedJsonArrays() throws IOException {
        String truncated = error(write("t.json", "[{\"text\":\"a\"},\n{\"text\":\"b\"}"));
        assertTrue(truncated.contains("not closed") || truncated.contains("malformed JSON"), truncated);
        String bad = error(write("m.json", "[{\"text\":\"a\"},\n{\"text\" \"b\"}]"));
        assertTrue(bad.startsWith(dir.resolve("m.json") + ":2: malformed JSON"), bad);
        String trailing = error(write("x.json", "[{\"text\":\"a\"}] junk"));
        assertTrue(trailing.contains("after the closing ']'") || trailing.contains("malformed JSON"), trailing);
    }

    @Test
    void skipInvalidCountsAndReportsReasons() throws IOException {
        Path f = write("s.jsonl", "{\"text\":\"a\"}\nnot json\n{\"text\":5}\n{\"text\":\"b\"}\n");
        try (ExampleReader r = ExampleReader.open(f, null, true)) {
            int n = 0;
            for (Example e : r) {
                n++;
            }
            assertEquals(2, n);
            assertEquals(2, r.invalid().count());
            assertTrue(r.invalid().firstReasons().get(0).startsWith(f + ":2: malformed JSON"));
            assertTrue(r.invalid().firstReasons().get(1).startsWith(f + ":3: field 'text' must be a string"));
            assertTrue(r.invalid().summary(f.toString()).startsWith("skipped 2 invalid record(s)"));
        }
    }

    @Test
    void failedConversionLeavesNoOutputBehind() throws IOException {
        Path in = write("bad.jsonl", "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\n");
        Path out = dir.resolve("out/converted.jsonl");
        assertThrows(DataFormatException.class, () -> CanonicalConverter.convert(in, null, false, out));
        assertFalse(Files.exists(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(0, files.count(), "temporary file left behind");
        }
        CanonicalConverter.Result ok = CanonicalConverter.convert(in, null, true, out);
        assertEquals(2, ok.written());
        assertEquals(1, ok.invalid().count());
        assertTrue(Files.exists(out));
    }
}
