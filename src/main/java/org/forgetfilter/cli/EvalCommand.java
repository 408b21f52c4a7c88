package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.eval.EvalSuites;
import org.forgetfilter.experiment.ExperimentEvaluation;
import org.forgetfilter.eval.HashedNgramToxicityClassifier;
import org.forgetfilter.eval.LexiconToxicityScorer;
import org.forgetfilter.eval.ModelProbe;
import org.forgetfilter.eval.ToxicityScorer;
import org.forgetfilter.eval.HarmfulRequests;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forgetfilter eval --model REF --suite NAME --data FILE}: one safety or task metric of one model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on one suite: bbq, crows, toxicity, harm, squad, instructions, loss. "
                + "Prints (or writes) JSON with the metrics and how they were measured.")
public final class EvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DeviceOption device;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--suite", description = "bbq, crows, toxicity, harm, squad, instructions, loss")
    String suite;

    @Option(names = "--data", description = "the suite's data file (or BBQ folder)")
    Path data;

    @Option(names = "--experiment", description = "an experiment's output folder: evaluate on exactly the held-out "
            + "sets and suites of --seed (instead of --suite and --data), comparable with its results.json")
    Path experiment;

    @Option(names = "--seed", description = "with --experiment: the seed whose held-out sets to use")
    Long seed;

    @Option(names = "--requests", split = ",", description = "harm: harmful requests for the refusal rate "
            + "(AdvBench CSV, safety-tuned-llamas evaluation JSON)")
    List<Path> requests = new ArrayList<>();

    @Option(names = "--classifier", description = "toxicity: a saved hashed n-gram classifier")
    Path classifier;

    @Option(names = "--lexicon", split = ",", description = "toxicity: word-list files (instead of a classifier)")
    List<Path> lexicon = new ArrayList<>();

    @Option(names = "--template", defaultValue = "instruction", description = "prompt template: instruction, plain, raw or a file (default: ${DEFAULT-VALUE})")
    String template;

    @Option(names = "--self-correction", description = "instruction put before every prompt (moral self-correction)")
    String selfCorrection;

    @Option(names = "--limit", defaultValue = "0", description = "evaluate only the first N items; 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--max-new-tokens", defaultValue = "32", description = "greedy generation budget in tokens (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--max-length", defaultValue = "512", description = "tokens per sequence (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "16", description = "sequences per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--out", description = "write the JSON here instead of standard output")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (experiment != null) {
            return evaluateOnExperiment();
        }
        if (suite == null || data == null) {
            throw new IllegalArgumentException("give --suite and --data, or --experiment OUT --seed S");
        }
        if (!Files.exists(data)) {
            throw new IllegalArgumentException("--data " + data + ": not found");
        }
        if (out != null) {
            List<Path> inputs = new ArrayList<>(List.of(data));
            inputs.addAll(requests);
            inputs.addAll(lexicon);
            inputs.add(classifier);
            OutputChecks.file(out, "eval", inputs.toArray(Path[]::new));
        }
        ToxicityScorer scorer = null;
        if (classifier != null) {
            scorer = HashedNgramToxicityClassifier.load(classifier);
        } else if (!lexicon.isEmpty()) {
            scorer = new LexiconToxicityScorer(lexicon, LexiconToxicityScorer.Mode.INDICATOR);
        }
        List<Example> reqs = new ArrayList<>();
        for (Path p : requests) {
            reqs.addAll(HarmfulRequests.read(p));
        }
        try (NDManager manager = device.manager();
             LanguageModel lm = modelOptions.load(manager)) {
            ModelProbe probe = new ModelProbe(lm, PromptTemplate.named(template), maxLength, batchSize,
                    selfCorrection == null ? "" : selfCorrection + "\n");
            Map<String, Object> result = EvalSuites.run(suite, probe, data, limit, maxNewTokens, scorer, reqs,
                    TokenCounter.of(lm.tokenizer(), "model"));
            result.put("model", lm.source());
            write(result);
        }
        return 0;
    }

    private int evaluateOnExperiment() throws Exception {
        if (seed == null) {
            throw new IllegalArgumentException("--experiment needs --seed (one of the seeds under "
                    + experiment.resolve("runs") + ")");
        }
        try (NDManager manager = device.manager();
             LanguageModel lm = modelOptions.load(manager)) {
            Map<String, Object> result = new java.util.LinkedHashMap<>();
            result.put("model", lm.source());
            result.put("experiment", experiment.toAbsolutePath().toString());
            result.put("seed", seed);
            result.put("metrics", ExperimentEvaluation.evaluate(experiment, seed, lm,
                    selfCorrection == null ? "" : selfCorrection));
            write(result);
        }
        return 0;
    }

    private void write(Map<String, Object> result) throws java.io.IOException {
        String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n";
        if (out != null) {
            AtomicFile.writeString(out, json);
        } else {
            spec.commandLine().getOut().print(json);
            spec.commandLine().getOut().flush();
        }
    }
}
