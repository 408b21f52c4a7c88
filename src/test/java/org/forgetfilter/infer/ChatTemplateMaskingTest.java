package org.forgetfilter.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.chat.ChatFixtures;
import org.forgetfilter.io.Json;
import org.forgetfilter.tokenizer.HfTokenizer;
import org.forgetfilter.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat-template examples as training sees them: the token ids equal transformers' apply_chat_template(tokenize=True)
 * for the prompt and for the whole conversation (expected-token-ids.jsonl, same byte-level BPE tokenizer.json), and
 * the positions that carry loss are exactly those of the response part.
 */
class ChatTemplateMaskingTest {
    @Test
    void tokensMatchTransformersAndOnlyTheResponseIsLearned(@TempDir Path tmp) throws Exception {
        Path fixtures = ChatFixtures.dir();
        Tokenizer tok = HfTokenizer.load(fixtures.resolve("tokenizer.json"));
        Map<String, Example> examples = ChatFixtures.conversations(tmp);
        List<String> rows = Files.readAllLines(fixtures.resolve("expected-token-ids.jsonl"));
        assertEquals(25, rows.size(), "5 families x 5 conversations");
        try (NDManager m = NDManager.newBaseManager()) {
            for (String line : rows) {
                JsonNode row = Json.MAPPER.readTree(line);
                String family = row.get("family").asText();
                PromptTemplate t = PromptTemplate.named("chat", fixtures.resolve("templates").resolve(family), null);
                Example e = examples.get(row.get("conversation").asText());
                String what = family + " " + e.id();
                // appendEos as in training: a chat rendering must get no EOS (nor BOS) beyond the template's own.
                SequenceEncoder enc = new SequenceEncoder(tok, 4096, true);
                TokenizedExample te = enc.encodeAll(List.of(e), t).get(0);
                int[] promptIds = ints(row.get("prompt_ids"));
                int[] ids = ints(row.get("ids"));
                assertArrayEquals(promptIds, te.prompt(), what + " prompt ids");
                assertArrayEquals(ids, te.sequence(), what + " ids");
                assertEquals(0, enc.boundaryMerges(), what);
                assertArrayEquals(promptIds, enc.encodePrompt(t.renderPrompt(e), 16), what + " generation prompt");

                // The batch the trainer builds (PaddedBatch, prompt loss off): position j predicts token j + 1.
                TokenizedExample longer = new TokenizedExample(new int[]{1, 2, 3}, new int[ids.length]);
                PaddedBatch batch = new PaddedBatch(m, List.of(te, longer), false);
                long width = batch.width();
                long[] positions = batch.selectedPositions();
                long[] targets = batch.targetTokens();
                int[] exampleOfRow = batch.exampleOfRow();
                int k = 0;
                for (int row0 = 0; row0 < exampleOfRow.length; row0++) {
                    if (exampleOfRow[row0] != 0) {
                        continue;
                    }
                    assertEquals(promptIds.length - 1 + k, positions[row0], what + " loss position " + k);
                    assertEquals(ids[promptIds.length + k], targets[row0], what + " target " + k);
                    k++;
                }
                assertEquals(ids.length - promptIds.length, k, what + ": every response token and nothing else");
                assertEquals(width, Math.max(ids.length, 3 + ids.length) - 1, what);
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
