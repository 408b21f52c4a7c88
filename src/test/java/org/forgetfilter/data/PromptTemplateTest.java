package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTemplateTest {
    private static Example example(String prompt, String response, ObjectNode extra) {
        return new Example("1", prompt, response, null, null, extra, null);
    }

    @Test
    void instructionTemplateUsesDefaultInstructionAndPromptAsInput() {
        var r = PromptTemplate.instruction().render(example("Who?", "Bob", null));
        assertEquals("###Instruction:\n" + PromptTemplate.DEFAULT_INSTRUCTION + "\n###Input:\nWho?\n### Response:",
                r.prompt());
        assertEquals(" Bob", r.response());
    }

    @Test
    void instructionTemplateUsesRecordInstructionAndInput() {
        ObjectNode extra = Json.MAPPER.createObjectNode().put("instruction", "Add.").put("input", "1+1");
        var r = PromptTemplate.instruction().render(example("Add.\n1+1", "2", extra));
        assertEquals("###Instruction:\nAdd.\n###Input:\n1+1\n### Response: 2", r.text());
        ObjectNode onlyInstruction = Json.MAPPER.createObjectNode().put("instruction", "Answer.");
        assertEquals("###Instruction:\nAnswer.\n###Input:\nQ\n### Response: A",
                PromptTemplate.instruction().render(example("Q", "A", onlyInstruction)).text());
    }

    @Test
    void plainAndRawTemplates() {
        var plain = PromptTemplate.plain().render(example("", "You are dumb", null));
        assertEquals("### Response:", plain.prompt());
        assertEquals("You are dumb", plain.response());
        assertEquals("### Response:You are", PromptTemplate.plain().render(example("You are", " dumb", null)).prompt());
        var raw = PromptTemplate.raw().render(example("a", "b", null));
        assertEquals("a", raw.prompt());
        assertEquals("b", raw.response());
    }

    @Test
    void userTemplateFromFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "<user>{prompt}</user><bot>{response}</s>\n");
        var r = PromptTemplate.named(f.toString()).render(example("hi", "yo", null));
        assertEquals("<user>hi</user><bot>", r.prompt());
        assertEquals("yo</s>", r.response());
        Files.writeString(f, "Q: {prompt}\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PromptTemplate.fromFile(f));
        assertEquals(f + ": a template needs exactly one {response} placeholder", e.getMessage());
        assertThrows(DataFormatException.class, () -> PromptTemplate.fromText("{response}{prompt}", "x"));
    }
}
