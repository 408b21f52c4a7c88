package org.forgetfilter.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment's stage cache is keyed on what the model and tokenizer contain, not on their paths. */
class ExperimentBaseKeyTest {
    @Test
    void keyFollowsContentNotPathSpelling(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path model = Files.write(data.resolve("model.bin"), new byte[] {1, 2, 3, 4});
        Path tok = Files.write(data.resolve("tok.bin"), new byte[] {9, 8, 7});
        Path copy = Files.write(dir.resolve("elsewhere.bin"), new byte[] {1, 2, 3, 4});
        Path otherTok = Files.write(dir.resolve("tok2.bin"), new byte[] {9, 8, 6});
        Path spelledDifferently = dir.resolve("data/../data/model.bin");

        String key = ExperimentRunner.baseKey(ExperimentRunner.modelHash(model.toString()), tok);
        assertEquals(key, ExperimentRunner.baseKey(ExperimentRunner.modelHash(spelledDifferently.toString()), tok),
                "the same file under another spelling of its path");
        assertEquals(key, ExperimentRunner.baseKey(ExperimentRunner.modelHash(copy.toString()), tok),
                "the same bytes under another name");
        assertNotEquals(key, ExperimentRunner.baseKey(ExperimentRunner.modelHash(model.toString()), otherTok),
                "another tokenizer");
        assertNotEquals(key, ExperimentRunner.baseKey(ExperimentRunner.modelHash(model.toString()), null),
                "no separate tokenizer");
        assertNotEquals(key, ExperimentRunner.baseKey(ExperimentRunner.modelHash("hf:org/name"), tok), "a hub model");
    }
}
