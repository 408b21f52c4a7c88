package org.forgetfilter.infer;

import java.nio.file.Path;
import org.forgetfilter.tokenizer.Tokenizer;

/** A tokenizer stand-in for engine tests: token i is the character 'a' + i (mod 26); no BOS or EOS. */
final class FakeTokenizer implements Tokenizer {
    private final int vocab;

    FakeTokenizer(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
        return text.chars().map(c -> (c - 'a') % vocab).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append((char) ('a' + id % 26));
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
        throw new UnsupportedOperationException("test tokenizer");
    }
}
