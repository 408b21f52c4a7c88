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
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.io.Sha256;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forgetfilter finetune}: full or LoRA finetuning on an example file. */
@Command(name = "finetune", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
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

    @Mixin
    DeviceOption device;

    @Mixin
    TrainingOptions training;

    @Option(names = "--warmup", description = "linear warm-up steps, instead of --warmup-ratio")
    Integer warmup;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "gradient clipping; 0 = off (default: ${DEFAULT-VALUE})")
    float maxGradNorm;

    @Option(names = "--dtype", defaultValue = "f32", description = "dtype of the saved full model: f32, bf16 or f16 (LoRA adapters are saved in f32); "
            + "training runs in f32 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Mixin
    ExampleInputOptions input;

    @Override
    public Integer call() throws Exception {
        SafetensorsDtype saveDtype = SafetensorsDtype.parseWritable(dtype);
        FilterSettings given = settings();
        List<Example> examples = ExampleReader.readAll(data, input.format(), input.skipInvalid());
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(data + ": no examples to train on");
        }
        OutputChecks.warn(InputChecks.of(data, examples, null, List.of()));
        try (OutputFolder folder = OutputChecks.replacedFolder(out, "finetune", data, tokenizer, OutputChecks.local(model));
             NDManager root = device.manager();
             LanguageModel lm = LanguageModel.load(root, model, tokenizer, null)) {
            FilterSettings settings = given.resolve(lm);
            TrainingConfig t = settings.finetune(examples.size());
            TrainingConfig training = new TrainingConfig(t.epochs(), t.maxSteps(), t.batchSize(), t.gradAccumulation(),
                    t.learningRate(), weightDecay, t.schedule(), warmup != null ? warmup : t.warmupSteps(),
                    maxGradNorm, t.promptLoss(), t.seed());
            LoraConfig lora = settings.lora();
            int maxLength = settings.get("max-length").asInt();
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

    /** The training settings: the shared defaults with the training options given (as {@code filter} reads them). */
    FilterSettings settings() {
        return TrainingOptions.given(spec, FilterSettings.defaults());
    }
}
