package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.eval.ToxicityScorer;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.Json;

/**
 * {@code eval --experiment OUT --seed S}: any model on exactly the held-out sets and suites one seed of a finished
 * experiment evaluated its methods on, so the numbers are comparable with results.json. The sets are rebuilt from
 * the experiment's saved config and checked line by line against the files the seed's manifest lists.
 */
public final class ExperimentEvaluation {
    private ExperimentEvaluation() {
    }

    public static Map<String, Double> evaluate(Path experiment, long seed, LanguageModel model, String prefix)
            throws IOException {
        Path configFile = experiment.resolve("config.json");
        Path seedDir = experiment.resolve("runs").resolve("seed-" + seed);
        Path manifestFile = seedDir.resolve("manifest.json");
        for (Path p : List.of(configFile, manifestFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + ": not found (is " + experiment + " an experiment output folder, and was "
                        + "seed " + seed + " run?)");
            }
        }
        JsonNode tree = Json.MAPPER.readTree(configFile.toFile());
        if (!(tree instanceof ObjectNode obj)) {
            throw new IOException(configFile + ": expected the experiment's config object");
        }
        ExperimentConfig config = ExperimentConfig.of(obj);
        ExperimentData data = new ExperimentData(config);
        JsonNode heldout = Json.MAPPER.readTree(manifestFile.toFile()).path("heldout");
        Map<String, List<?>> sets = HeldOutSets.named(data.eval());
        if (!heldout.isObject() || heldout.size() != sets.size()) {
            throw new IOException(manifestFile + ": lists held-out sets " + heldout + " but the config gives "
                    + sets.keySet());
        }
        for (Map.Entry<String, List<?>> e : sets.entrySet()) {
            Path f = seedDir.resolve(heldout.path(e.getKey()).asText());
            if (!Files.isRegularFile(f) || !Files.readString(f).equals(HeldOutSets.lines(e.getValue()))) {
                throw new IOException(f + ": the held-out set '" + e.getKey() + "' rebuilt from " + configFile
                        + " differs from this file (data files changed since the experiment ran?)");
            }
        }
        ToxicityScorer scorer = ToxicityScorers.build(config, experiment, new StageLog(null));
        PromptTemplate template = PromptTemplate.named(config.text("template", "instruction"));
        Evaluator evaluator = new Evaluator(null, data.eval(), scorer, template, config, null, null);
        return evaluator.evaluate(model, prefix);
    }
}
