package org.forgetfilter.data.chat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template (Jinja, from its tokenizer files; see {@link ChatTemplateFiles}) with the special tokens
 * it is rendered with, applied as transformers' {@code apply_chat_template(messages, tokenize=False,
 * add_generation_prompt=...)} applies it: variables {@code messages}, {@code add_generation_prompt},
 * {@code tools=None}, {@code documents=None} and the named special tokens the tokenizer has.
 *
 * <p>For training, a conversation splits into the prompt part (the turns before the last assistant turn, rendered
 * with the generation prompt) and the response part (what rendering the whole conversation adds after that: the
 * assistant's text and whatever end-of-turn tokens the template writes); the loss covers the response part only.
 */
public final class ChatTemplate {
    private final String template;
    private final Map<String, String> specialTokens;
    private final String where;
    private final TransformersJinja jinja;

    /** The prompt part and the response part of a rendered conversation. */
    public record Split(String prompt, String response) {
        public String text() {
            return prompt + response;
        }
    }

    /**
     * @param specialTokens name ({@code bos_token}, {@code eos_token}, ...) to token text, for the tokens the
     *                      tokenizer defines
     * @param where         the template's source for messages, e.g. "MODEL/tokenizer_config.json, template 'default'"
     * @param clock         what {@code strftime_now} reads
     */
    public ChatTemplate(String template, Map<String, String> specialTokens, String where, Clock clock) {
        this.template = template;
        this.specialTokens = Map.copyOf(specialTokens);
        this.where = where;
        this.jinja = new TransformersJinja(clock);
    }

    /** Where the template came from. */
    public String where() {
        return where;
    }

    public String text() {
        return template;
    }

    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    /** The rendered conversation; fails naming the template when it refuses the messages or cannot be rendered. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) {
            throw new ChatTemplateException(where + ": a conversation needs at least one message");
        }
        Map<String, Object> vars = new LinkedHashMap<>(specialTokens);
        List<Map<String, Object>> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            turns.add(m.asTemplateValue());
        }
        vars.put("messages", turns);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("tools", null);
        vars.put("documents", null);
        return jinja.render(template, vars, where);
    }

    /**
     * Splits a conversation that ends with the assistant turn to learn.
     *
     * @throws ChatTemplateException when the last message is not the assistant's, when no message precedes it, or
     *                               when the template renders the earlier turns differently once the answer follows
     *                               (then no prefix of the text is the prompt)
     */
    public Split split(List<ChatMessage> conversation) {
        int last = conversation.size() - 1;
        if (last < 0 || !conversation.get(last).role().equals(ChatMessage.ASSISTANT)) {
            throw new ChatTemplateException(where + ": the conversation must end with the assistant turn to learn");
        }
        if (last == 0) {
            throw new ChatTemplateException(where + ": the assistant turn needs at least one message before it");
        }
        String prompt = render(conversation.subList(0, last), true);
        String text = render(conversation, false);
        if (!text.startsWith(prompt)) {
            int i = 0;
            while (i < prompt.length() && i < text.length() && prompt.charAt(i) == text.charAt(i)) {
                i++;
            }
            throw new ChatTemplateException(where + ": the template renders the turns before the answer differently "
                    + "when the answer follows (they differ at character " + i + ": " + snippet(prompt, i) + " vs "
                    + snippet(text, i) + "), so the prompt part cannot be masked");
        }
        return new Split(prompt, text.substring(prompt.length()));
    }

    private static String snippet(String s, int at) {
        String part = s.substring(Math.min(at, s.length()), Math.min(s.length(), at + 20));
        return PythonJson.dumps(part, -1);
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + where + "]";
    }
}
