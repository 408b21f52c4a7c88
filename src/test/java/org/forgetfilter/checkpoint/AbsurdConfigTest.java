package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config or header claiming an absurd size is refused at once, before the size is allocated or iterated. */
class AbsurdConfigTest {
    @TempDir
    Path dir;

    private Path folderClaiming(String field, int value, int hidden) throws IOException {
        ModelConfig cfg = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 8, 12, 2, 2, 1, 16, true, 1, 2);
        Path folder = dir.resolve("m");
        HfModelDirectory.save(new Checkpoint(cfg, TestWeights.random(cfg, 1), new ByteTokenizer(), "t"), folder,
                SafetensorsDtype.F32, Map.of());
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(folder.resolve("config.json").toFile());
        config.put(field, value);
        config.put("hidden_size", hidden);
        Files.writeString(folder.resolve("config.json"), config.toString());
        return folder;
    }

    @Test
    void millionLayersOfASmallWidthFailAtOnceNamingTheLayerCount() throws IOException {
        Path folder = folderClaiming("num_hidden_layers", 1_000_000, 8);
        Exception e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(Exception.class, () -> HfModelDirectory.load(folder)));
        assertTrue(e.getMessage().contains(folder.toString()) && e.getMessage().contains("1000000"), e.getMessage());
    }

    @Test
    void millionLayersOfARealWidthAreRefusedByTheMemoryEstimate() throws IOException {
        Path folder = folderClaiming("num_hidden_layers", 1_000_000, 4096);
        Exception e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IllegalArgumentException.class, () -> HfModelDirectory.load(folder)));
        assertTrue(e.getMessage().startsWith(folder.resolve("config.json") + ": a llama model of")
                && e.getMessage().contains("this machine has"), e.getMessage());
    }

    @Test
    void llama2cHeaderClaimingAMillionLayersFailsOnTheFileSize() throws IOException {
        Path bin = dir.resolve("s.bin");
        Files.copy(SharedData.require("models/stories260K/stories260K.bin"), bin);
        try (RandomAccessFile f = new RandomAccessFile(bin.toFile(), "rw")) {
            f.seek(8);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1_000_000).array());
        }
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> Llama2cCheckpoint.readRaw(bin)));
        assertTrue(e.getMessage().contains("n_layers=1000000") && e.getMessage().contains("needs a file of"),
                e.getMessage());
    }
}
