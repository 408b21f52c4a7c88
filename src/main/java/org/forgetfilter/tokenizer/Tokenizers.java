package org.forgetfilter.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.forgetfilter.io.Json;

/** Finds and loads the tokenizer of a model folder or a tokenizer file. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Loads a tokenizer from a file or from a model folder that holds one. Recognised, in this order for a
     * folder: {@code tokenizer_byte.json} ({@link ByteTokenizer}), {@code tokenizer.json} (Hugging Face; folders we
     * write from a llama2.c vocabulary hold one with llama2.c's ids), {@code tokenizer.bin} (llama2.c, older folders).
     * A {@code .json} file is a byte tokenizer when its "type" says so, otherwise a Hugging Face tokenizer; any other
     * file is read as llama2.c's format.
     */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            // The byte tokenizer first: its folders also hold a tokenizer.json for other tools, and its own file is exact.
            if (Files.isRegularFile(path.resolve(ByteTokenizer.FILE_NAME))) {
                return ByteTokenizer.load(path.resolve(ByteTokenizer.FILE_NAME));
            }
            if (Files.isRegularFile(path.resolve(HfTokenizer.FILE_NAME))) {
                return HfTokenizer.load(path.resolve(HfTokenizer.FILE_NAME));
            }
            if (Files.isRegularFile(path.resolve(Llama2cTokenizer.FILE_NAME))) {
                return Llama2cTokenizer.load(path.resolve(Llama2cTokenizer.FILE_NAME), -1);
            }
            throw new NoSuchFileException(path.toString(), null, "no tokenizer found (expected "
                    + HfTokenizer.FILE_NAME + ", " + Llama2cTokenizer.FILE_NAME + " or " + ByteTokenizer.FILE_NAME + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "tokenizer file not found");
        }
        if (path.getFileName().toString().endsWith(".json")) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(path.toFile());
            } catch (IOException e) {
                throw new IOException(path + ": not valid JSON: " + e.getMessage(), e);
            }
            if (n != null && ByteTokenizer.TYPE.equals(n.path("type").asText())) {
                return ByteTokenizer.load(path);
            }
            return HfTokenizer.load(path);
        }
        return Llama2cTokenizer.load(path, -1);
    }
}
