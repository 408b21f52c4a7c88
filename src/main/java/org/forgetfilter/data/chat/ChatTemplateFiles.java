package org.forgetfilter.data.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forgetfilter.io.Json;

/**
 * Finds a model's chat template where transformers (5.x) looks for it in a model folder: {@code chat_template.jinja}
 * (the default template) and {@code additional_chat_templates/NAME.jinja}, else the {@code chat_template} field
 * of {@code tokenizer_config.json}, a string or a list of {@code {"name", "template"}}. Without a name the
 * template called {@code default} is used. The special tokens come from tokenizer_config.json, then
 * special_tokens_map.json, as strings or {@code {"content": ...}} objects.
 */
public final class ChatTemplateFiles {
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String TEMPLATE_FILE = "chat_template.jinja";
    public static final String TEMPLATE_DIR = "additional_chat_templates";
    private static final String DEFAULT = "default";
    /** The named special tokens transformers passes to templates (its SPECIAL_TOKENS_ATTRIBUTES). */
    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    private ChatTemplateFiles() {
    }

    /** The model's default template, or the one called {@code name} (null: default), with the system clock. */
    public static ChatTemplate load(Path modelFolder, String name) throws IOException {
        return load(modelFolder, name, Clock.systemDefaultZone());
    }

    public static ChatTemplate load(Path modelFolder, String name, Clock clock) throws IOException {
        if (!Files.isDirectory(modelFolder)) {
            throw new ChatTemplateException(modelFolder + ": not a model folder (a chat template is read from the "
                    + "folder's " + TEMPLATE_FILE + " or " + TOKENIZER_CONFIG + ")");
        }
        JsonNode config = readJson(modelFolder.resolve(TOKENIZER_CONFIG));
        Map<String, String> templates = new LinkedHashMap<>();
        Map<String, Path> sources = new LinkedHashMap<>();
        Path single = modelFolder.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(single)) {
            templates.put(DEFAULT, Files.readString(single, StandardCharsets.UTF_8));
            sources.put(DEFAULT, single);
        }
        Path dir = modelFolder.resolve(TEMPLATE_DIR);
        if (Files.isDirectory(dir)) {
            Map<String, Path> extra = new TreeMap<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jinja")) {
                files.forEach(f -> extra.put(f.getFileName().toString().replaceFirst("\\.jinja$", ""), f));
            }
            for (Map.Entry<String, Path> e : extra.entrySet()) {
                templates.put(e.getKey(), Files.readString(e.getValue(), StandardCharsets.UTF_8));
                sources.put(e.getKey(), e.getValue());
            }
        }
        Path configFile = modelFolder.resolve(TOKENIZER_CONFIG);
        if (templates.isEmpty()) {
            fromConfig(config, configFile, templates);
            templates.keySet().forEach(k -> sources.put(k, configFile));
        }
        if (templates.isEmpty()) {
            throw new ChatTemplateException(modelFolder + ": the model has no chat template (looked for "
                    + TEMPLATE_FILE + ", " + TEMPLATE_DIR + "/*.jinja and \"chat_template\" in " + TOKENIZER_CONFIG
                    + "); use another --template or add the model's chat template");
        }
        String chosen = name != null ? name : DEFAULT;
        String template = templates.get(chosen);
        if (template == null) {
            throw new ChatTemplateException(modelFolder + ": no chat template named '" + chosen + "'; the model has "
                    + String.join(", ", templates.keySet()) + (name == null ? " (choose one with --template chat:NAME)" : ""));
        }
        Map<String, String> tokens = specialTokens(config, readJson(modelFolder.resolve("special_tokens_map.json")));
        return new ChatTemplate(template, tokens, sources.get(chosen) + ", template '" + chosen + "'", clock);
    }

    private static void fromConfig(JsonNode config, Path file, Map<String, String> templates) {
        JsonNode t = config.get("chat_template");
        if (t == null || t.isNull()) {
            return;
        }
        if (t.isTextual()) {
            templates.put(DEFAULT, t.asText());
            return;
        }
        if (!t.isArray()) {
            throw new ChatTemplateException(file + ": \"chat_template\" must be a string or a list of {\"name\", "
                    + "\"template\"}, got " + t.getNodeType().toString().toLowerCase());
        }
        for (int i = 0; i < t.size(); i++) {
            JsonNode e = t.get(i);
            if (!e.path("name").isTextual() || !e.path("template").isTextual()) {
                throw new ChatTemplateException(file + ": chat_template[" + i + "] must have string fields \"name\" "
                        + "and \"template\"");
            }
            templates.put(e.get("name").asText(), e.get("template").asText());
        }
    }

    private static Map<String, String> specialTokens(JsonNode config, JsonNode map) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKENS) {
            String v = tokenText(config.get(key));
            if (v == null) {
                v = tokenText(map.get(key));
            }
            if (v != null) {
                tokens.put(key, v);
            }
        }
        return tokens;
    }

    private static String tokenText(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        return n.path("content").isTextual() ? n.get("content").asText() : null;
    }

    private static JsonNode readJson(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(p.toFile());
            return n == null || !n.isObject() ? Json.MAPPER.createObjectNode() : n;
        } catch (IOException e) {
            throw new IOException(p + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
