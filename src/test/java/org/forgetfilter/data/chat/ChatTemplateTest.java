package org.forgetfilter.data.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real chat templates of four model families (TinyLlama-1.1B-Chat's Zephyr format, Qwen2's and Qwen2.5's ChatML,
 * Llama 3) and the list-of-named-templates form, rendered from chat records read as customers' files are, against
 * what transformers 5.18's apply_chat_template gives for the same tokenizer_config.json and messages
 * (expected-rendered.jsonl, written by scripts/chat-template-reference.py).
 */
class ChatTemplateTest {
    @Test
    void chatRecordsRenderExactlyAsApplyChatTemplate(@TempDir Path tmp) throws Exception {
        Map<String, Example> examples = ChatFixtures.conversations(tmp);
        List<JsonNode> rows = ChatFixtures.expectedRendered();
        assertEquals(30, rows.size(), "5 families x 5 conversations + the named template's second entry");
        for (JsonNode row : rows) {
            String family = row.get("family").asText();
            String name = row.get("template_name").isNull() ? "chat" : "chat:" + row.get("template_name").asText();
            PromptTemplate t = PromptTemplate.named(name, ChatFixtures.dir().resolve("templates").resolve(family), null);
            Example e = examples.get(row.get("conversation").asText());
            PromptTemplate.Rendered r = t.render(e);
            String what = family + " " + name + " " + e.id();
            assertEquals(row.get("prompt").asText(), r.prompt(), what + " prompt");
            assertEquals(row.get("text").asText(), r.text(), what + " text");
            assertTrue(r.tokenizeAsIs(), what);
            assertEquals(row.get("prompt").asText(), t.renderPrompt(e).prompt(), what + " generation prompt");
        }
    }

    @Test
    void promptResponseExamplesRenderAsAUserAndAnAssistantTurn() throws Exception {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode row : ChatFixtures.expectedRendered()) {
            byKey.put(row.get("family").asText() + "/" + row.get("template_name").asText() + "/"
                    + row.get("conversation").asText(), row);
        }
        for (String family : List.of("zephyr", "qwen2", "qwen2.5", "llama3")) {
            Path folder = ChatFixtures.dir().resolve("templates").resolve(family);
            Example plain = new Example("p", "When does the gym open?", "The gym opens at 7 am.", null, null, null, null);
            assertEquals(byKey.get(family + "/null/single-turn").get("text").asText(),
                    PromptTemplate.named("chat", folder, null).render(plain).text(), family);
            Example withSystem = new Example("s", "Who was at the desk, the nurse or the janitor?",
                    "It cannot be determined from the text.", null, null, null, null);
            PromptTemplate.Rendered r = PromptTemplate.named("chat", folder, "You answer in one sentence.")
                    .render(withSystem);
            JsonNode want = byKey.get(family + "/null/with-system");
            assertEquals(want.get("prompt").asText(), r.prompt(), family);
            assertEquals(want.get("text").asText(), r.text(), family);
        }
    }

    @Test
    void responsePartIsTheAnswerWithTheTemplatesEndOfTurn() throws Exception {
        Example e = new Example("x", "Hi", "Hello.", null, null, null, null);
        Path templates = ChatFixtures.dir().resolve("templates");
        assertEquals("Hello.<|im_end|>\n", PromptTemplate.named("chat", templates.resolve("qwen2"), null).render(e).response());
        assertEquals("Hello.</s>\n", PromptTemplate.named("chat", templates.resolve("zephyr"), null).render(e).response());
        assertEquals("Hello.<|eot_id|>", PromptTemplate.named("chat", templates.resolve("llama3"), null).render(e).response());
    }

    @Test
    void chatTemplateFilesTakePrecedenceAndNamesAreChecked(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\", \"chat_template\": \"cfg\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}\n");
        Files.createDirectories(dir.resolve("additional_chat_templates"));
        Files.writeString(dir.resolve("additional_chat_templates/short.jinja"), "{{ messages | length }}");
        ChatTemplate t = ChatTemplateFiles.load(dir, null);
        assertEquals("a</s>b</s>", t.render(List.of(new ChatMessage("user", "a"), new ChatMessage("assistant", "b")), false));
        assertTrue(t.where().endsWith("chat_template.jinja, template 'default'"), t.where());
        assertEquals("1", ChatTemplateFiles.load(dir, "short").render(List.of(new ChatMessage("user", "a")), false));
        ChatTemplateException missing = assertThrows(ChatTemplateException.class, () -> ChatTemplateFiles.load(dir, "tool_use"));
        assertTrue(missing.getMessage().contains("no chat template named 'tool_use'; the model has default, short"),
                missing.getMessage());
    }

    @Test
    void aModelWithoutChatTemplateIsRefusedWithWhereItLooked(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> PromptTemplate.named("chat", dir, null));
        assertTrue(e.getMessage().contains("has no chat template") && e.getMessage().contains("tokenizer_config.json"),
                e.getMessage());
        IllegalArgumentException noFolder = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.named("chat", null, null));
        assertTrue(noFolder.getMessage().contains("model folder"), noFolder.getMessage());
    }

    @Test
    void templateRefusalsNameTheTemplate() throws Exception {
        // Zephyr renders any order; a template that demands alternation raises, and the error says which template.
        ChatTemplate strict = new ChatTemplate("{% for m in messages %}{% if (m['role'] == 'user') != "
                + "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}"
                + "{{ m.content }}{% endfor %}", Map.of(), "strict.json, template 'default'", TransformersJinjaTest.CLOCK);
        PromptTemplate t = PromptTemplate.chat(strict, "chat", "sys");
        Example e = new Example("x", "Hi", "Hello.", null, null, null, null);
        ChatTemplateException ex = assertThrows(ChatTemplateException.class, () -> t.render(e));
        assertEquals("strict.json, template 'default': the template raised: Conversation roles must alternate",
                ex.getMessage());
    }

    @Test
    void aTemplateThatRewritesEarlierTurnsCannotBeMasked() {
        // Like reasoning models' templates that drop earlier "thinking": the prompt is no prefix of the text.
        ChatTemplate t = new ChatTemplate("{% for m in messages %}{% if loop.last and m.role == 'user' %}[last]"
                + "{% endif %}{{ m.content }};{% endfor %}{% if add_generation_prompt %}A:{% endif %}", Map.of(),
                "rewrite", TransformersJinjaTest.CLOCK);
        ChatTemplateException ex = assertThrows(ChatTemplateException.class,
                () -> t.split(List.of(new ChatMessage("user", "q"), new ChatMessage("assistant", "a"))));
        assertTrue(ex.getMessage().startsWith("rewrite: the template renders the turns before the answer differently"),
                ex.getMessage());
        assertFalse(ex.getMessage().contains("null"), ex.getMessage());
    }
}
