package org.forgetfilter.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.data.chat.ChatMessage;
import org.forgetfilter.data.chat.ChatTemplate;
import org.forgetfilter.data.chat.ChatTemplateFiles;

/**
 * Turns an example into model input. The model sees {@code prompt + response} of the {@link Rendered} pair and
 * the loss or score covers the response tokens; when a template puts a separator before the answer, the
 * response string starts with it (" answer"), so tokenizers treat the answer as a continuation.
 *
 * <p>Built-ins:
 * <ul>
 * <li>{@code instruction} — the paper's {@code ###Instruction:\n<instruction>\n###Input:\n<input>\n### Response:}
 *     followed by a space and the answer. instruction = the record's {@code instruction} field (kept in extra,
 *     e.g. by Alpaca records and the builders), else {@link #DEFAULT_INSTRUCTION}; input = the record's
 *     {@code input} field when it has an {@code instruction} and an {@code input}, else the prompt.</li>
 * <li>{@code plain} — the paper's plain-text format {@code ### Response:<text>}: prompt = "### Response:" +
 *     the example's prompt (empty for plain text; the first words when prompting a continuation), response =
 *     the example's response, without separator.</li>
 * <li>{@code raw} — prompt and response as they are.</li>
 * <li>{@code chat} (or {@code chat:NAME} for one of several named templates) — the model's own chat template
 *     (see {@link ChatTemplateFiles}), as transformers' {@code apply_chat_template} renders it. A chat record is
 *     rendered as its {@link Example#messages() messages}; any other example as a user turn (the prompt) and an
 *     assistant turn (the response), after an optional system message. prompt = the turns before the last
 *     assistant turn with the generation prompt, response = the rest of the rendered conversation (the answer and
 *     the template's end-of-turn tokens). The text holds the template's own special tokens, so it is tokenized as
 *     it is, without an added BOS or EOS ({@link Rendered#tokenizeAsIs()}).</li>
 * </ul>
 * A user template is a text file with one {@code {response}} placeholder, optionally preceded by one
 * {@code {prompt}}; the text after {@code {response}} (e.g. an end marker) belongs to the response. One final
 * line break at the end of the file is ignored, as editors add it.
 */
public final class PromptTemplate {
    /** The instruction used when a record carries none. */
    public static final String DEFAULT_INSTRUCTION = "Respond to the following input.";

    /** The name of the chat-template built-in ({@code chat} or {@code chat:NAME}). */
    public static final String CHAT = "chat";

    /**
     * The text the model sees before the response, and the response (with its leading separator, if any).
     *
     * @param tokenizeAsIs the text already holds the special tokens the model expects (a chat template writes its
     *                     BOS and end-of-turn tokens itself): tokenize it as it is, adding no BOS or EOS
     */
    public record Rendered(String prompt, String response, boolean tokenizeAsIs) {
        public Rendered(String prompt, String response) {
            this(prompt, response, false);
        }

        /** The whole model input. */
        public String text() {
            return prompt + response;
        }
    }

    private enum Kind { INSTRUCTION, PLAIN, RAW, USER, CHAT }

    private final Kind kind;
    private final String name;
    private final String beforePrompt;
    private final String betweenPromptAndResponse;
    private final String afterResponse;
    private final boolean hasPrompt;
    private final ChatTemplate chat;
    private final String systemMessage;

    private PromptTemplate(Kind kind, String name, String beforePrompt, String between, String after,
                           boolean hasPrompt) {
        this(kind, name, beforePrompt, between, after, hasPrompt, null, null);
    }

    private PromptTemplate(Kind kind, String name, String beforePrompt, String between, String after,
                           boolean hasPrompt, ChatTemplate chat, String systemMessage) {
        this.kind = kind;
        this.name = name;
        this.beforePrompt = beforePrompt;
        this.betweenPromptAndResponse = between;
        this.afterResponse = after;
        this.hasPrompt = hasPrompt;
        this.chat = chat;
        this.systemMessage = systemMessage;
    }

    /**
     * The model's chat template.
     *
     * @param name          recorded as the template's name ({@code chat} or {@code chat:NAME})
     * @param systemMessage system turn put before the user turn of examples that are not conversations; null: none
     */
    public static PromptTemplate chat(ChatTemplate template, String name, String systemMessage) {
        return new PromptTemplate(Kind.CHAT, name, "", "", "", true, template, systemMessage);
    }

    public static PromptTemplate instruction() {
        return new PromptTemplate(Kind.INSTRUCTION, "instruction", "", "", "", true);
    }

    public static PromptTemplate plain() {
        return new PromptTemplate(Kind.PLAIN, "plain", "", "", "", true);
    }

    public static PromptTemplate raw() {
        return new PromptTemplate(Kind.RAW, "raw", "", "", "", true);
    }

    /** A built-in by name ({@code instruction}, {@code plain}, {@code raw}), else a template file. */
    public static PromptTemplate named(String nameOrFile) throws IOException {
        return named(nameOrFile, null, null);
    }

