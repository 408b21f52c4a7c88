package org.forgetfilter.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.data.Example;
import org.forgetfilter.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Harmful requests to measure refusals on: AdvBench's {@code harmful_behaviors.csv} as shipped in
 * finetuning-safety (one request per line, no header; a line in double quotes is unquoted), or a safety-tuned-llamas
 * evaluation file ({@code {"instructions": [...], "inputs": [...]}}, input appended after a line break when
 * non-empty). Each request becomes an example with an empty response.
 */
public final class HarmfulRequests {
    private HarmfulRequests() {
    }

    public static List<Example> read(Path file) throws IOException {
        List<Example> out = new ArrayList<>();
        String stem = file.getFileName().toString().replaceFirst("\\.[a-z]+$", "");
        if (file.toString().endsWith(".json")) {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            JsonNode ins = root.path("instructions");
            if (!ins.isArray()) {
                throw new IOException(file + ": expected an object with an 'instructions' array");
            }
            JsonNode inputs = root.path("inputs");
            for (int i = 0; i < ins.size(); i++) {
                String input = inputs.path(i).asText("");
                String text = ins.get(i).asText() + (input.isBlank() ? "" : "\n" + input);
                out.add(new Example(stem + "-" + (i + 1), text, "", null, Example.HARM, null, null));
            }
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.length() >= 2 && l.startsWith("\"") && l.endsWith("\"")) {
                l = l.substring(1, l.length() - 1).replace("\"\"", "\"");
            }
            if (!l.isEmpty()) {
                out.add(new Example(stem + "-" + (i + 1), l, "", null, Example.HARM, null, null));
            }
        }
        return out;
    }
}
