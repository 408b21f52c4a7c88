package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.eval.EvalSuites;
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
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--suite", required = true, description = "bbq, crows, toxicity, harm, squad, instructions, loss")
    String suite;

    @Option(names = "--data", required = true, description = "the suite's data file (or BBQ folder)")
    Path data;

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
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel lm = modelOptions.load(manager)) {
            ModelProbe probe = new ModelProbe(lm, PromptTemplate.named(template), maxLength, batchSize,
                    selfCorrection == null ? "" : selfCorrection + "\n");
            Map<String, Object> result = EvalSuites.run(suite, probe, data, limit, maxNewTokens, scorer, reqs,
                    TokenCounter.of(lm.tokenizer(), "model"));
            result.put("model", lm.source());
            String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n";
            if (out != null) {
                AtomicFile.writeString(out, json);
            } else {
                System.out.print(json);
            }
        }
        return 0;
    }
}
