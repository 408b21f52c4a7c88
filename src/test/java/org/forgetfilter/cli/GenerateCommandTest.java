package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    @TempDir
    Path dir;

    /** The 200-token greedy sample quoted in models/SOURCE.md (llama2.c's reference output). */
    private static String golden() throws IOException {
        String source = Files.readString(SharedData.require("models/SOURCE.md"));
        int start = source.indexOf("\"Once upon a time");
        int end = source.indexOf("so she\"", start);
        assertTrue(start >= 0 && end > start, "golden text not found in SOURCE.md");
        return source.substring(start + 1, end + "so she".length());
    }

    private static String bin() {
        return SharedData.require("models/stories260K/stories260K.bin").toString();
    }

    @Test
    void greedyFromBosReproducesTheGoldenTextThroughTheCli() throws IOException {
        CliRun r = CliRun.ok("generate", "--model", bin(), "--max-new-tokens", "200");
        assertEquals(golden() + "\n", r.out());
    }

    @Test
    void bf16HfFolderOfTheCheckpointGeneratesTheSameFirstSentence() throws IOException {
        Path hf = dir.resolve("hf");
        CliRun.ok("convert", "--model", bin(), "--out", hf.toString(), "--dtype", "bf16");
        CliRun r = CliRun.ok("generate", "--model", hf.toString(), "--max-new-tokens", "40");
        String firstSentence = golden().substring(0, golden().indexOf('.') + 1);
        assertTrue(r.out().startsWith(firstSentence), "bf16 folder generated: " + r.out());
    }

    @Test
    void continuationKeepsItsLeadingSpaceAndStopsAtTheStopString() {
        CliRun r = CliRun.ok("generate", "--model", bin(), "--prompt", "Once upon a", "--max-new-tokens", "50",
                "--stop", ".", "--stop", "!");
        assertEquals(" time, there was a little girl named Lily\n", r.out());
    }

    @Test
    void aCudaDeviceOnTheCpuBuildIsRefusedBeforeAnythingRuns() {
        CliRun r = CliRun.of("generate", "--model", bin(), "--max-new-tokens", "5", "--device", "cuda");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--device cuda: libtorch sees 0 CUDA device(s)"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void nonPositiveTokenBudgetFailsWithAMessage() {
        CliRun r = CliRun.of("generate", "--model", bin(), "--max-new-tokens", "0");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--max-new-tokens must be positive"), r.err());
    }

    @Test
    void templateRendersThePromptAsTrainingDid() throws IOException {
        CliRun viaTemplate = CliRun.ok("generate", "--model", bin(), "--template", "instruction", "--prompt",
                "Tell a story.", "--max-new-tokens", "30");
        CliRun byHand = CliRun.ok("generate", "--model", bin(), "--prompt",
                "###Instruction:\nRespond to the following input.\n###Input:\nTell a story.\n### Response:",
                "--max-new-tokens", "30");
        assertEquals(byHand.out(), viaTemplate.out());
        CliRun chat = CliRun.of("generate", "--model", bin(), "--template", "chat", "--prompt", "Hi");
        assertTrue(chat.exitCode() != 0, chat.err());
        assertTrue(chat.err().contains("model folder"), chat.err());
    }
}
