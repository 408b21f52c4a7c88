package org.forgetfilter.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.forgetfilter.data.chat.ChatMessage;

/**
 * One finetuning example, whatever format it came in.
 *
 * @param id       stable id: the record's own {@code id}, else a content hash ({@link #contentId})
 * @param prompt   the model input before the response (may be empty, e.g. plain text)
 * @param response the target text
 * @param label    {@code unsafe}, {@code safe}, {@code task}, or null when unknown (customer data)
 * @param category e.g. bias, toxicity, harm, qa, instruction; null when unknown
 * @param extra    every other field of the record, carried through untouched (never null; do not mutate)
 * @param raw      the record's exact source text (a JSONL line without terminator, or a JSON array element),
 *                 or null for examples built in memory; filters write kept/removed records from it byte for byte
 * @param line     1-based source line of the record, 0 when built in memory
 * @param messages the conversation of a chat-format record up to and including the assistant turn that is the
 *                 response (what a chat template renders); empty for every other format, whose examples a chat
 *                 template sees as one user turn and one assistant turn
 */
public record Example(String id, String prompt, String response, String label, String category, ObjectNode extra,
                      String raw, long line, List<ChatMessage> messages) {
    public static final String UNSAFE = "unsafe";
    public static final String SAFE = "safe";
    public static final String TASK = "task";
    /** The {@code category} values of the unsafe kinds the builders produce (task data has category "task"). */
    public static final String BIAS = "bias";
    public static final String TOXICITY = "toxicity";
    public static final String HARM = "harm";
    /** The values {@code label} may take besides null. */
    public static final Set<String> LABELS = Set.of(UNSAFE, SAFE, TASK);

    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        if (label != null && !LABELS.contains(label)) {
            throw new IllegalArgumentException("label must be one of " + LABELS + ", got '" + label + "'");
        }
        extra = extra == null ? JsonNodeFactory.instance.objectNode() : extra;
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    /** An example that is not a conversation (no {@link #messages}). */
    public Example(String id, String prompt, String response, String label, String category, ObjectNode extra,
                   String raw, long line) {
        this(id, prompt, response, label, category, extra, raw, line, List.of());
    }

    /** An example built in memory (no source text, no line). */
    public Example(String id, String prompt, String response, String label, String category, ObjectNode extra,
                   String raw) {
        this(id, prompt, response, label, category, extra, raw, 0);
    }

    /** A copy with another label (the raw text is dropped, as it no longer describes the record). */
    public Example withLabel(String newLabel) {
        return new Example(id, prompt, response, newLabel, category, extra, null, line, messages);
    }

    /** A string field of {@link #extra}, or null when absent or not a string. */
    public String extraText(String field) {
        var node = extra.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /**
     * Deterministic id of a record that has none: "h" + the first 16 hex digits of SHA-256 over prompt, a NUL
     * and the response. Identical examples therefore share an id, whatever file or format they come from.
     */
    public static String contentId(String prompt, String response) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prompt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(response.getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
