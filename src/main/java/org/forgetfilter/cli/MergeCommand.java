package org.forgetfilter.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.forgetfilter.forget.ShardMerge;
import org.forgetfilter.forget.StageStore;
import org.forgetfilter.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forgetfilter merge}: joins the shard records of a filter run's per-example stages ({@link ShardMerge}). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Checks the shard files written by filter --stage STAGE --shard I/N in --out (all N present, "
                + "one key, every example exactly once) and joins them into the stage records a plain filter run "
                + "reads; then filter without --stage continues. Refuses, naming the file, when they do not belong "
                + "together.")
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "the filter run's output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path stages = out.resolve("stages");
        if (!Files.isDirectory(stages)) {
            throw new IllegalArgumentException(out + ": no stages folder; expected the output folder of a filter run "
                    + "whose stages ran on shards (filter --stage STAGE --shard I/N --out " + out + ")");
        }
        try (OutputFolder folder = OutputChecks.folder(out, "merge", List.of("stages"))) {
            List<ShardMerge.Merged> merged = ShardMerge.mergeAll(new StageStore(stages));
            if (merged.isEmpty()) {
                throw new IllegalArgumentException(stages + ": no shard files (STAGE/shard-I-of-N.json for "
                        + String.join(", ", ShardMerge.STAGES) + ") to merge");
            }
            for (ShardMerge.Merged m : merged) {
                String line = "forgetfilter: merged stage " + m.stage() + ": " + m.shards() + " shards, "
                        + m.examples() + " examples -> " + m.record();
                spec.commandLine().getOut().println(line);
            }
            spec.commandLine().getOut().println("forgetfilter: run filter with the same options without --stage "
                    + "to continue");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
