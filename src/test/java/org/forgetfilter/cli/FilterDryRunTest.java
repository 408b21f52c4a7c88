package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.train.TrainingDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code filter --dry-run} on a TinyLlama-1.1B-shaped folder that holds only config.json (issue 11's done-when): the
 * plan comes from the config, the tokenizer and the data, without weights.
 */
class FilterDryRunTest {
    private static final String TINYLLAMA = "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\","
            + "\"hidden_size\":2048,\"intermediate_size\":5632,\"num_hidden_layers\":22,\"num_attention_heads\":32,"
            + "\"num_key_value_heads\":4,\"vocab_size\":32000,\"tie_word_embeddings\":false,"
            + "\"max_position_embeddings\":2048,\"rms_norm_eps\":1e-5,\"rope_theta\":10000.0,\"bos_token_id\":1,"
            + "\"eos_token_id\":2,\"hidden_act\":\"silu\",\"torch_dtype\":\"bfloat16\"}";

    private static JsonNode dryRun(Path dir, String... extra) throws Exception {
        Path model = Files.createDirectories(dir.resolve("tinyllama"));
        Files.writeString(model.resolve("config.json"), TINYLLAMA);
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            data.add("{\"id\": \"c" + i + "\", \"prompt\": \"Where is room " + i + "?\", \"response\": \"Room " + i
                    + " is upstairs.\"}");
        }
        Files.write(dir.resolve("data.jsonl"), data);
        Files.write(dir.resolve("safe.jsonl"), List.of("{\"prompt\": \"Who did it?\", \"response\": \"Unknown.\"}"));
        List<String> args = new ArrayList<>(List.of("filter", "--dry-run", "--model", model.toString(), "--tokenizer",
                SharedData.require("models/stories260K/tok512.bin").toString(), "--data",
                dir.resolve("data.jsonl").toString(), "--safe", dir.resolve("safe.jsonl").toString(), "--out",
                dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.ok(args.toArray(String[]::new));
        assertFalse(Files.exists(dir.resolve("out")), "a dry run writes nothing");
        assertEquals(1, r.out().strip().lines().count(), "one JSON object on one line: " + r.out());
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void loraPlanOfATinyLlamaShapedConfig(@TempDir Path dir) throws Exception {
        JsonNode p = dryRun(dir, "--lora-rank", "8");
        assertEquals(1_100_048_384L, p.get("parameters").asLong(), "TinyLlama-1.1B's parameter count");
        // q_proj and v_proj adapters: 22 layers x 8 x ((2048 + 2048) + (2048 + 256))
        assertEquals(22L * 8 * (4096 + 2304), p.get("trainable_parameters").asLong());
        assertEquals(20, p.get("examples").asInt());
        assertEquals(1, p.get("safe_examples").asInt());
        assertTrue(p.get("tokens").asLong() > 20 * 5, p.toString());
        assertEquals(TrainingDefaults.LORA_LR, p.get("finetune").get("lr").floatValue());
        assertEquals(TrainingDefaults.LORA_LR, p.get("retrain").get("lr").floatValue());
        assertEquals(TrainingDefaults.LORA_LR * TrainingDefaults.SAFETY_LR_FACTOR, p.get("safety").get("lr").floatValue(),
                1e-12);
        assertEquals(50, p.get("safety").get("steps").asInt());
        long weights = 4L * 1_100_048_384L;
        JsonNode parts = p.get("memory_bytes");
        assertEquals(weights, parts.get("weights_per_copy").asLong());
        assertEquals(1, parts.get("native_weight_copies").asInt(), "the base alone: the adapters train over its weights");
        assertEquals(12L * p.get("trainable_parameters").asLong(), parts.get("gradients").asLong()
                + parts.get("optimizer_state").asLong(), "AdamW on the adapters only");
        long total = p.get("memory_bytes_estimate").asLong();
        assertEquals(total, parts.get("total").asLong());
        assertTrue(total > 2 * weights && total < 5 * weights, "estimate " + MemoryEstimate.bytes(total));
    }

    @Test
    void fullFinetuningPlanHasTheFullDefaultsAndOptimizerState(@TempDir Path dir) throws Exception {
        JsonNode p = dryRun(dir);
        assertEquals(1_100_048_384L, p.get("parameters").asLong());
        assertEquals(p.get("parameters").asLong(), p.get("trainable_parameters").asLong());
        assertEquals(TrainingDefaults.FULL_LR, p.get("finetune").get("lr").floatValue());
        assertEquals(TrainingDefaults.FULL_LR, p.get("retrain").get("lr").floatValue());
        assertEquals("cosine", p.get("retrain").get("schedule").asText());
        assertEquals(TrainingDefaults.EPOCHS, p.get("retrain").get("epochs").asInt());
        assertEquals(12L * 1_100_048_384L, p.get("memory_bytes").get("gradients").asLong()
                + p.get("memory_bytes").get("optimizer_state").asLong());
        assertTrue(p.get("lora").isNull());
        // the embedding (32000 x 2048, TinyLlama's largest tensor): two gradients and AdamW's root, float32
        assertEquals(3L * 4 * 32000 * 2048, p.get("memory_bytes").get("step_scratch").asLong());
        assertNotEquals(dryRun(dir.resolve("b"), "--batch-size", "2").get("memory_bytes").get("activations").asLong(),
                p.get("memory_bytes").get("activations").asLong(), "the batch size changes the activations");
    }

    @Test
    void aRunThatCannotFitIsRefusedWithTheEstimateAndWhatToChange(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("huge"));
        Files.writeString(model.resolve("config.json"), TINYLLAMA.replace("\"num_hidden_layers\":22",
                "\"num_hidden_layers\":2200"));
        Files.write(dir.resolve("data.jsonl"), List.of("{\"prompt\": \"a?\", \"response\": \"b.\"}"));
        CliRun r = CliRun.of("filter", "--model", model.toString(), "--tokenizer",
                SharedData.require("models/stories260K/tok512.bin").toString(), "--data",
                dir.resolve("data.jsonl").toString(), "--safe", dir.resolve("data.jsonl").toString(), "--out",
                dir.resolve("out").toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("filter needs") && r.err().contains("--lora-rank")
                && r.err().contains("--batch-size") && r.err().contains("-Xmx"), r.err());
    }
}
