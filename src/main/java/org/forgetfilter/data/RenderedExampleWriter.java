package org.forgetfilter.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.forgetfilter.data.chat.ChatTemplateException;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * Writes examples as the model sees them, one JSON line each: {@code id}, {@code text} (the whole rendered
 * training string) and {@code prompt_length} (how many characters of {@code text} are prompt, in Unicode code
 * points as Python's {@code len} counts them, so {@code text[:prompt_length]} is the part without loss). The file
 * appears atomically once every example is rendered; an example the template cannot render stops the run with its
 * file and line.
 */
public final class RenderedExampleWriter {
    private RenderedExampleWriter() {
    }

    /** Renders everything {@code reader} yields into {@code out}; returns the number of examples written. */
    public static long write(ExampleReader reader, PromptTemplate template, Path out) throws IOException {
        long n = 0;
        try (AtomicFile file = AtomicFile.create(out)) {
            BufferedWriter w = file.writer();
            for (Example e; (e = reader.next()) != null; ) {
                PromptTemplate.Rendered r;
                try {
                    r = template.render(e);
                } catch (ChatTemplateException | IllegalArgumentException ex) {
                    throw new DataFormatException(reader.file(), e.line(), "example '" + e.id() + "': template "
                            + template.name() + " cannot render it: " + ex.getMessage(), ex);
                }
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("id", e.id());
                line.put("text", r.text());
                line.put("prompt_length", r.prompt().codePointCount(0, r.prompt().length()));
                w.write(Json.MAPPER.writeValueAsString(line));
                w.write('\n');
                n++;
            }
            file.commit();
        }
        return n;
    }
}
