package org.forgetfilter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.experiment.ExperimentConfig;
import org.forgetfilter.experiment.ExperimentRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code forgetfilter experiment --config FILE --out DIR [key=value ...]}: runs or resumes a comparison. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Compare ForgetFilter with the paper's baselines from one config (JSON or YAML); writes "
                + "OUT/results.json and OUT/report.html. Stages are cached under OUT: rerunning skips finished work.")
public final class ExperimentCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, description = "experiment config, e.g. examples/experiment-small.json")
    Path config;

    @Option(names = "--out", required = true, description = "output folder (created; reused as the stage cache)")
    Path out;

    @Parameters(arity = "0..*", paramLabel = "KEY=VALUE",
            description = "overrides of config keys, dotted paths, JSON values: train.finetune.steps=40 seeds=[1,2]")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (org.forgetfilter.io.OutputFolder folder = OutputChecks.folder(out, "experiment",
                OutputChecks.EXPERIMENT_OUTPUTS, config)) {
            return experiment();
        }
    }

    private Integer experiment() throws Exception {
        List<String> line = new ArrayList<>(List.of("forgetfilter")); // then every argument, "experiment" first
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        ObjectNode r = new ExperimentRunner(ExperimentConfig.load(config, overrides), out).invokedAs(line, config)
                .run();
        System.out.printf("wrote %s and %s (%.1f s, %d stages ran)%n", out.resolve("results.json"),
                out.resolve("report.html"), r.path("provenance").path("wallSeconds").asDouble(),
                r.path("provenance").path("stagesRan").asLong());
        return 0;
    }
}