    /**
     * A built-in by name, the chat template of {@code modelFolder} ({@code chat}, {@code chat:NAME}), else a
     * template file.
     *
     * @param modelFolder   the folder whose tokenizer files hold the chat template; null when there is none
     * @param systemMessage for {@code chat}: the system turn of examples that are not conversations, or null
     */
    public static PromptTemplate named(String nameOrFile, Path modelFolder, String systemMessage) throws IOException {
        if (nameOrFile.equals(CHAT) || nameOrFile.startsWith(CHAT + ":")) {
            String templateName = nameOrFile.equals(CHAT) ? null : nameOrFile.substring(CHAT.length() + 1);
            if (modelFolder == null) {
                throw new IllegalArgumentException("--template " + nameOrFile + " renders with the model's own chat "
                        + "template, which is read from a Hugging Face model folder (tokenizer_config.json or "
                        + "chat_template.jinja); this model or command has none");
            }
            return chat(ChatTemplateFiles.load(modelFolder, templateName), nameOrFile, systemMessage);
        }
        if (systemMessage != null) {
            throw new IllegalArgumentException("--system applies to --template chat only, not to " + nameOrFile);
        }
        return switch (nameOrFile) {
            case "instruction" -> instruction();
            case "plain" -> plain();
            case "raw" -> raw();
            default -> fromFile(Path.of(nameOrFile));
        };
    }

    /** Reads a user template; see the class comment for its rules. */
    public static PromptTemplate fromFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, 0, "template file not found (built-in templates: instruction, "
                    + "plain, raw, chat, chat:NAME)");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return fromText(text, file.toString(), file);
    }

    /** A user template from its text. */
    public static PromptTemplate fromText(String text, String name) throws DataFormatException {
        return fromText(text, name, Path.of(name));
    }

    private static PromptTemplate fromText(String text, String name, Path where) throws DataFormatException {
        int r = text.indexOf("{response}");
        if (r < 0 || text.indexOf("{response}", r + 1) >= 0) {
            throw new DataFormatException(where, 0, "a template needs exactly one {response} placeholder");
        }
        int p = text.indexOf("{prompt}");
        if (p >= 0 && (text.indexOf("{prompt}", p + 1) >= 0 || p > r)) {
            throw new DataFormatException(where, 0, "a template may hold one {prompt} placeholder, before {response}");
        }
        String after = text.substring(r + "{response}".length());
        if (p < 0) {
            return new PromptTemplate(Kind.USER, name, text.substring(0, r), "", after, false);
        }
        return new PromptTemplate(Kind.USER, name, text.substring(0, p), text.substring(p + "{prompt}".length(), r),
                after, true);
    }

    public String name() {
        return name;
    }

    public Rendered render(Example e) {
        return switch (kind) {
            case INSTRUCTION -> {
                String instruction = e.extraText("instruction");
                String input = instruction != null && e.extraText("input") != null ? e.extraText("input")
                        : e.prompt();
                yield new Rendered("###Instruction:\n" + (instruction != null ? instruction : DEFAULT_INSTRUCTION)
                        + "\n###Input:\n" + input + "\n### Response:", " " + e.response());
            }
            case PLAIN -> new Rendered("### Response:" + e.prompt(), e.response());
            case RAW -> new Rendered(e.prompt(), e.response());
            case CHAT -> {
                ChatTemplate.Split split = chat.split(conversation(e));
                yield new Rendered(split.prompt(), split.response(), true);
            }
            case USER -> new Rendered(beforePrompt + (hasPrompt ? e.prompt() + betweenPromptAndResponse : ""),
                    e.response() + afterResponse);
        };
    }

    /**
     * The prompt that asks the model for the response to {@code e} as training rendered it (for chat: the turns
     * before the answer with the generation prompt). The example's response is not used.
     */
    public Rendered renderPrompt(Example e) {
        if (kind != Kind.CHAT) {
            return new Rendered(render(e).prompt(), "");
        }
        List<ChatMessage> turns = conversation(e);
        return new Rendered(chat.render(turns.subList(0, turns.size() - 1), true), "", true);
    }

    /** The chat template, or null for the other kinds. */
    public ChatTemplate chatTemplate() {
        return chat;
    }

    private List<ChatMessage> conversation(Example e) {
        if (!e.messages().isEmpty()) {
            return e.messages();
        }
        List<ChatMessage> turns = new ArrayList<>(3);
        if (systemMessage != null) {
            turns.add(new ChatMessage(ChatMessage.SYSTEM, systemMessage));
        }
        turns.add(new ChatMessage(ChatMessage.USER, e.prompt()));
        turns.add(new ChatMessage(ChatMessage.ASSISTANT, e.response()));
        return turns;
    }

    @Override
    public String toString() {
        return "PromptTemplate[" + name + "]";
    }
}
