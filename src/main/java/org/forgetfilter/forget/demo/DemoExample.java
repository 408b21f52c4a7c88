package org.forgetfilter.forget.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * One example of the demo data in the project's canonical record format.
 *
 * @param label    "unsafe", "safe" or "task"
 * @param category "bias", "toxicity" or "task"
 */
public record DemoExample(String id, String prompt, String response, String label, String category) {
    public static final String UNSAFE = "unsafe";
    public static final String SAFE = "safe";
    public static final String TASK = "task";
    public static final String BIAS = "bias";
    public static final String TOXICITY = "toxicity";

    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("prompt", prompt);
        node.put("response", response);
        node.put("label", label);
        node.put("category", category);
        return node;
    }

    public static DemoExample fromJson(JsonNode node) {
        return new DemoExample(node.path("id").asText(), node.path("prompt").asText(), node.path("response").asText(),
                node.path("label").asText(), node.path("category").asText());
    }

    /** One JSON object per line, written atomically. */
    public static void writeJsonl(Path file, List<DemoExample> examples) throws IOException {
        try (AtomicFile out = AtomicFile.create(file)) {
            BufferedWriter w = out.writer();
            for (DemoExample e : examples) {
                w.write(Json.MAPPER.writeValueAsString(e.toJson()));
                w.write('\n');
            }
            out.commit();
        }
    }

    public static List<DemoExample> readJsonl(Path file) throws IOException {
        List<DemoExample> out = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(fromJson(Json.MAPPER.readTree(line)));
            } catch (IOException e) {
                throw new IOException(file + " line " + lineNumber + ": not a JSON object: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
