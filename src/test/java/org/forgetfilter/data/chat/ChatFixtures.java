package org.forgetfilter.data.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.io.Json;

/** The chat-template fixtures (src/test/resources/org/forgetfilter/data/chat, see its README.md). */
public final class ChatFixtures {
    private ChatFixtures() {
    }

    public static Path dir() throws URISyntaxException {
        return Path.of(ChatFixtures.class.getResource("/org/forgetfilter/data/chat/conversations.json").toURI())
                .getParent();
    }

    /** The conversations as one chat-format JSONL file, in fixture order. */
    public static Map<String, Example> conversations(Path dir) throws IOException, URISyntaxException {
        StringBuilder jsonl = new StringBuilder();
        for (JsonNode c : Json.MAPPER.readTree(dir().resolve("conversations.json").toFile())) {
            ObjectNode rec = Json.MAPPER.createObjectNode();
            rec.put("id", c.get("name").asText());
            rec.set("messages", c.get("messages"));
            jsonl.append(Json.MAPPER.writeValueAsString(rec)).append('\n');
        }
        Path file = dir.resolve("chat.jsonl");
        Files.writeString(file, jsonl);
        Map<String, Example> byId = new LinkedHashMap<>();
        for (Example e : ExampleReader.readAll(file, null, false)) {
            byId.put(e.id(), e);
        }
        return byId;
    }

    public static List<JsonNode> expectedRendered() throws IOException, URISyntaxException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir().resolve("expected-rendered.jsonl"))) {
            rows.add(Json.MAPPER.readTree(line));
        }
        return rows;
    }
}
