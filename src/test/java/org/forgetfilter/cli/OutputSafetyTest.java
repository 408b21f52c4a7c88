package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every writing command refuses to destroy its input, to share its output folder, and says why it failed. */
class OutputSafetyTest {
    private static final String RECORDS = "{\"id\":\"a\",\"prompt\":\"p1\",\"response\":\"r1\"}\n"
            + "{\"id\":\"b\",\"prompt\":\"p2\",\"response\":\"r2\"}\n";

    @TempDir
    Path dir;

    private Path data(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, RECORDS);
    }

    private static void assertRefused(CliRun r, String... parts) {
        assertEquals(1, r.exitCode(), r.err());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "expected '" + part + "' in: " + r.err());
        }
    }

    /** Runs with System.err captured too (the commands print progress and warnings there). */
    private static CliRun withStderr(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            CliRun r = CliRun.of(args);
            return new CliRun(r.exitCode(), r.out(), r.err() + bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void filterRefusesDataThatItsOutputFolderWouldOverwrite() throws Exception {
        Path out = dir.resolve("run");
        Path kept = data("run/kept.jsonl");
        Path safe = data("safe.jsonl");
        assertRefused(CliRun.of("filter", "--model", "none.bin", "--data", kept.toString(), "--safe", safe.toString(),
                "--out", out.toString()), "filter would overwrite its input " + kept, out.resolve("kept.jsonl").toString());
        assertEquals(RECORDS, Files.readString(kept));
    }

    @Test
    void filterIntoAFolderAnotherRunHoldsIsRefusedNamingTheHolder() throws Exception {
        Path out = dir.resolve("run");
        try (OutputFolder held = OutputFolder.open(out, "filter", List.of(), List.of(), s -> { })) {
            assertRefused(CliRun.of("filter", "--model", "none.bin", "--data", data("d.jsonl").toString(), "--safe",
                    data("s.jsonl").toString(), "--out", out.toString()),
                    out + " is in use by process " + ProcessHandle.current().pid());
        }
    }

    @Test
    void filterOutThatIsAFileIsNamedAsAFile() throws Exception {
        Path file = data("run");
        assertRefused(CliRun.of("filter", "--model", "none.bin", "--data", data("d.jsonl").toString(), "--safe",
                data("s.jsonl").toString(), "--out", file.toString()), file + ": is a file, expected a folder");
    }

    @Test
    void filterWarnsWhenTheDataIsItsOwnSafeSetAndHasDuplicates() throws Exception {
        Path d = Files.writeString(dir.resolve("d.jsonl"), RECORDS + "{\"id\":\"a\",\"prompt\":\"p3\",\"response\":\"r3\"}\n");
        CliRun r = withStderr("filter", "--model", dir.resolve("none.bin").toString(), "--data", d.toString(), "--safe",
                d.toString(), "--out", dir.resolve("run").toString());
        assertTrue(r.err().contains("forgetfilter: warning (same_input_file): the data and the safe review set are the "
                + "same file") && r.err().contains("forgetfilter: warning (duplicates): 1 of 3 records in " + d), r.err());
    }

    @Test
    void finetuneRefusesAnOutputFolderHoldingItsData() throws Exception {
        Path model = dir.resolve("model");
        Path train = data("model/train.jsonl");
        assertRefused(CliRun.of("finetune", "--model", "none.bin", "--data", train.toString(), "--out", model.toString()),
                "finetune would overwrite its input " + train);
        assertEquals(RECORDS, Files.readString(train));
    }

    @Test
    void scoreAndDataCommandsRefuseToWriteOverTheirInput() throws Exception {
        Path d = data("d.jsonl");
        assertRefused(CliRun.of("score", "--model", "none.bin", "--data", d.toString(), "--out", d.toString()),
                "score would overwrite its input: output " + d + " is the input file");
        assertRefused(CliRun.of("data", "convert", "--input", d.toString(), "--out", dir.resolve("./d.jsonl").toString()),
                "data convert would overwrite its input");
        assertRefused(CliRun.of("data", "select", "--input", d.toString(), "--out", d.toString()),
                "data select would overwrite its input");
        Path x = dir.resolve("x.jsonl");
        assertRefused(CliRun.of("data", "split", "--input", d.toString(), "--by", "id", "--fractions", "0.5,0.5",
                "--seed", "1", "--out", x + "," + x), "--out names " + x + " twice");
        assertEquals(RECORDS, Files.readString(d));
    }

    @Test
    void aFileWhereAFolderIsExpectedIsNamedWithTheReason() throws Exception {
        Path file = data("d.jsonl");
        assertRefused(CliRun.of("data", "convert", "--input", file.toString(), "--out", file.resolve("out.jsonl").toString()),
                "forgetfilter: " + file + ": is a file, expected a folder");
    }

    @Test
    void loneSurrogateStopsDataConvertInsteadOfBecomingAQuestionMark() throws Exception {
        Path in = Files.writeString(dir.resolve("s.jsonl"), "{\"prompt\":\"a\\ud800b\",\"response\":\"r\"}\n");
        Path out = dir.resolve("out.jsonl");
        assertRefused(CliRun.of("data", "convert", "--input", in.toString(), "--out", out.toString()),
                in + ":1: field 'prompt' holds a lone UTF-16 surrogate");
        assertFalse(Files.exists(out));
    }

    @Test
    void scoreOnAConfigClaimingAMillionLayersFailsAtOnce() throws Exception {
        ModelConfig cfg = ModelConfig.gpt2(ByteTokenizer.VOCAB_SIZE, 8, 2, 2, 16, ByteTokenizer.BOS, ByteTokenizer.EOS);
        Path model = dir.resolve("m");
        HfModelDirectory.save(new Checkpoint(cfg, TransformerLm.randomWeights(cfg, 1), new ByteTokenizer(), "t"), model,
                SafetensorsDtype.F32, Map.of());
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(model.resolve("config.json").toFile());
        config.put("n_layer", 1_000_000);
        Files.writeString(model.resolve("config.json"), config.toString());
        long start = System.nanoTime();
        assertRefused(CliRun.of("score", "--model", model.toString(), "--data", data("d.jsonl").toString(), "--out",
                dir.resolve("s.jsonl").toString()), model.toString(), "1000000");
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "refused before building a million layers");
    }

    @Test
    void scoreWarnsAboutDuplicateRecords() throws Exception {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        Path d = Files.writeString(dir.resolve("d.jsonl"), RECORDS + RECORDS);
        CliRun r = withStderr("score", "--model", bin, "--data", d.toString(), "--out", dir.resolve("s.jsonl").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("warning (duplicates): 2 of 4 records"), r.err());
    }
}
