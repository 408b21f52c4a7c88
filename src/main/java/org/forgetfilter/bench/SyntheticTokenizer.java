package org.forgetfilter.bench;

import java.nio.file.Path;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * The tokenizer of a randomly initialised benchmark model: ids only, no BOS or EOS (so generation never stops
 * early), each id decodes to {@code <id>}. Not for real text.
 */
public final class SyntheticTokenizer implements Tokenizer {
    private final int vocab;

    public SyntheticTokenizer(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
        throw new UnsupportedOperationException("a benchmark tokenizer has no text encoding");
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append('<').append(id).append('>');
        }
        return sb.toString();
    }

    @Override
    public int bosId() {
        return -1;
    }

    @Override
    public int eosId() {
        return -1;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public void saveTo(Path modelDir) {
        throw new UnsupportedOperationException("a benchmark tokenizer is not saved");
    }
}
