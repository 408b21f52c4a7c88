package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forgetfilter.checkpoint.HubDownloader;
import org.forgetfilter.checkpoint.ModelReference;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HubDownloader;
import org.forgetfilter.checkpoint.ModelReference;
import org.forgetfilter.forget.FilterPlan;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.forget.ForgetFilter;
import org.forgetfilter.forget.RunWarning;
import org.forgetfilter.forget.Shard;
import org.forgetfilter.forget.ShardMerge;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Provenance;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forgetfilter filter}: the ForgetFilter pipeline on a customer data set. Every option below that names a
 * {@link FilterSettings} key sets that key; the settings are the defaults, then {@code --config FILE}, then
 * {@code key=value} arguments, then the options given on the command line.
 */
@Command(name = "filter", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
        description = "Finetunes the model on the data (M1), briefly safety-finetunes it on the safe set, removes the "
                + "examples it forgot most, and finetunes the original model on the rest. Writes scores.jsonl, "
                + "kept.jsonl, removed.jsonl, summary.json, timings.json, report.html and model/ into --out; reruns "
                + "resume; warns when its decision cannot be trusted (README: trust checks).")
public final class FilterCommand implements Callable<Integer> {
    /** Exit code of a --strict run stopped by a warning. */
    public static final int UNTRUSTED_EXIT = 3;
    @Spec
    CommandSpec spec;

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
    @Option(names = "--config", description = "filter settings (JSON or YAML object whose keys are this command's "
            + "option names without --, e.g. the filter-config.json an experiment writes); options given here "
            + "override it")
    Path config;
    @Parameters(arity = "0..*", paramLabel = "KEY=VALUE", description = "setting overrides, e.g. epochs=2 "
            + "score-at=10,25 (applied after --config, before the options)")
    List<String> assignments = new ArrayList<>();
    @Mixin
    ExampleInputOptions input;
    @Mixin
    TrainingOptions training;

    @Option(names = "--m1-epochs", description = "epochs of M1, the probe (all the customer data; thrown away); auto = "
            + "8 for models under 100M parameters, else --epochs (default: ${DEFAULT-VALUE})")
    String m1Epochs;
    @Option(names = "--m1-lr", description = "peak learning rate of M1; auto = 1e-3 for models under 100M "
            + "parameters, else --lr (default: ${DEFAULT-VALUE})")
    String m1Lr;
    @Option(names = "--m1-schedule", description = "schedule of M1; auto = constant for models under 100M "
            + "parameters, else --schedule (default: ${DEFAULT-VALUE})")
    String m1Schedule;
    @Option(names = "--safety-steps", description = "t, steps of the trial safety finetune (default: ${DEFAULT-VALUE})")
    int safetySteps;
    @Option(names = "--safety-lr", description = "learning rate of the safety finetune; auto = a tenth of --m1-lr "
            + "(default: ${DEFAULT-VALUE})")
    String safetyLr;
    @Option(names = "--score-at", split = ",", description = "also score after these safety steps, e.g. 10,25")
    List<Integer> scoreAt;
    @Option(names = "--score", description = "prob (exp of the mean response log-likelihood), "
            + "loglik, rouge1 (the paper's) or both (default: ${DEFAULT-VALUE})")
    String score;
    @Option(names = "--threshold", description = "auto, a value phi (remove examples whose "
            + "forgetting, review-weighted unless --no-review-weighting, is > phi), or fraction:P "
            + "(default: ${DEFAULT-VALUE})")
    String threshold;
    @Option(names = "--remove-fraction", description = "remove this fraction of the data (most forgotten first)")
    Double removeFraction;
    @Option(names = "--no-retrain", description = "skip finetuning M0 on the kept data (setting retrain=false)")
    boolean noRetrain;
    @Option(names = "--no-review-weighting", description = "threshold the forgetting rate alone, as the paper does "
            + "(setting review-weighting=false); default: forgetting x closeness of the prompt to the --safe set, "
            + "which discounts drift of unrelated examples")
    boolean noReviewWeighting;
    @Option(names = "--score-batch", description = "examples per scoring batch (default: ${DEFAULT-VALUE})")
    int scoreBatch;
    @Option(names = "--max-new-tokens", description = "generation budget of the rouge1 score (default: ${DEFAULT-VALUE})")
    int maxNewTokens;
    @Option(names = "--fresh", description = "start over instead of resuming finished stages")
    boolean fresh;
    @Option(names = "--strict", description = "exit with code " + UNTRUSTED_EXIT + " before the retrain when a "
            + "trust check warns (README: warnings); the outputs of the finished stages are kept")
    boolean strict;
    @Option(names = "--annotate", description = "also write annotated.jsonl: each input record with a 'forgetfilter' "
            + "object (id, line, scores, forgetting, weight, decision, removed, reason)")
    boolean annotate;
    @Option(names = "--compare-released-scoring", defaultValue = "0", description = "time the released code's scoring "
            + "(batch 1, 500 new tokens) on this many examples and report it beside ours in timings.json "
            + "(default: ${DEFAULT-VALUE}, none)")
    int compareReleased;

