package org.forgetfilter.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.forgetfilter.bench.BenchPreset;
import org.forgetfilter.bench.InferenceBenchmark;
import org.forgetfilter.bench.TrainingBenchmark;
import org.forgetfilter.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forgetfilter bench}: engine speed; each subcommand prints one JSON line on stdout. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures engine speed on random data; prints one JSON line.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Score.class, BenchCommand.Generate.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void print(CommandSpec spec, Map<String, Object> result) throws Exception {
        spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(result));
        spec.commandLine().getOut().flush();
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training tokens/s of a randomly initialised preset model on random tokens (forward, "
                    + "backward, AdamW); flop_fraction = achieved / peak with 6 (full) or 4 (LoRA) * params * tokens.")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--preset", required = true, description = "gpt2-small or stories260k")
        String preset;
        @Option(names = "--lora-rank", defaultValue = "0", description = "LoRA rank; 0 = full finetune (default)")
        int loraRank;
        @Option(names = "--steps", defaultValue = "5", description = "timed optimizer steps (default: ${DEFAULT-VALUE})")
        int steps;
        @Option(names = "--warmup-steps", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
        int warmup;
        @Option(names = "--batch-size", defaultValue = "4", description = "sequences per micro-batch (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
        int gradAccum;
        @Option(names = "--seq-len", defaultValue = "128", description = "tokens per sequence (default: ${DEFAULT-VALUE})")
        int seqLen;
        @Option(names = "--peak-gflops", defaultValue = "224", description = "peak for flop_fraction; default: the "
                + "2-core FMA peak measured in docs/ENGINE.md (${DEFAULT-VALUE})")
        double peak;
        @Option(names = "--seed", defaultValue = "1", description = "random weights and data (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() throws Exception {
            print(spec, TrainingBenchmark.run(new TrainingBenchmark.Settings(BenchPreset.parse(preset), loraRank, steps,
                    warmup, batch, gradAccum, seqLen, peak, seed)));
            return 0;
        }
    }

    /** Options shared by the inference benchmarks. */
    abstract static class Inference implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--model", description = "model reference (e.g. stories260K.bin); or use --preset")
        String model;
        @Option(names = "--preset", description = "gpt2-small or stories260k with random weights")
        String preset;
        @Option(names = "--examples", defaultValue = "64", description = "sequences (default: ${DEFAULT-VALUE})")
        int examples;
        @Option(names = "--batch-size", defaultValue = "16", description = "sequences per batch (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--prompt-len", defaultValue = "32", description = "prompt tokens (default: ${DEFAULT-VALUE})")
        int promptLen;
        @Option(names = "--seed", defaultValue = "1", description = "random weights and data (default: ${DEFAULT-VALUE})")
        long seed;

        InferenceBenchmark.Settings settings(int responseLen) {
            return new InferenceBenchmark.Settings(model, preset == null ? null : BenchPreset.parse(preset), examples,
                    batch, promptLen, responseLen, seed);
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Teacher-forced log-likelihood scoring speed (batched).")
    static final class Score extends Inference {
        @Option(names = "--response-len", defaultValue = "64", description = "response tokens (default: ${DEFAULT-VALUE})")
        int responseLen;

        @Override
        public Integer call() throws Exception {
            print(spec, InferenceBenchmark.score(settings(responseLen)));
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Batched greedy decoding speed with a KV cache.")
    static final class Generate extends Inference {
        @Option(names = "--new-tokens", defaultValue = "64", description = "tokens to generate per prompt (default: ${DEFAULT-VALUE})")
        int newTokens;

        @Override
        public Integer call() throws Exception {
            print(spec, InferenceBenchmark.generate(settings(newTokens)));
            return 0;
        }
    }
}
