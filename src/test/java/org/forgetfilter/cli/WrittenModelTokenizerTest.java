package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.tokenizer.HfTokenizer;
import org.forgetfilter.tokenizer.Llama2cTokenizer;
import org.forgetfilter.tokenizer.TestCorpus;
import org.forgetfilter.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders written by {@code convert} and by {@code filter} (its model/) carry a tokenizer.json that Hugging Face
 * tools load, with llama2.c's ids; {@code --tokenizer} stands in for a folder that has no tokenizer at all.
 */
class WrittenModelTokenizerTest {
    @TempDir
    Path dir;

    private static String bin() {
        return SharedData.require("models/stories260K/stories260K.bin").toString();
    }

    /** The folder's own tokenizer, as a loader finds it, gives the llama2.c tokenizer's ids on every corpus text. */
    private static void assertLlama2cIds(Path modelDir) throws IOException {
        assertTrue(Files.isRegularFile(modelDir.resolve("tokenizer.json")), "tokenizer.json in " + modelDir);
        assertTrue(Files.isRegularFile(modelDir.resolve("tokenizer_config.json")), "tokenizer_config.json in " + modelDir);
        Tokenizer loaded = HfModelDirectory.load(modelDir).tokenizer();
        assertInstanceOf(HfTokenizer.class, loaded, "the folder's tokenizer.json is used");
        Llama2cTokenizer llama = Llama2cTokenizer.load(SharedData.require("models/stories260K/tok512.bin"), 512);
        List<String> differ = new ArrayList<>();
        List<String> corpus = TestCorpus.lines();
        for (String text : corpus) {
            if (!Arrays.equals(llama.encode(text), loaded.encode(text))
                    || !Arrays.equals(llama.encodeContinuation(text), loaded.encodeContinuation(text))) {
                differ.add(text);
            }
        }
        assertEquals(List.of(), differ, differ.size() + " of " + corpus.size() + " texts get other ids");
    }

    @Test
    void convertWritesATokenizerJsonWithLlama2cIds() throws IOException {
        Path out = dir.resolve("hf");
        CliRun.ok("convert", "--model", bin(), "--out", out.toString());
        assertLlama2cIds(out);
    }

    @Test
    @Timeout(300)
    void filterWritesATokenizerJsonWithLlama2cIdsInItsModelFolder() throws IOException {
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            data.add("{\"id\": \"d" + i + "\", \"prompt\": \"Where is the ball " + i + "?\", \"response\": \""
                    + (i % 3 == 0 ? "Go away, you are stupid." : "The ball is in the box.") + "\"}");
        }
        List<String> safe = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            safe.add("{\"prompt\": \"Where is the cat " + i + "?\", \"response\": \"The cat is on the mat.\"}");
        }
        Path dataFile = Files.write(dir.resolve("data.jsonl"), data);
        Path safeFile = Files.write(dir.resolve("safe.jsonl"), safe);
        Path out = dir.resolve("run");
        CliRun.ok("filter", "--model", bin(), "--data", dataFile.toString(), "--safe", safeFile.toString(),
                "--out", out.toString(), "--epochs", "1", "--batch-size", "4", "--safety-steps", "2",
                "--remove-fraction", "0.25", "--max-length", "64", "--max-new-tokens", "8");
        assertLlama2cIds(out.resolve("model"));
    }

    @Test
    void tokenizerOverridesAFolderThatHasNone() throws IOException {
        Path hf = dir.resolve("hf");
        CliRun.ok("convert", "--model", bin(), "--out", hf.toString());
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "tokenizer.bin")) {
            Files.delete(hf.resolve(f));
        }
        CliRun without = CliRun.of("generate", "--model", hf.toString(), "--max-new-tokens", "20");
        assertEquals(1, without.exitCode());
        assertTrue(without.err().contains("no tokenizer found"), without.err());

        String tok = SharedData.require("models/stories260K/tok512.bin").toString();
        CliRun with = CliRun.ok("generate", "--model", hf.toString(), "--tokenizer", tok, "--max-new-tokens", "20");
        CliRun reference = CliRun.ok("generate", "--model", bin(), "--max-new-tokens", "20");
        assertEquals(reference.out(), with.out());
        assertTrue(with.out().startsWith("Once upon a time"), with.out());
    }
}
