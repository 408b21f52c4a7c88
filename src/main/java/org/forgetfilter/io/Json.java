package org.forgetfilter.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The project's one JSON configuration: strict on input, stable key order on output. */
public final class Json {
    /** Shared, thread-safe mapper. Fails on duplicate keys and trailing tokens. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    /**
     * The object at the top of a settings file: YAML when its name ends in .yaml or .yml, else JSON. Errors name the
     * file and say what it should hold ({@code what}, e.g. "experiment config").
     */
    public static ObjectNode readObjectFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found");
        }
        String name = file.getFileName().toString();
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode tree;
        try {
            tree = (yaml ? new ObjectMapper(new YAMLFactory()) : MAPPER).readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid " + (yaml ? "YAML" : "JSON") + " (" + what + "): "
                    + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new IOException(file + ": expected an object at the top level (" + what + ")");
        }
        return obj;
    }
}
