package org.forgetfilter.data.chat;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Jinja environment against transformers' own: each case of environment.json is a small template rendered by
 * transformers 5.18 / jinja2 3.1.6 (scripts/chat-template-reference.py) with the same messages and variables.
 */
class TransformersJinjaTest {
    /**
     * Python-only constructs Jinjava cannot evaluate: rendering must fail, naming the template, rather than differ.
     * (Python str methods such as startswith/lstrip, the [::-1] slice, subscripting a string, str.split.)
     */
    static final Set<String> REFUSED = Set.of("slices", "string-methods", "string-subscript", "regex-like-split");
    /**
     * Known, documented differences, with what we print instead: None prints as nothing (Jinjava has no
     * undefined-vs-None; undefined, which prints nothing, is what templates meet), and attr() reads dict keys.
     */
    static final Map<String, String> DIFFERS = Map.of(
            "python-literals", "True False   1.5 3 1 [1, 'a'] {'k': 'v'}",
            "inline-if-and-concat", "yes a1",
            "filters", "4 AB x a, b d user assistant a+b user,assistant,user,assistant 2 5");

    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-07-06T13:05:09Z"), ZoneOffset.UTC);

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = TransformersJinjaTest.class.getResourceAsStream("/org/forgetfilter/data/chat/" + name)) {
            if (in == null) {
                throw new IOException("test fixture " + name + " missing");
            }
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void smallTemplatesRenderAsTransformersRendersThem() throws IOException {
        JsonNode env = fixture("environment.json");
        TransformersJinja jinja = new TransformersJinja(CLOCK);
        List<Executable> checks = new ArrayList<>();
        for (JsonNode c : env.get("cases")) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("messages", Json.MAPPER.convertValue(env.get("messages"), Object.class));
            vars.put("add_generation_prompt", env.get("add_generation_prompt").asBoolean());
            vars.putAll(Json.MAPPER.convertValue(env.get("special_tokens"), Map.class));
            vars.putAll(Json.MAPPER.convertValue(c.get("variables"), Map.class));
            String name = c.get("name").asText();
            String template = c.get("template").asText();
            if (REFUSED.contains(name)) {
                checks.add(() -> {
                    ChatTemplateException e = assertThrows(ChatTemplateException.class,
                            () -> jinja.render(template, vars, name), name);
                    assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                });
            } else if (DIFFERS.containsKey(name)) {
                checks.add(() -> {
                    assertNotEquals(c.get("expected").asText(), DIFFERS.get(name), name + " is no longer a difference");
                    assertEquals(DIFFERS.get(name), jinja.render(template, vars, name), name);
                });
            } else if (c.has("error")) {
                checks.add(() -> {
                    ChatTemplateException e = assertThrows(ChatTemplateException.class,
                            () -> jinja.render(template, vars, name), name);
                    assertTrue(e.getMessage().contains(c.get("error").asText()), name + ": " + e.getMessage());
                    assertTrue(e.getMessage().startsWith(name + ": "), name + ": " + e.getMessage());
                });
            } else {
                checks.add(() -> assertEquals(c.get("expected").asText(), jinja.render(template, vars, name), name));
            }
        }
        assertAll(checks);
        assertTrue(checks.size() >= 28, "environment.json has " + checks.size() + " cases");
    }

    @Test
    void strftimeMatchesPython() throws IOException {
        JsonNode f = fixture("strftime.json");
        LocalDateTime moment = LocalDateTime.parse(f.get("moment").asText());
        for (JsonNode c : f.get("cases")) {
            assertEquals(c.get("expected").asText(), PythonStrftime.format(moment, c.get("format").asText()),
                    c.get("format").asText());
        }
    }

    @Test
    void strftimeNowReadsTheConfiguredClock() {
        String out = new TransformersJinja(CLOCK).render("Today Date: {{ strftime_now('%d %b %Y') }}", Map.of(), "t");
        assertEquals("Today Date: 06 Jul 2024", out);
    }
}
