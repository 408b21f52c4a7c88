package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.forget.FilterConfig;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.ForgetFilter;
import org.forgetfilter.forget.ScoreType;
import org.forgetfilter.forget.ThresholdMethod;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forgetfilter filter}: the ForgetFilter pipeline on a customer data set. */
@Command(name = "filter", mixinStandardHelpOptions = true,
        description = "Finetunes the model on the data (M1), briefly safety-finetunes it on the safe set, removes the "
                + "examples it forgot most, and finetunes the original model on the rest. Writes scores.jsonl, "
                + "kept.jsonl, removed.jsonl, summary.json, report.html and model/ into --out; reruns resume.")
public final class FilterCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "aligned model M0: llama2.c .bin, HF folder or hf:ORG/NAME")
    String model;
    @Option(names = "--tokenizer", description = "tokenizer file or folder (default: the model's)")
    Path tokenizer;
    @Option(names = "--data", required = true, description = "the customer's finetuning data")
    Path data;
    @Option(names = "--safe", required = true, description = "safe review examples of the same domain")
    Path safe;
    @Option(names = "--out", required = true, description = "output folder")
    Path out;
    @Mixin
    ExampleInputOptions input;

    @Option(names = "--epochs", defaultValue = "8", description = "epochs of the customer finetune and the retrain (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--max-steps", defaultValue = "0", description = "optimizer steps instead of epochs")
    int maxSteps;
    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate of the customer finetune (default: ${DEFAULT-VALUE})")
    float lr;
    @Option(names = "--batch-size", defaultValue = "16", description = "(default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
    int gradAccum;
    @Option(names = "--prompt-loss", description = "learn the prompt tokens too (the paper's code does); default: response only")
    boolean promptLoss;
    @Option(names = "--safety-steps", defaultValue = "50", description = "t, steps of the trial safety finetune (default: ${DEFAULT-VALUE})")
    int safetySteps;
    @Option(names = "--safety-lr", defaultValue = "1e-4", description = "learning rate of the safety finetune (default: ${DEFAULT-VALUE})")
    float safetyLr;
    @Option(names = "--score-at", split = ",", description = "also score after these safety steps, e.g. 10,25")
    List<Integer> scoreAt;
    @Option(names = "--score", defaultValue = "prob", description = "prob (exp of the mean response log-likelihood), "
            + "loglik, rouge1 (the paper's) or both (default: ${DEFAULT-VALUE})")
    String score;
    @Option(names = "--threshold", defaultValue = "auto", description = "auto, a value phi (remove examples whose "
            + "forgetting, review-weighted unless --no-review-weighting, is > phi), or fraction:P "
            + "(default: ${DEFAULT-VALUE})")
    String threshold;
    @Option(names = "--remove-fraction", description = "remove this fraction of the data (most forgotten first)")
    Double removeFraction;
    @Option(names = "--lora-rank", defaultValue = "0", description = "LoRA rank; 0 = full finetuning (default)")
    int loraRank;
    @Option(names = "--lora-alpha", defaultValue = "16", description = "(default: ${DEFAULT-VALUE})")
    float loraAlpha;
    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "(default: ${DEFAULT-VALUE})")
    float loraDropout;
    @Option(names = "--lora-targets", split = ",", description = "module names (default: q_proj,v_proj for LLaMA, c_attn for GPT-2)")
    List<String> loraTargets;
    @Option(names = "--no-retrain", description = "skip finetuning M0 on the kept data")
    boolean noRetrain;
    @Option(names = "--no-review-weighting", description = "threshold the forgetting rate alone, as the paper does; "
            + "default: forgetting x closeness of the prompt to the --safe set (discounts drift of unrelated examples)")
    boolean noReviewWeighting;
    @Option(names = "--max-length", defaultValue = "256", description = "tokens per example (default: ${DEFAULT-VALUE})")
    int maxLength;
    @Option(names = "--score-batch", defaultValue = "32", description = "examples per scoring batch (default: "
            + "${DEFAULT-VALUE})")
    int scoreBatch;
    @Option(names = "--max-new-tokens", defaultValue = "32", description = "generation budget of the rouge1 score (default: ${DEFAULT-VALUE})")
    int maxNewTokens;
    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--fresh", description = "start over instead of resuming finished stages")
    boolean fresh;
    @Option(names = "--compare-released-scoring", defaultValue = "0", description = "time the released code's scoring "
            + "(batch 1, 500 new tokens) on this many examples and report it beside ours in summary.json")
    int compareReleased;

    @Override
    public Integer call() throws Exception {
        try (OutputFolder folder = OutputChecks.folder(out, "filter", OutputChecks.FILTER_OUTPUTS, data, safe, tokenizer,
                OutputChecks.local(model))) {
            OutputChecks.warn(InputChecks.scan(data, safe, input.format(), input.skipInvalid()));
            return filter();
        }
    }

    private Integer filter() throws Exception {
        List<Example> records = ExampleReader.readAll(data, input.format(), input.skipInvalid());
        List<Example> review = ExampleReader.readAll(safe, input.format(), input.skipInvalid());
        ThresholdMethod method = removeFraction != null ? new ThresholdMethod.RemoveFraction(removeFraction)
                : ThresholdMethod.parse(threshold);
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel m0 = LanguageModel.load(manager, model, tokenizer, null)) {
            FilterConfig cfg = config(m0, method);
            FilterResult r = new ForgetFilter(cfg, out).compareReleasedScoring(compareReleased).run(m0, records, review, fresh);
            System.err.printf("forgetfilter: removed %d of %d examples (%s); outputs in %s%n", r.removedCount(),
                    records.size(), r.threshold().reasoning(), out);
        }
        return 0;
    }

    FilterConfig config(LanguageModel m0, ThresholdMethod method) throws java.io.IOException {
        TrainingConfig s1 = new TrainingConfig(epochs, maxSteps, batchSize, gradAccum, lr, 0f,
                LrSchedule.Kind.CONSTANT, 0, 1.0f, promptLoss, seed);
        TrainingConfig safety = new TrainingConfig(1, safetySteps, batchSize, 1, safetyLr, 0f,
                LrSchedule.Kind.CONSTANT, 0, 1.0f, promptLoss, seed + 1);
        LoraConfig lora = loraRank > 0 ? new LoraConfig(loraRank, loraAlpha, loraDropout,
                loraTargets != null ? loraTargets : defaultTargets(m0)) : null;
        return new FilterConfig(s1, safety, safetySteps, scoreAt == null ? List.of() : scoreAt, ScoreType.parse(score),
                !noReviewWeighting, method, lora, !noRetrain, input.template(), maxLength, scoreBatch, maxNewTokens, seed);
    }

    static List<String> defaultTargets(LanguageModel m) {
        return switch (m.model().config().architecture()) {
            case LLAMA -> Arrays.asList("q_proj", "v_proj");
            case GPT2 -> List.of("c_attn");
        };
    }
}
