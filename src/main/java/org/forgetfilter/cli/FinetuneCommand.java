package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
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
import org.forgetfilter.train.TrainingDefaults;
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

    @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA scale numerator (default: ${DEFAULT-VALUE}, "
            + "as filter)")
    float loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "dropout on LoRA inputs (default: ${DEFAULT-VALUE})")
    float loraDropout;

    @Option(names = "--lora-targets", split = ",", description = "adapted modules (default: q_proj,v_proj for LLaMA, c_attn for GPT-2)")
    List<String> loraTargets;

    @Option(names = "--lr", defaultValue = "auto", description = "peak learning rate; auto = by model size and mode as "
            + "filter (README, Training defaults) (default: ${DEFAULT-VALUE})")
    String lr;

    /** Epochs or steps, not both. */
    static final class Length {
        @Option(names = "--epochs", description = "passes over the data (default: " + TrainingDefaults.EPOCHS + ")")
        Integer epochs;
        @Option(names = "--max-steps", description = "optimizer steps instead of epochs")
        Integer maxSteps;
    }

    @ArgGroup(exclusive = true)
    Length length;

    @Option(names = "--batch-size", defaultValue = "16", description = "examples per micro-batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
    int gradAccum;

    @Option(names = "--schedule", defaultValue = "cosine", description = "constant, linear or cosine (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", description = "linear warm-up steps (default: " + TrainingDefaults.WARMUP_RATIO
            + " of the steps, rounded up)")
    Integer warmup;

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
        int epochs = length != null && length.epochs != null ? length.epochs : TrainingDefaults.EPOCHS;
        int steps = length != null && length.maxSteps != null ? length.maxSteps : 0;
        List<Example> examples = ExampleReader.readAll(data, input.format(), input.skipInvalid());
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(data + ": no examples to train on");
        }
        OutputChecks.warn(InputChecks.of(data, examples, null, List.of()));
        try (OutputFolder folder = OutputChecks.replacedFolder(out, "finetune", data, tokenizer, OutputChecks.local(model));
             NDManager root = NDManager.newBaseManager();
             LanguageModel lm = LanguageModel.load(root, model, tokenizer, null)) {
            float peak = lr.equals("auto") ? TrainingDefaults.learningRate(lm.model().numParameters(), loraRank > 0)
                    : Float.parseFloat(lr);
            TrainingConfig shape = new TrainingConfig(steps > 0 ? 0 : epochs, steps, batchSize, gradAccum, peak,
                    weightDecay, LrSchedule.Kind.parse(schedule), 0, maxGradNorm, promptLoss, seed);
            int warm = warmup != null ? warmup
                    : TrainingDefaults.warmupSteps(TrainingDefaults.WARMUP_RATIO, shape.totalSteps(examples.size()));
            TrainingConfig training = new TrainingConfig(shape.epochs(), shape.maxSteps(), batchSize, gradAccum, peak,
                    weightDecay, shape.schedule(), warm, maxGradNorm, promptLoss, seed);
            LoraConfig lora = null;
            if (loraRank > 0) {
                List<String> targets = loraTargets != null ? loraTargets
                        : LoraConfig.defaultTargets(lm.model().config().architecture());
                lora = new LoraConfig(loraRank, loraAlpha, loraDropout, targets);
            }
            MemoryEstimate estimate = MemoryEstimate.of(lm.model().config());
            estimate.requireFits(lora == null ? estimate.fullFinetuneBytes() : estimate.loraFinetuneBytes(lora),
                    lora == null ? "full finetuning with AdamW" : "LoRA finetuning with AdamW", model);
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("command", "finetune");
            provenance.put("version", org.forgetfilter.io.Provenance.toolVersion());
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
