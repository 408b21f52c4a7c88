package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.model.Architecture;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;
import org.forgetfilter.train.TrainingDefaults;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** filter and finetune declare the training options once (TrainingOptions) and read them into the same settings. */
class TrainingOptionsTest {
    private static final long PARAMS = 3_000_000;

    private static FilterSettings filter(String... training) {
        FilterCommand cmd = new FilterCommand();
        new CommandLine(cmd).parseArgs(args(List.of("--model", "m", "--data", "d.jsonl", "--safe", "s.jsonl",
                "--out", "o"), training));
        try {
            return cmd.settings();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static FilterSettings finetune(String... training) {
        FinetuneCommand cmd = new FinetuneCommand();
        new CommandLine(cmd).parseArgs(args(List.of("--model", "m", "--data", "d.jsonl", "--out", "o"), training));
        return cmd.settings();
    }

    private static String[] args(List<String> required, String[] extra) {
        List<String> all = new ArrayList<>(required);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void sameOptionsGiveTheSameFinetuneInBothCommands() {
        String[][] cases = {
            {},
            {"--lr", "3e-4", "--epochs", "2", "--batch-size", "8", "--grad-accum", "2", "--schedule", "linear",
                "--warmup-ratio", "0.1", "--prompt-loss", "--max-length", "128", "--seed", "7"},
            {"--max-steps", "30", "--lora-rank", "4", "--lora-alpha", "8", "--lora-dropout", "0", "--lora-targets",
                "q_proj,k_proj"},
        };
        for (String[] c : cases) {
            FilterSettings a = filter(c).resolve(PARAMS, Architecture.LLAMA);
            FilterSettings b = finetune(c).resolve(PARAMS, Architecture.LLAMA);
            assertEquals(a.finetune(250), b.finetune(250), String.join(" ", c));
            assertEquals(String.valueOf(a.lora()), String.valueOf(b.lora()), String.join(" ", c));
            assertEquals(a.get("max-length"), b.get("max-length"));
        }
    }

    @Test
    void optionsReachTheTrainingConfig() {
        FilterSettings s = finetune("--lr", "3e-4", "--epochs", "2", "--batch-size", "8", "--schedule", "linear",
                "--warmup-ratio", "0.1", "--seed", "7", "--lora-rank", "4", "--lora-targets", "q_proj,k_proj")
                .resolve(PARAMS, Architecture.LLAMA);
        TrainingConfig t = s.finetune(80);
        assertEquals(3e-4f, t.learningRate());
        assertEquals(2, t.epochs());
        assertEquals(8, t.batchSize());
        assertEquals(LrSchedule.Kind.LINEAR, t.schedule());
        assertEquals((int) Math.ceil(0.1 * t.totalSteps(80)), t.warmupSteps());
        assertEquals(7, t.seed());
        LoraConfig lora = s.lora();
        assertEquals(4, lora.rank());
        assertEquals(List.of("q_proj", "k_proj"), lora.targetModules());

        TrainingConfig d = finetune().resolve(PARAMS, Architecture.LLAMA).finetune(80);
        assertEquals(TrainingDefaults.SMALL_MODEL_LR, d.learningRate());
        assertEquals(TrainingDefaults.EPOCHS, d.epochs());
        assertEquals(TrainingDefaults.SCHEDULE, d.schedule());
        assertNotEquals(0, d.warmupSteps());
        assertNull(finetune().resolve(PARAMS, Architecture.LLAMA).lora());
        assertEquals(TrainingDefaults.LORA_LR, finetune("--lora-rank", "8").resolve(1_100_000_000L, Architecture.LLAMA)
                .finetune(80).learningRate());
    }
}
