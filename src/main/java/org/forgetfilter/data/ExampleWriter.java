package org.forgetfilter.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * Writes JSON Lines atomically (through {@link AtomicFile}): nothing appears at the target until
 * {@link #commit()}, and closing without commit — e.g. after a read error — leaves no file behind.
 * Canonical records have the fields id, prompt, response, label, category (the last two only when set), then the
 * extra fields in their original order. Memory holds one record at a time.
 */
public final class ExampleWriter implements AutoCloseable {
    private final AtomicFile file;
    private final BufferedWriter out;
    private long written;

    private ExampleWriter(Path target) throws IOException {
        this.file = AtomicFile.create(target);
        this.out = file.writer();
    }

    public static ExampleWriter create(Path target) throws IOException {
        return new ExampleWriter(target);
    }

    /** Appends one example in canonical form. */
    public void write(Example e) throws IOException {
        out.write(toJsonLine(e));
        out.write('\n');
        written++;
    }

    /**
     * Appends one record as it came ({@link Example#raw()}). A JSON-array element that spans several lines is
     * joined onto one line by removing its line breaks and the indentation after them — whitespace between JSON
     * tokens, since strings cannot hold raw line breaks — leaving every other byte unchanged.
     */
    public void writeRaw(String raw) throws IOException {
        out.write(oneLine(raw));
        out.write('\n');
        written++;
    }

    /** Writes the record as it came when its source text is known, else in canonical form. */
    public void writeAsRead(Example e) throws IOException {
        if (e.raw() != null) {
            writeRaw(e.raw());
        } else {
            write(e);
        }
    }

    public long written() {
        return written;
    }

    public Path target() {
        return file.target();
    }

    /** Makes the file visible at its target. */
    public void commit() throws IOException {
        file.commit();
    }

    @Override
    public void close() {
        file.close();
    }

    /** Writes all examples in canonical form and commits. */
    public static long writeAll(Path target, Iterable<Example> examples) throws IOException {
        try (ExampleWriter w = create(target)) {
            for (Example e : examples) {
                w.write(e);
            }
            w.commit();
            return w.written();
        }
    }

    /** Writes records as they came (see {@link #writeRaw}) and commits. */
    public static long writeRawAll(Path target, Iterable<String> rawRecords) throws IOException {
        try (ExampleWriter w = create(target)) {
            for (String raw : rawRecords) {
                w.writeRaw(raw);
            }
            w.commit();
            return w.written();
        }
    }

    /** The canonical JSON object of an example. */
    public static ObjectNode toJson(Example e) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", e.id());
        node.put("prompt", e.prompt());
        node.put("response", e.response());
        if (e.label() != null) {
            node.put("label", e.label());
        }
        if (e.category() != null) {
            node.put("category", e.category());
        }
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = e.extra().fields();
             it.hasNext(); ) {
            var field = it.next();
            if (!node.has(field.getKey())) {
                node.set(field.getKey(), field.getValue());
            }
        }
        return node;
    }

    /** The canonical JSON Lines text of an example, without line terminator. */
    public static String toJsonLine(Example e) {
        try {
            return Json.MAPPER.writeValueAsString(toJson(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a JSON tree always serialises", ex);
        }
    }

    static String oneLine(String raw) {
        if (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        boolean afterBreak = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\n' || c == '\r') {
                afterBreak = true;
            } else if (afterBreak && (c == ' ' || c == '\t')) {
                continue;
            } else {
                afterBreak = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
