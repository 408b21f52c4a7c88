package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.io.Sha256;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forgetfilter finetune}: full or LoRA finetuning on an example file. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Finetunes a model on examples with AdamW. Writes a Hugging Face folder (or a PEFT adapter with "
                + "--lora-rank), training_log.jsonl (one line per optimizer step) and forgetfilter.json (provenance).")
public final class FinetuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "llama2.c .bin, Hugging Face folder or hf:ORG/NAME")
    String model;

    @Option(names = "--tokenizer", description = "tokenizer file or folder overriding the model's")
    Path tokenizer;

    @Option(names = "--data", required = true, description = "training examples")
    Path data;

    @Option(names = "--out", required = true, description = "output folder (replaced atomically)")
    Path out;

    @Option(names = "--lora-rank", defaultValue = "0", description = "LoRA rank; 0 = full finetune (default)")
    int loraRank;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default: 2 * rank)")
    Float loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "dropout on LoRA inputs (default: ${DEFAULT-VALUE})")
    float loraDropout;

    @Option(names = "--lora-targets", split = ",", description = "adapted modules (default: q_proj,v_proj for LLaMA, c_attn for GPT-2)")
    List<String> loraTargets;

    @Option(names = "--lr", defaultValue = "2e-4", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    /** Epochs or steps, not both. */
    static final class Length {
        @Option(names = "--epochs", description = "passes over the data (default: 3)")
        Integer epochs;
        @Option(names = "--max-steps", description = "optimizer steps instead of epochs")
        Integer maxSteps;
    }

    @ArgGroup(exclusive = true)
    Length length;

    @Option(names = "--batch-size", defaultValue = "8", description = "examples per micro-batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
    int gradAccum;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, linear or cosine (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "gradient clipping; 0 = off (default: ${DEFAULT-VALUE})")
    float maxGradNorm;

    @Option(names = "--prompt-loss", description = "learn the prompt tokens too (default: response tokens only)")
    boolean promptLoss;

    @Option(names = "--max-length", defaultValue = "512", description = "longest tokenized example (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--seed", defaultValue = "42", description = "shuffling, LoRA init and dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dtype", defaultValue = "f32", description = "dtype of the saved full model: f32, bf16 or f16 (LoRA adapters are saved in f32); "
            + "training runs in f32 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Mixin
    ExampleInputOptions input;

    @Override
    public Integer call() throws Exception {
        SafetensorsDtype saveDtype = SafetensorsDtype.parseWritable(dtype);
        int epochs = length != null && length.epochs != null ? length.epochs : 3;
        int steps = length != null && length.maxSteps != null ? length.maxSteps : 0;
        TrainingConfig training = new TrainingConfig(steps > 0 ? 0 : epochs, steps, batchSize, gradAccum, lr,
                weightDecay, LrSchedule.Kind.parse(schedule), warmup, maxGradNorm, promptLoss, seed);
        List<Example> examples = ExampleReader.readAll(data, input.format(), input.skipInvalid());
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(data + ": no examples to train on");
        }
        OutputChecks.warn(InputChecks.of(data, examples, null, List.of()));
        try (OutputFolder folder = OutputChecks.replacedFolder(out, "finetune", data, tokenizer, OutputChecks.local(model));
             NDManager root = NDManager.newBaseManager();
             LanguageModel lm = LanguageModel.load(root, model, tokenizer, null)) {
            LoraConfig lora = null;
            if (loraRank > 0) {
                List<String> targets = loraTargets != null ? loraTargets
                        : LoraConfig.defaultTargets(lm.model().config().architecture());
                lora = new LoraConfig(loraRank, loraAlpha != null ? loraAlpha : 2f * loraRank, loraDropout, targets);
            }
            MemoryEstimate estimate = MemoryEstimate.of(lm.model().config());
            estimate.requireFits(lora == null ? estimate.fullFinetuneBytes() : estimate.loraFinetuneBytes(lora),
                    lora == null ? "full finetuning with AdamW" : "LoRA finetuning with AdamW", model);
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("command", "finetune");
            provenance.put("version", Arrays.toString(spec.root().version()).replaceAll("[\\[\\]]", ""));
            provenance.put("data", data.toAbsolutePath().toString());
            provenance.put("data_sha256", Sha256.ofFile(data));
            FinetuneRun.Result r = new FinetuneRun(lm, new FinetuneRun.Settings(training, lora, input.template(),
                    maxLength, saveDtype)).run(examples, out, provenance);
            System.err.printf("finetuned on %d examples (%d cut to %d tokens), %d steps, loss %.4f -> %.4f; wrote %s%n",
                    r.examples(), r.truncated(), maxLength, r.log().size(), r.firstLoss(), r.lastLoss(), out);
        }
        return 0;
    }
}
