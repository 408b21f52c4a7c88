package org.forgetfilter.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and loads the tokenizer of a model folder or a tokenizer file. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Loads a tokenizer from a file ({@code tokenizer.bin} of llama2.c, {@code tokenizer.json} of Hugging Face)
     * or from a model folder that holds one.
     */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path llama2c = path.resolve(Llama2cTokenizer.FILE_NAME);
            if (Files.isRegularFile(llama2c)) {
                return Llama2cTokenizer.load(llama2c, -1);
            }
            throw new IOException(path + ": no tokenizer found (expected " + Llama2cTokenizer.FILE_NAME + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": tokenizer file not found");
        }
        return Llama2cTokenizer.load(path, -1);
    }
}
