package org.forgetfilter.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one provenance record: the version comes from the build, inputs are hashed, folders file by file. */
class ProvenanceTest {
    @Test
    void theVersionIsTheProjectVersionOfPomXml() throws Exception {
        Matcher m = Pattern.compile("<artifactId>forgetfilter</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml names the project's version");
        assertEquals(m.group(1), Provenance.buildVersion());
        assertEquals("forgetfilter " + m.group(1), Provenance.toolVersion());
    }

    @Test
    void inputsAreHashedAndAFolderFileByFile(@TempDir Path dir) throws Exception {
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{}\n");
        Path model = Files.createDirectories(dir.resolve("m"));
        Files.writeString(model.resolve("config.json"), "{\"a\": 1}");
        Files.writeString(model.resolve("model.safetensors"), "weights");
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("data", data);
        inputs.put("model", model);
        inputs.put("tokenizer", null);
        JsonNode j = Provenance.of(List.of("forgetfilter", "filter"), inputs, Json.MAPPER.createObjectNode()
                .put("seed", 7), 7L).toJson();
        assertEquals(Sha256.ofFile(data), j.at("/inputs/data/sha256").asText());
        assertEquals(Sha256.ofText("{\"a\": 1}"), j.at("/inputs/model~1config.json/sha256").asText());
        assertEquals(Sha256.ofText("weights"), j.at("/inputs/model~1model.safetensors/sha256").asText());
        assertTrue(j.get("inputs").size() == 3, "a missing input is skipped: " + j.get("inputs"));
        assertEquals(7, j.get("seed").asInt());
        assertEquals(List.of("forgetfilter", "filter"), Json.MAPPER.convertValue(j.get("command_line"), List.class));
        assertTrue(j.get("threads").asInt() >= 1 && !j.get("libtorch").asText().isEmpty());
        assertTrue(!j.toString().contains("time") && !j.toString().contains("_at\""), "no clock in the record");
    }
}
