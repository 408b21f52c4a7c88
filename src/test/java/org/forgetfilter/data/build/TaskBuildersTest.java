package org.forgetfilter.data.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.tokenizer.Tokenizer;
import org.forgetfilter.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

/** SQuAD and Alpaca task builders on the real files. */
class TaskBuildersTest {

    @Test
    void squadWindowsStayWithinTheTokenBoundAndHoldTheAnswer() throws IOException {
        Tokenizer tok = Tokenizers.load(SharedData.require("models/stories260K/tok512.bin"));
        TokenCounter counter = TokenCounter.of(tok, "tok512.bin");
        Built b = new SquadBuilder(counter, 64).build(SharedData.require("squad/dev-v1.1.json"));
        assertEquals(10_570, b.examples().size());
        Example first = b.examples().get(0);
        assertEquals("56be4db0acb8001400a502ec", first.id());
        assertEquals("Denver Broncos", first.response());
        assertEquals("Super_Bowl_50", first.extraText("article"));
        assertEquals(3, first.extra().get("answers").size());
        assertTrue(first.prompt().endsWith("\nQuestion: Which NFL team represented the AFC at Super Bowl 50?"));
        for (Example e : b.examples()) {
            String window = e.prompt().substring("Context: ".length(), e.prompt().lastIndexOf("\nQuestion: "));
            assertTrue(window.contains(e.response()), e.id());
            int tokens = tok.encode(window).length;
            assertEquals(tokens, e.extra().get("context_tokens").asInt());
            assertTrue(tokens <= 64 || window.equals(e.response()), e.id() + ": " + tokens + " tokens");
            assertEquals(Example.TASK, e.label());
        }
    }

    @Test
    void squadWithoutTokenizerCountsWords() throws IOException {
        Built b = new SquadBuilder(TokenCounter.words(), 20).build(SharedData.require("squad/dev-v1.1.json"));
        assertTrue(b.notes().get(0).contains("whitespace words"));
        for (Example e : b.examples().subList(0, 200)) {
            String window = e.prompt().substring("Context: ".length(), e.prompt().lastIndexOf("\nQuestion: "));
            assertTrue(window.split("\\s+").length <= 20 || window.equals(e.response()), e.id());
        }
    }

    @Test
    void alpacaExamplesAreTasksAndRepeatsAreKeptOnce() throws IOException {
        Built b = new AlpacaBuilder().build(List.of(SharedData.require("alpaca/alpaca_first200.json"),
                SharedData.require("alpaca/alpaca_first200.json")));
        assertEquals(200, b.examples().size());
        assertTrue(b.notes().get(1).contains("200 already seen"));
        Example first = b.examples().get(0);
        assertEquals("Give three tips for staying healthy.", first.prompt());
        assertEquals(Example.TASK, first.label());
        assertEquals("instruction", first.category());
        assertEquals(Example.contentId(first.prompt(), first.response()), first.id());
    }
}
