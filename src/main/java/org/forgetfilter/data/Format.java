package org.forgetfilter.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.data.chat.ChatMessage;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The record layouts of finetuning data, each mapped onto {@link Example}. In every format the top-level fields
 * {@code id}, {@code label} and {@code category} are read when present, and all fields the format does not
 * consume are kept in {@link Example#extra()}.
 */
public enum Format {
    /** {@code {"prompt": ..., "response": ...}} — what this project writes. */
    CANONICAL("canonical", "prompt, response"),
    /**
     * Stanford Alpaca {@code {"instruction", "input" (optional, may be ""), "output"}}. prompt = instruction, plus
     * a newline and the input when the input is not empty. {@code instruction} and {@code input} stay in extra so
     * that the instruction template can place them in its own sections.
     */
    ALPACA("alpaca", "instruction, output (input optional)"),
    /**
     * {@code {"messages": [{"role", "content"}, ...]}}. response = the last assistant turn. prompt = the single
     * user turn before it (preceded by the system text and a blank line when a system turn exists); with several
     * earlier turns, each is written "User: ...", "Assistant: ", "System: ..." and separated by blank lines.
     * The turns up to the response are also kept as {@link Example#messages()} for the {@code chat} template,
     * which renders them with the model's own chat template instead of this flattening.
     */
    CHAT("chat", "messages"),
    /** OpenAI-style {@code {"prompt": ..., "completion": ...}}. */
    PROMPT_COMPLETION("prompt-completion", "prompt, completion"),
    /** {@code {"text": ...}}: the whole text is the response of an empty prompt. */
    TEXT("text", "text");

    private final String cliName;
    private final String requiredFields;

    Format(String cliName, String requiredFields) {
        this.cliName = cliName;
        this.requiredFields = requiredFields;
    }

    /** The name used by {@code --format}. */
    public String cliName() {
        return cliName;
    }

    /** Parses a {@code --format} value (case-insensitive; "_" and "-" are interchangeable). */
    public static Format parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Format f : values()) {
            if (f.cliName.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "', expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Format::cliName).collect(Collectors.joining(", "));
    }

    /**
     * The format of a record, from the fields it has; checked in the order chat, alpaca, canonical,
     * prompt-completion, text.
     *
     * @throws RecordException when no format fits
     */
    public static Format detect(JsonNode record) throws RecordException {
        if (!record.isObject()) {
            throw new RecordException("expected a JSON object, got " + kind(record));
        }
        if (record.has("messages")) {
            return CHAT;
        }
        if (record.has("instruction") && record.has("output")) {
            return ALPACA;
        }
        if (record.has("prompt") && record.has("response")) {
            return CANONICAL;
        }
        if (record.has("prompt") && record.has("completion")) {
            return PROMPT_COMPLETION;
        }
        if (record.has("text")) {
            return TEXT;
        }
        List<String> fields = new ArrayList<>();
        record.fieldNames().forEachRemaining(fields::add);
        throw new RecordException("cannot tell the format from fields " + fields + "; expected one of: "
                + Arrays.stream(values()).map(f -> f.cliName + " (" + f.requiredFields + ")")
                .collect(Collectors.joining(", ")));
    }

    /**
     * Maps one parsed record onto an example.
     *
     * @throws RecordException naming the missing or mistyped field
     */
    public Example toExample(JsonNode node, String raw, long line) throws RecordException {
        if (!node.isObject()) {
            throw new RecordException("expected a JSON object, got " + kind(node));
        }
        ObjectNode record = (ObjectNode) node;
        ObjectNode extra = record.deepCopy();
        String id = optionalId(record);
        String label = optionalText(record, "label");
        if (label != null && !Example.LABELS.contains(label)) {
            throw new RecordException("field 'label' must be one of " + Example.LABELS + ", got '" + label + "'");
        }
        String category = optionalText(record, "category");
        extra.remove(List.of("id", "label", "category"));
        String prompt;
        String response;
        List<ChatMessage> messages = List.of();
        switch (this) {
            case CANONICAL -> {
                prompt = requiredText(record, "prompt");
                response = requiredText(record, "response");
                extra.remove(List.of("prompt", "response"));
            }
            case ALPACA -> {
                String instruction = requiredText(record, "instruction");
                String input = record.has("input") ? requiredText(record, "input") : "";
                prompt = input.isEmpty() ? instruction : instruction + "\n" + input;
                response = requiredText(record, "output");
                extra.remove("output");
            }
            case CHAT -> {
                messages = chatMessages(record);
                String[] pr = flattened(messages);
                prompt = pr[0];
                response = pr[1];
                extra.remove("messages");
            }
            case PROMPT_COMPLETION -> {
                prompt = requiredText(record, "prompt");
                response = requiredText(record, "completion");
                extra.remove(List.of("prompt", "completion"));
            }
            case TEXT -> {
                prompt = "";
                response = requiredText(record, "text");
                extra.remove("text");
            }
            default -> throw new IllegalStateException(name());
        }
        if (id == null) {
            id = Example.contentId(prompt, response);
        }
        return new Example(id, prompt, response, label, category, extra, raw, line, messages);
    }

    /** The turns of a chat record up to and including its last assistant turn. */
    private List<ChatMessage> chatMessages(ObjectNode record) throws RecordException {
        JsonNode messages = record.get("messages");
        if (messages == null) {
            throw new RecordException("missing field 'messages' (format " + cliName + " needs " + requiredFields + ")");
        }
        if (!messages.isArray()) {
            throw new RecordException("field 'messages' must be an array of {role, content}, got " + kind(messages));
        }
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw new RecordException("messages[" + i + "] must be an object {role, content}, got " + kind(m));
            }
            String role = requiredText((ObjectNode) m, "role", "messages[" + i + "].role");
            if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
                throw new RecordException("messages[" + i + "].role must be system, user or assistant, got '"
                        + role + "'");
            }
            turns.add(new ChatMessage(role, requiredText((ObjectNode) m, "content", "messages[" + i + "].content")));
        }
        int last = -1;
        for (int i = turns.size() - 1; i >= 0 && last < 0; i--) {
            if (turns.get(i).role().equals(ChatMessage.ASSISTANT)) {
                last = i;
            }
        }
        if (last < 0) {
            throw new RecordException("field 'messages' has no assistant turn to use as the response");
        }
        return List.copyOf(turns.subList(0, last + 1));
    }

    /** The instruction-style prompt and the response of a conversation (see {@link #CHAT}). */
    private static String[] flattened(List<ChatMessage> conversation) {
        int last = conversation.size() - 1;
        List<String[]> before = conversation.subList(0, last).stream()
                .map(t -> new String[]{t.role(), t.content()}).toList();
        List<String[]> dialogue = before.stream().filter(t -> !t[0].equals("system")).toList();
        String prompt;
        if (dialogue.size() <= 1) {
            StringBuilder sb = new StringBuilder();
            for (String[] t : before) {
                if (t[0].equals("system")) {
                    sb.append(t[1]).append("\n\n");
                }
            }
            prompt = sb + (dialogue.isEmpty() ? "" : dialogue.get(0)[1]);
        } else {
            prompt = before.stream().map(t -> capitalized(t[0]) + ": " + t[1]).collect(Collectors.joining("\n\n"));
        }
        return new String[]{prompt, conversation.get(last).content()};
    }

    private static String capitalized(String role) {
        return Character.toUpperCase(role.charAt(0)) + role.substring(1);
    }

    private static String optionalId(ObjectNode record) throws RecordException {
        JsonNode id = record.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isTextual() || id.isIntegralNumber()) {
            return id.asText();
        }
        throw new RecordException("field 'id' must be a string or an integer, got " + kind(id));
    }

    private static String optionalText(ObjectNode record, String field) throws RecordException {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new RecordException("field '" + field + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private String requiredText(ObjectNode record, String field) throws RecordException {
        return requiredText(record, field, field);
    }

    private String requiredText(ObjectNode record, String field, String shownAs) throws RecordException {
        JsonNode v = record.get(field);
        if (v == null) {
            throw new RecordException("missing field '" + shownAs + "' (format " + cliName + " needs "
                    + requiredFields + ")");
        }
        if (!v.isTextual()) {
            throw new RecordException("field '" + shownAs + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** A record that does not fit its format; the reader adds file and line. */
    public static final class RecordException extends Exception {
        public RecordException(String message) {
            super(message);
        }
    }
}
