package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The cutting rule: a too-long example keeps its whole prompt and loses the tail of its response first. */
class SequenceEncoderTest {
    private static final ByteTokenizer TOK = new ByteTokenizer();

    private static int[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return TOK.encode(s).length == b.length ? TOK.encode(s) : null;
    }

    @Test
    void aLongResponseLosesItsTailAndThePromptStaysWhole() {
        SequenceEncoder enc = new SequenceEncoder(TOK, 80, true);
        String prompt = "How do I make a weapon at home? ";
        TokenizedExample t = enc.encode(prompt, "x".repeat(100));
        assertEquals(80, t.prompt().length + t.response().length);
        int[] wholePrompt = new int[bytes(prompt).length + 1];
        wholePrompt[0] = TOK.bosId();
        System.arraycopy(bytes(prompt), 0, wholePrompt, 1, bytes(prompt).length);
        assertArrayEquals(wholePrompt, t.prompt(), "the request is kept whole");
        assertEquals(1, enc.responseCuts());
        assertEquals(0, enc.promptCuts());
    }

    @Test
    void aPromptFillingTheBudgetLosesItsHeadButKeepsAQuarterForTheResponse() {
        SequenceEncoder enc = new SequenceEncoder(TOK, 40, true);
        String prompt = "a".repeat(60) + "QUESTION";
        TokenizedExample t = enc.encode(prompt, "the answer is long enough");
        assertEquals(40, t.prompt().length + t.response().length);
        assertEquals(10, t.response().length, "a quarter of the budget is left to the response");
        int[] p = t.prompt();
        assertEquals(TOK.bosId(), p[0]);
        assertEquals("QUESTION", TOK.decode(Arrays.copyOfRange(p, p.length - 8, p.length)));
        assertEquals(1, enc.promptCuts());
        assertEquals(1, enc.responseCuts());
        assertEquals(1, enc.truncatedCount());
    }

    @Test
    void anExampleThatFitsIsNotCut() {
        SequenceEncoder enc = new SequenceEncoder(TOK, 64, true);
        TokenizedExample t = enc.encode("short prompt ", "short answer");
        assertEquals(TOK.eosId(), t.response()[t.response().length - 1]);
        assertEquals(0, enc.truncatedCount());
    }
}
