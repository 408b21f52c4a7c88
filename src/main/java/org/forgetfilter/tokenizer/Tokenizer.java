package org.forgetfilter.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back. Implementations: the llama2.c tokenizer (plain Java), Hugging Face
 * {@code tokenizer.json} (through DJL's bindings) and a byte-level tokenizer for self-contained demos.
 * {@link Tokenizers#load(Path)} finds the right one for a file or model folder.
 */
public interface Tokenizer {

    /**
     * Tokens of a text that starts a document, without BOS/EOS. The llama2.c tokenizer prepends its
     * dummy-prefix space here, as llama2.c's run.c does.
     */
    int[] encode(String text);

    /** Tokens of a text that continues earlier text (no dummy prefix). Used for responses after a prompt. */
    default int[] encodeContinuation(String text) {
        return encode(text);
    }

    /** Text of a token sequence; special tokens (BOS/EOS) decode to nothing. */
    String decode(int[] ids);

    /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
    int bosId();

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    int eosId();

    int vocabSize();

    /** Writes the files that let {@link Tokenizers#load(Path)} reload this tokenizer from {@code modelDir}. */
    void saveTo(Path modelDir) throws IOException;
}
