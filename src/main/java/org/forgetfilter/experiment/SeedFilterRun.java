package org.forgetfilter.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.forget.ForgetFilter;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Provenance;

/**
 * The shipped filter ({@link ForgetFilter}, exactly what {@code filter} runs) on one seed's sets, laid out so that
 * anyone can rerun it outside the experiment. Writes into the seed's folder:
 * <ul>
 *   <li>{@code noisy.jsonl} and {@code review.jsonl}: the customer set (with its hidden labels) and the safe review
 *       set, which the filter then reads back from these files as {@code filter --data/--safe} would;</li>
 *   <li>{@code filter-config.json}: the effective filter settings, in the format {@code filter --config} reads;</li>
 *   <li>{@code heldout/<suite>.jsonl}: the evaluation sets (main runs only);</li>
 *   <li>{@code manifest.json}: the paths of all of these and of M0's folder, relative to the manifest;</li>
 *   <li>{@code forgetfilter/}: an ordinary filter output folder (scores, kept, removed, summary, report, model).</li>
 * </ul>
 */
final class SeedFilterRun {
    /** The filter's outcome, the examples as it read them, and the folder holding M1. */
    record Outcome(FilterResult result, List<Example> noisy, Path folder) {
    }

    private SeedFilterRun() {
    }

    static Outcome run(Path dir, Path m0Dir, List<Example> noisy, List<Example> review, FilterSettings settings,
                       Map<String, List<?>> heldout, StageLog log) throws IOException {
        long start = System.nanoTime();
        Path noisyFile = dir.resolve("noisy.jsonl");
        Path reviewFile = dir.resolve("review.jsonl");
        ExampleWriter.writeAll(noisyFile, noisy);
        ExampleWriter.writeAll(reviewFile, review);
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("noisy", "noisy.jsonl");
        manifest.put("review", "review.jsonl");
        manifest.put("m0", dir.toAbsolutePath().relativize(m0Dir.toAbsolutePath()).toString());
        manifest.put("filter_config", "filter-config.json");
        manifest.put("forgetfilter", "forgetfilter");
        ObjectNode held = manifest.putObject("heldout");
        for (Map.Entry<String, List<?>> e : heldout.entrySet()) {
            String name = "heldout/" + e.getKey() + ".jsonl";
            AtomicFile.writeString(dir.resolve(name), HeldOutSets.lines(e.getValue()));
            held.put(e.getKey(), name);
        }
        List<Example> data = ExampleReader.readAll(noisyFile, null, false);
        List<Example> safe = ExampleReader.readAll(reviewFile, null, false);
        FilterResult result;
        try (NDManager manager = NDManager.newBaseManager();
             LanguageModel m0 = LanguageModel.load(manager, m0Dir.toString(), null, null)) {
            FilterSettings resolved = settings.resolve(m0);
            AtomicFile.writeString(dir.resolve("filter-config.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(resolved.toJson()) + "\n");
            AtomicFile.writeString(dir.resolve("manifest.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("data", noisyFile);
            inputs.put("safe", reviewFile);
            inputs.put("model", m0Dir);
            result = new ForgetFilter(resolved.toConfig(data.size()), dir.resolve("forgetfilter"))
                    .provenance(Provenance.of(List.of(), inputs, resolved.toJson(), resolved.get("seed").asLong()))
                    .run(m0, data, safe, false);
        }
        boolean reused = result.reusedStages().contains("safety");
        log.record("forgetfilter", dir.getFileName().toString(), reused, (System.nanoTime() - start) / 1e9);
        return new Outcome(result, data, dir);
    }
}
