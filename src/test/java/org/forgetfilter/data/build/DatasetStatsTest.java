package org.forgetfilter.data.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.forgetfilter.SharedData;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.tokenizer.Tokenizer;
import org.forgetfilter.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetStatsTest {

    @Test
    void countsAndWordPercentiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("s.jsonl");
        // Response lengths in words: 1, 2, 3, 4; prompt lengths 0, 0, 1, 1.
        Files.writeString(f, "{\"prompt\":\"\",\"response\":\"a\",\"label\":\"safe\",\"category\":\"x\"}\n"
                + "{\"prompt\":\"\",\"response\":\"a b\",\"label\":\"unsafe\",\"category\":\"x\"}\n"
                + "{\"prompt\":\"q\",\"response\":\"a b c\",\"label\":\"unsafe\"}\n"
                + "{\"prompt\":\"q\",\"response\":\"a b c d\"}\n");
        DatasetStats.Stats s = new DatasetStats().compute(f, null, false, TokenCounter.words(), PromptTemplate.raw());
        assertEquals(4, s.records());
        assertEquals(Map.of("safe", 1L, "unsafe", 2L, "(none)", 1L), s.byLabel());
        assertEquals(Map.of("x", 2L, "(none)", 2L), s.byCategory());
        // Nearest rank: p50 = 2nd smallest, p90/p95/p99/max = 4th.
        assertArrayEquals(new int[]{2, 4, 4, 4, 4}, s.percentiles().get("response"));
        assertArrayEquals(new int[]{0, 1, 1, 1, 1}, s.percentiles().get("prompt"));
        assertTrue(s.report().contains("whitespace words"));
    }

    @Test
    void tokenPercentilesWithARealTokenizer(@TempDir Path dir) throws IOException {
        Tokenizer tok = Tokenizers.load(SharedData.require("models/stories260K/tok512.bin"));
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, "{\"text\":\"Once upon a time\"}\n");
        DatasetStats.Stats s = new DatasetStats().compute(f, null, false, TokenCounter.of(tok, "tok512.bin"),
                PromptTemplate.plain());
        assertEquals(tok.encodeContinuation("Once upon a time").length, s.percentiles().get("response")[0]);
        assertEquals(tok.encode("### Response:").length + tok.encodeContinuation("Once upon a time").length,
                s.percentiles().get("plain")[0]);
        assertTrue(s.unit().startsWith("tokens"));
    }
}
