package org.forgetfilter.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer.json written for a llama2.c vocabulary, run by the Rust tokenizers library, gives llama2.c's ids on
 * real text: both for text that starts a document (dummy-prefix space) and for a continuation (none).
 */
class Llama2cTokenizerJsonTest {
    @TempDir
    Path dir;

    @Test
    void tok512GivesLlama2cIdsOnTheCorpus() throws IOException {
        assertSameIds("models/stories260K/tok512.bin");
    }

    @Test
    void tok4096GivesLlama2cIdsOnTheCorpus() throws IOException {
        assertSameIds("models/stories3M/tok4096.bin");
    }

    private void assertSameIds(String tokenizerFile) throws IOException {
        Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require(tokenizerFile), -1);
        llama.saveTo(dir);
        Tokenizer hf = Tokenizers.load(dir);
        assertInstanceOf(HfTokenizer.class, hf, "a folder with tokenizer.json loads it in preference to tokenizer.bin");
        assertEquals(llama.vocabSize(), hf.vocabSize());
        assertEquals(llama.bosId(), hf.bosId());
        assertEquals(llama.eosId(), hf.eosId());

        List<String> corpus = TestCorpus.lines();
        List<String> mismatches = new ArrayList<>();
        long tokens = 0;
        for (String text : corpus) {
            int[] expected = llama.encode(text);
            int[] continuation = llama.encodeContinuation(text);
            tokens += expected.length;
            if (!Arrays.equals(expected, hf.encode(text))) {
                mismatches.add("encode '" + text + "': llama2.c " + Arrays.toString(expected) + " tokenizer.json "
                        + Arrays.toString(hf.encode(text)));
            }
            if (!Arrays.equals(continuation, hf.encodeContinuation(text))) {
                mismatches.add("continuation '" + text + "': llama2.c " + Arrays.toString(continuation)
                        + " tokenizer.json " + Arrays.toString(hf.encodeContinuation(text)));
            }
            if (!llama.decode(expected).equals(hf.decode(expected))) {
                mismatches.add("decode " + Arrays.toString(expected) + ": llama2.c '" + llama.decode(expected)
                        + "' tokenizer.json '" + hf.decode(expected) + "'");
            }
        }
        System.out.printf("%s: %d texts, %d tokens, %d mismatches%n", tokenizerFile, corpus.size(), tokens, mismatches.size());
        assertTrue(corpus.size() >= 500, "corpus has " + corpus.size() + " texts");
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " of " + corpus.size() + " texts differ");
    }

    /**
     * Text made of random runs of vocabulary pieces is where the one construction difference would show (two
     * overlapping splits of the same piece, see {@link Llama2cTokenizerJson}); none of these fixed-seed texts hits it.
     */
    @Test
    void randomPieceSequencesGiveTheSameIds() throws IOException {
        for (String file : List.of("models/stories260K/tok512.bin", "models/stories3M/tok4096.bin")) {
            Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require(file), -1);
            Path d = Files.createDirectories(dir.resolve(Path.of(file).getFileName().toString()));
            llama.saveTo(d);
            Tokenizer hf = Tokenizers.load(d);
            SplittableRandom rnd = new SplittableRandom(11);
            int differ = 0;
            int n = 3000;
            String example = null;
            for (int i = 0; i < n; i++) {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(12);
                for (int k = 0; k < len; k++) {
                    sb.append(llama.piece(259 + rnd.nextInt(llama.vocabSize() - 259)));
                }
                String text = sb.toString();
                if (!Arrays.equals(llama.encode(text), hf.encode(text))) {
                    differ++;
                    example = example == null ? text : example;
                }
            }
            System.out.printf("%s: %d of %d random piece sequences differ%s%n", file, differ, n,
                    example == null ? "" : " (e.g. '" + example + "')");
            assertEquals(0, differ, file + ": " + differ + " of " + n + " random piece sequences differ, e.g. '" + example + "'");
        }
    }

    @Test
    void filesLookLikeAHuggingFaceLlamaTokenizer() throws IOException {
        Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require("models/stories260K/tok512.bin"), -1);
        Llama2cTokenizerJson.write(llama, dir);
        JsonNode json = Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
        JsonNode model = json.get("model");
        assertEquals("BPE", model.get("type").asText());
        assertTrue(model.get("byte_fallback").asBoolean());
        assertEquals(0, model.get("vocab").get("<unk>").asInt());
        assertEquals(1, model.get("vocab").get("<s>").asInt());
        assertEquals(3, model.get("vocab").get("<0x00>").asInt());
        assertEquals(259, model.get("vocab").get("\u2581t").asInt(), "llama2.c's ' t' is SentencePiece's '▁t'");
        assertFalse(model.get("vocab").has(" t"));
        assertEquals("\u2581 t", model.get("merges").get(0).asText(), "the highest-scoring piece merges first");
        JsonNode config = Json.MAPPER.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("<s>", config.get("bos_token").asText());
        assertEquals("</s>", config.get("eos_token").asText());
        assertFalse(config.get("clean_up_tokenization_spaces").asBoolean(), "DJL and transformers would alter ' .' otherwise");
        // A BOS-prefixed decode drops the dummy-prefix space as llama2.c does.
        Tokenizer hf = HfTokenizer.load(dir);
        int[] ids = llama.encode("Once upon a time");
        int[] withBos = new int[ids.length + 1];
        withBos[0] = 1;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        assertEquals("Once upon a time", hf.decode(withBos));
        assertArrayEquals(ids, hf.encode("Once upon a time"));
    }

    /** The two differences the construction has (documented in Llama2cTokenizerJson and the README), pinned. */
    @Test
    void theDocumentedDifferencesAreTheOnlyOnesOnTheirTexts() throws IOException {
        Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require("models/stories260K/tok512.bin"), -1);
        llama.saveTo(dir);
        Tokenizer hf = Tokenizers.load(dir);
        // A literal U+2581: bytes for llama2.c, a space for SentencePiece-style tokenizers.
        assertArrayEquals(llama.encode("a b"), hf.encode("a\u2581b"));
        assertFalse(Arrays.equals(llama.encode("a\u2581b"), hf.encode("a\u2581b")));
        // Special tokens typed in the text.
        assertTrue(Arrays.stream(hf.encode("the end</s>")).anyMatch(id -> id == llama.eosId()));
        assertFalse(Arrays.stream(llama.encode("the end</s>")).anyMatch(id -> id == llama.eosId()));
    }

    @Test
    void onlyFoldersWithoutTokenizerJsonFallBackToTokenizerBin() throws IOException {
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        Files.copy(tok, dir.resolve(Llama2cTokenizer.FILE_NAME));
        assertInstanceOf(Llama2cTokenizer.class, Tokenizers.load(dir), "an old folder with only tokenizer.bin");
    }
}
