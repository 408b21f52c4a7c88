package org.forgetfilter.cli;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.data.InputChecks;
import org.forgetfilter.io.OutputFolder;

/**
 * What a command checks before it writes, one line in each command: its output may not overwrite an input, a
 * folder output is locked for the run ({@link OutputFolder}), and doubts about the input are printed
 * ({@link InputChecks}). Inputs may be null (options not given).
 */
final class OutputChecks {
    /** What {@code filter} writes into --out (with the lead's planned annotated.jsonl and timings.json). */
    static final List<String> FILTER_OUTPUTS = List.of("scores.jsonl", "kept.jsonl", "removed.jsonl",
            "summary.json", "report.html", "annotated.jsonl", "timings.json", "model", "stages");
    static final List<String> EXPERIMENT_OUTPUTS = List.of("results.json", "report.html", "stages.jsonl", "stages",
            "evals", "forgetfilter", "data");
    static final List<String> DEMO_OUTPUTS = concat(FILTER_OUTPUTS, List.of("data", "base-model", "stages-base",
            "demo.json"));

    private OutputChecks() {
    }

    /** Locks a folder the command adds {@code written} to, refusing inputs among them. */
    static OutputFolder folder(Path out, String command, List<String> written, Path... inputs) throws IOException {
        return OutputFolder.open(out, command, Arrays.asList(inputs), written, System.err::println);
    }

    /** {@link #folder} with its own lock file {@code lockName} (a shard's, so that shards run side by side). */
    static OutputFolder folder(Path out, String command, String lockName, List<String> written, Path... inputs)
            throws IOException {
        return OutputFolder.open(out, command, Arrays.asList(inputs), written, System.err::println, lockName);
    }

    /** Locks a folder the command replaces as a whole, refusing inputs inside it. */
    static OutputFolder replacedFolder(Path out, String command, Path... inputs) throws IOException {
        return OutputFolder.openReplaced(out, command, Arrays.asList(inputs), System.err::println);
    }

    /** Refuses a single output file that is an input, or lies inside an input folder. */
    static void file(Path out, String command, Path... inputs) throws IOException {
        OutputFolder.refuseInputAsOutput(out, command, Arrays.asList(inputs));
    }

    /** The path of a local --model reference; null for a hub reference ({@code hf:...}). */
    static Path local(String modelRef) {
        if (modelRef == null || modelRef.startsWith("hf:")) {
            return null;
        }
        try {
            return Path.of(modelRef);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Prints each finding as a warning on stderr. */
    static void warn(List<InputChecks.Finding> findings) {
        for (InputChecks.Finding f : findings) {
            System.err.println("forgetfilter: warning (" + f.code() + "): " + f.message());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList();
    }
}
