package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.infer.ExampleScoring;
import org.forgetfilter.infer.LanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forgetfilter score}: response log-likelihood of every example of a file. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Writes one JSON line per example, in input order: id, loglik (sum over the response tokens, "
                + "EOS included), loglik_mean (per token) and tokens (response token count).")
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--data", required = true, description = "examples to score")
    Path data;

    @Option(names = "--out", required = true, description = "output JSONL (written atomically)")
    Path out;

    @Option(names = "--batch-size", defaultValue = "16", description = "examples per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "512", description = "longest tokenized example; longer ones "
            + "lose prompt tokens from the left (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Mixin
    ExampleInputOptions input;

    @Override
    public Integer call() throws Exception {
        OutputChecks.file(out, "score", data, modelOptions.tokenizer, modelOptions.adapter, OutputChecks.local(modelOptions.model));
        OutputChecks.warn(InputChecks.scan(data, null, input.format(), input.skipInvalid()));
        try (NDManager root = device.manager();
             LanguageModel lm = modelOptions.load(root);
             ExampleReader reader = input.open(data)) {
            ExampleScoring scoring = new ExampleScoring(lm, input.template(), batchSize, maxLength);
            long n = scoring.scoreTo(reader, out);
            System.err.printf("scored %d examples (%d cut to %d tokens) -> %s%n", n, scoring.truncatedCount(),
                    maxLength, out);
            if (reader.invalid() != null && reader.invalid().count() > 0) {
                System.err.println("skipped " + reader.invalid().count() + " invalid records");
            }
        }
        return 0;
    }
}
