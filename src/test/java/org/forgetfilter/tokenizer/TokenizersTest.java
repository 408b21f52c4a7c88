package org.forgetfilter.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    @TempDir
    Path dir;

    private static Path wordLevel() throws URISyntaxException {
        return Path.of(TokenizersTest.class.getResource("wordlevel/tokenizer.json").toURI()).getParent();
    }

    @Test
    void byteTokenizerRoundTripsUtf8AndReloads() throws IOException {
        ByteTokenizer t = new ByteTokenizer();
        assertArrayEquals(new int[] {0x68, 0xc3, 0xa9}, t.encode("hé"));
        assertEquals("hé!", t.decode(new int[] {256, 0x68, 0xc3, 0xa9, 0x21, 257}));
        assertEquals(258, t.vocabSize());
        t.saveTo(dir);
        Tokenizer back = Tokenizers.load(dir);
        assertTrue(back instanceof ByteTokenizer, "its own file is read first");
        assertTrue(Tokenizers.load(dir.resolve(ByteTokenizer.FILE_NAME)) instanceof ByteTokenizer);
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {300}));
    }

    /** The tokenizer.json saved beside tokenizer_byte.json gives the byte tokenizer's ids (for other tools). */
    @Test
    void byteTokenizerFoldersCarryAnEquivalentTokenizerJson() throws IOException {
        ByteTokenizer t = new ByteTokenizer();
        t.saveTo(dir);
        Tokenizer hf = HfTokenizer.load(dir.resolve(HfTokenizer.FILE_NAME));
        assertEquals(ByteTokenizer.VOCAB_SIZE, hf.vocabSize());
        assertEquals(ByteTokenizer.BOS, hf.bosId());
        assertEquals(ByteTokenizer.EOS, hf.eosId());
        for (String text : TestCorpus.lines()) {
            assertArrayEquals(t.encode(text), hf.encode(text), text);
            assertArrayEquals(t.encodeContinuation(text), hf.encodeContinuation(text), text);
            assertEquals(t.decode(t.encode(text)), hf.decode(t.encode(text)), text);
        }
    }

    @Test
    void huggingFaceTokenizerFromAHandWrittenFixture() throws Exception {
        Tokenizer t = Tokenizers.load(wordLevel());
        assertTrue(t instanceof HfTokenizer);
        assertArrayEquals(new int[] {3, 4, 5, 6}, t.encode("Once upon a time"), "no special tokens added");
        assertArrayEquals(new int[] {6, 0}, t.encode("time unknownword"));
        assertEquals(1, t.bosId());
        assertEquals(2, t.eosId());
        assertEquals(7, t.vocabSize());
        assertEquals("once upon a time", t.decode(new int[] {1, 3, 4, 5, 6, 2}), "special tokens decode to nothing");
        // longer than DJL's default truncation of 512 tokens
        String longText = "a ".repeat(700);
        assertEquals(700, t.encode(longText).length);

        t.saveTo(dir);
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer_config.json")));
        Tokenizer back = Tokenizers.load(dir.resolve("tokenizer.json"));
        assertArrayEquals(t.encode("a time upon once"), back.encode("a time upon once"));
        assertEquals(2, back.eosId());
    }

    @Test
    void llama2cTokenizerFileAndFolder() throws IOException {
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        Tokenizer t = Tokenizers.load(tok);
        assertTrue(t instanceof Llama2cTokenizer);
        assertEquals(512, t.vocabSize());
        t.saveTo(dir);
        assertTrue(Files.isRegularFile(dir.resolve(Llama2cTokenizer.FILE_NAME)), "tokenizer.bin is kept for llama2.c tools");
        Tokenizer back = Tokenizers.load(dir);
        assertTrue(back instanceof HfTokenizer, "the saved folder loads its tokenizer.json");
        assertTrue(Tokenizers.load(dir.resolve(Llama2cTokenizer.FILE_NAME)) instanceof Llama2cTokenizer);
        int[] ids = back.encode("Once upon a time");
        assertArrayEquals(t.encode("Once upon a time"), ids);
        assertTrue(ids.length < 8, Arrays.toString(ids));
    }

    /** Newer LLaMA tokenizer.json files put the prefix space in a Metaspace pre-tokenizer instead of a normalizer. */
    @Test
    void continuationsHaveNoPrefixSpaceWithEitherSentencePieceLayout() throws IOException {
        Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require("models/stories260K/tok512.bin"), -1);
        ObjectNode json = Llama2cTokenizerJson.tokenizerJson(llama);
        json.set("normalizer", Json.MAPPER.readTree(
                "{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\u2581\"}"));
        json.set("pre_tokenizer", Json.MAPPER.readTree(
                "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"first\", \"split\": false}"));
        Files.writeString(dir.resolve("tokenizer.json"), Json.MAPPER.writeValueAsString(json));
        Tokenizer metaspace = HfTokenizer.load(dir);
        String text = "Once upon a time, Lily";
        assertArrayEquals(llama.encode(text), metaspace.encode(text));
        assertArrayEquals(llama.encodeContinuation(text), metaspace.encodeContinuation(text));
        assertArrayEquals(llama.encodeContinuation(" and Tom"), metaspace.encodeContinuation(" and Tom"));
        assertFalse(Arrays.equals(metaspace.encode(text), metaspace.encodeContinuation(text)));
        // A tokenizer without a prefix step continues exactly as it starts.
        Tokenizer word = Tokenizers.load(wordLevelDir());
        assertArrayEquals(word.encode("once upon"), word.encodeContinuation("once upon"));
    }

    private static Path wordLevelDir() {
        try {
            return wordLevel();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void emptyFolderNamesWhatWasExpected() {
        IOException e = assertThrows(IOException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains(dir.toString()), e.getMessage());
    }
}