    @Option(names = "--stage", description = "run the stages up to and including this one and stop (finished "
            + "stages are reused): finetune_m1, scores_m1, proximity, safety, decide or retrain; a later run without "
            + "--stage continues")
    String stage;
    @Option(names = "--shard", paramLabel = "I/N", description = "with --stage scores_m1, proximity or safety: "
            + "compute the per-example stages up to it for shard I of N only (0-based; an example's shard is a hash "
            + "of its id), into stages/STAGE/shard-I-of-N.json; M1 must be trained first (--stage finetune_m1); "
            + "then forgetfilter merge --out DIR (README: Sharded scoring)")
    String shard;

    @Option(names = "--dry-run", description = "print the plan (parameters, memory estimate, examples, tokens, the "
            + "effective settings of the three trainings) as one JSON object on stdout and stop; reads only config.json, "
            + "the tokenizer and the data (no weights), writes nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (dryRun) {
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(plan(ExampleReader.readAll(data,
                    input.format(), input.skipInvalid()), ExampleReader.readAll(safe, input.format(),
                    input.skipInvalid())).toJson()));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Shard part = shard == null ? null : Shard.parse(shard);
        if (part != null && stage == null) {
            throw new IllegalArgumentException("--shard needs --stage: the per-example stage to compute on the shard "
                    + "(" + String.join(", ", ShardMerge.STAGES) + ")");
        }
        if (stage != null && !ForgetFilter.STAGES.contains(stage)) {
            throw new IllegalArgumentException("--stage " + stage + ": no such stage; the stages are "
                    + String.join(", ", ForgetFilter.STAGES));
        }
        String lock = part == null ? OutputFolder.LOCK_FILE : ".forgetfilter." + part.fileStem() + ".lock";
        try (OutputFolder folder = OutputChecks.folder(out, "filter", lock, OutputChecks.FILTER_OUTPUTS, data, safe,
                tokenizer, OutputChecks.local(model))) {
            OutputChecks.warn(InputChecks.scan(data, safe, input.format(), input.skipInvalid()));
            return filter(part);
        }
    }

    private Integer filter(Shard part) throws Exception {
        List<Example> records = new ArrayList<>();
        List<Example> review = new ArrayList<>();
        Format dataFormat = read(data, records);
        Format safeFormat = read(safe, review);
        FilterSettings settings = settings();
        FilterPlan plan = plan(records, review);
        System.err.println(plan.describe());
        plan.requireFits();
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel m0 = LanguageModel.load(manager, model, tokenizer, null)) {
            FilterSettings resolved = settings.resolve(m0);
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "forgetfilter: model %s: %s, %,d parameters, context %d tokens%n", m0.source(),
                    m0.model().config().architecture().toString().toLowerCase(Locale.ROOT), m0.model().numParameters(),
                    m0.model().config().maxPositions());
            err.printf(Locale.ROOT, "forgetfilter: data %s: %d examples (format %s); safe review set %s: %d examples "
                    + "(format %s)%n", data, records.size(), dataFormat.cliName(), safe, review.size(),
                    safeFormat.cliName());
            err.printf(Locale.ROOT, "forgetfilter: template %s, max length %d tokens, libtorch threads %d, seed %s%n",
                    resolved.get("template").asText(), Math.min(resolved.get("max-length").asInt(),
                            m0.model().config().maxPositions()), ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                    resolved.get("seed").asText());
            err.flush();
            ForgetFilter filter = new ForgetFilter(resolved.toConfig(records.size()), out)
                    .compareReleasedScoring(compareReleased).stopOnWarnings(strict).annotate(annotate)
                    .provenance(provenance(resolved));
            if (stage != null && !stage.equals("retrain")) {
                ForgetFilter.StagesRun done = filter.runUpTo(stage, part, m0, records, review, fresh);
                String line = "forgetfilter: stopped after stage " + done.stoppedAfter()
                        + (part == null ? "" : " on shard " + part + " (" + out.resolve("stages").resolve(stage)
                        .resolve(part.fileStem() + ".json") + "); when every shard is done: forgetfilter merge "
                        + "--out " + out) + "; run filter without --stage to continue";
                err.println(line);
                spec.commandLine().getOut().println(line);
                spec.commandLine().getOut().flush();
                err.flush();
                return 0;
            }
            return finish(filter.run(m0, records, review, fresh));
        }
    }

    /**
     * Prints every warning as a block on stderr and the result on stdout and stderr: a run with warnings never
     * ends on a confident line alone.
     */
    private int finish(FilterResult r) {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        err.println("forgetfilter: threshold: " + r.threshold().reasoning());
        for (RunWarning w : r.warnings()) {
            err.print(w.block());
        }
        if (!r.reusedStages().isEmpty()) {
            err.println("forgetfilter: resumed: reused the stages " + String.join(", ", r.reusedStages())
                    + " of an earlier run (--fresh starts over)");
        }
        String line = "forgetfilter: " + r.headline() + "; outputs in " + out;
        err.println(line);
        stdout.println(line);
        if (!r.warnings().isEmpty()) {
            String advice = r.stoppedBeforeRetrain()
                    ? "forgetfilter: --strict: stopped before the retrain (exit code " + UNTRUSTED_EXIT + "); see "
                    + "the warnings in " + out.resolve("summary.json")
                    : "forgetfilter: do not trust this decision without reading the warnings above (also in "
                    + out.resolve("summary.json") + "); --strict makes them an error";
            err.println(advice);
            stdout.println(advice);
        }
        err.flush();
        stdout.flush();
        return r.stoppedBeforeRetrain() ? UNTRUSTED_EXIT : 0;
    }

    /** Reads every example of {@code file} into {@code into}; returns the format it was read as. */
    private Format read(Path file, List<Example> into) throws IOException {
        try (ExampleReader reader = ExampleReader.open(file, input.format(), input.skipInvalid())) {
            for (Example e; (e = reader.next()) != null; ) {
                into.add(e);
            }
            return reader.format();
        }
    }

    /**
     * Where the model's files are: the local file or folder, or for a hub model the local snapshot it was just loaded
     * from (found again without any request, as the load left it complete).
     */
    private Path modelFiles() throws IOException {
        Path local = OutputChecks.local(model);
        if (local != null) {
            return local;
        }
        ModelReference ref = ModelReference.parse(model);
        return ref.kind() == ModelReference.Kind.HUB ? HubDownloader.fromEnvironment().resolve(ref.hub(),
                tokenizer == null) : null;
    }

    /** The command line as given, the input files (hashed), the resolved settings and the seed. */
    private Provenance provenance(FilterSettings resolved) throws IOException {
        List<String> line = new ArrayList<>(List.of("forgetfilter")); // then every argument, "filter" first
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("data", data);
        inputs.put("safe", safe);
        inputs.put("config", config);
        inputs.put("tokenizer", tokenizer);
        inputs.put("model", modelFiles());
        return Provenance.of(line, inputs, resolved.toJson(), resolved.get("seed").asLong());
    }

    /** The run's plan, from the model's config and tokenizer and the data (no weights are read). */
    private FilterPlan plan(List<Example> records, List<Example> review) throws IOException {
        Checkpoint withoutWeights = ModelReference.parse(model).loadWithoutWeights(HubDownloader.fromEnvironment(),
                tokenizer == null ? null : Tokenizers.load(tokenizer));
        return FilterPlan.of(withoutWeights, settings(), records, review);
    }

    /** The effective settings: defaults, then --config, then KEY=VALUE, then the options given. */
    FilterSettings settings() throws IOException {
        FilterSettings s = FilterSettings.defaults();
        if (config != null) {
            s = s.withFile(config);
        }
        s = s.withAssignments(assignments);
        return TrainingOptions.given(spec, s);
    }
}
