package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT-2 path of finetune and score, on a tiny random GPT-2 with the byte tokenizer (no download needed). */
class Gpt2FinetuneCommandTest {
    @TempDir
    Path dir;

    @Test
    void loraDefaultsToCAttnAndTheAdapterScoresThroughTheCli() throws Exception {
        ModelConfig cfg = ModelConfig.gpt2(ByteTokenizer.VOCAB_SIZE, 32, 2, 4, 128, ByteTokenizer.BOS, ByteTokenizer.EOS);
        Path base = dir.resolve("gpt2-tiny");
        HfModelDirectory.save(new Checkpoint(cfg, TransformerLm.randomWeights(cfg, 9), new ByteTokenizer(), "random"),
                base, SafetensorsDtype.F32, Map.of());
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "{\"id\":\"x\",\"prompt\":\"ab\",\"response\":\"cd\"}\n{\"id\":\"y\",\"prompt\":\"ef\",\"response\":\"gh\"}\n");
        Path out = dir.resolve("lora");
        CliRun.ok("finetune", "--model", base.toString(), "--data", data.toString(), "--out", out.toString(),
                "--lora-rank", "2", "--max-steps", "15", "--lr", "5e-2", "--template", "raw", "--lora-dropout", "0");
        JsonNode cfgJson = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("[\"c_attn\"]", cfgJson.get("target_modules").toString());
        assertTrue(cfgJson.get("fan_in_fan_out").asBoolean());

        Path before = dir.resolve("before.jsonl");
        Path after = dir.resolve("after.jsonl");
        CliRun.ok("score", "--model", base.toString(), "--data", data.toString(), "--out", before.toString(), "--template", "raw");
        CliRun.ok("score", "--model", base.toString(), "--adapter", out.toString(), "--data", data.toString(),
                "--out", after.toString(), "--template", "raw");
        List<String> b = Files.readAllLines(before);
        List<String> a = Files.readAllLines(after);
        for (int i = 0; i < 2; i++) {
            double lb = Json.MAPPER.readTree(b.get(i)).get("loglik").asDouble();
            double la = Json.MAPPER.readTree(a.get(i)).get("loglik").asDouble();
            assertTrue(la > lb, "the trained adapter raises the response likelihood: " + lb + " -> " + la);
            assertEquals(3, Json.MAPPER.readTree(a.get(i)).get("tokens").asInt(), "two bytes + EOS");
        }
    }
}
