package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.Llama2cCheckpoint;
import org.forgetfilter.checkpoint.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsStories260KToAnF16Folder() throws Exception {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path out = dir.resolve("hf");
        int code = Main.commandLine().execute("convert", "--model", bin.toString(), "--out", out.toString(), "--dtype", "f16");
        assertEquals(0, code);
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.bin")));
        try (SafetensorsReader r = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            assertEquals("F16", r.info("model.layers.0.self_attn.q_proj.weight").dtype().name());
        }
        Checkpoint back = HfModelDirectory.load(out);
        Checkpoint orig = Llama2cCheckpoint.read(bin);
        assertArrayEquals(orig.weight("model.layers.2.self_attn.k_proj.weight").data(),
                back.weight("model.layers.2.self_attn.k_proj.weight").data(), 1e-3f);
    }

    @Test
    void badDtypeFailsWithAMessage() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("convert", "--model", bin.toString(), "--out", dir.resolve("x").toString(), "--dtype", "int8");
        assertEquals(1, code);
        assertTrue(err.toString().contains("unsupported dtype 'int8'"), err.toString());
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
