package org.forgetfilter.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/experiment-small.json end to end on the real data and stories260K, then a rerun from the cache. */
class ExperimentRunnerTest {
    @Test
    void smallExperimentRunsEndToEndAndResumesFromTheCache(@TempDir Path out) throws Exception {
        SharedData.require("models/stories260K/stories260K.bin");
        SharedData.require("bbq/data/Age.jsonl");
        SharedData.require("hh-rlhf/harmless-base/test.jsonl.gz");
        ExperimentConfig config = ExperimentConfig.load(Path.of("examples", "experiment-small.json"),
                List.of("dataRoot=" + SharedData.root()));

        long t0 = System.nanoTime();
        ObjectNode results = new ExperimentRunner(config, out).run();
        double first = (System.nanoTime() - t0) / 1e9;

        JsonNode onDisk = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        for (String id : ExperimentConfig.METHODS) {
            JsonNode mean = onDisk.path("methods").path(id).path("mean");
            assertTrue(mean.isObject(), "results.json lacks method " + id);
            for (String metric : List.of("bbq.lik.s_amb", "bbq.lik.acc_ambig", "crows.stereotype_preference",
                    "toxicity.mean", "harm.safe_preference", "harm.refusal_rate", "task.heldout_loss",
                    "task.squad_f1", "task.rouge1")) {
                assertTrue(Double.isFinite(mean.path(metric).asDouble(Double.NaN)), id + " " + metric + " = "
                        + mean.path(metric));
            }
        }
        assertEquals(1.0, onDisk.at("/methods/oracle_filter/mean/filter.f1").asDouble(), 1e-12,
                "the oracle removes exactly the unsafe examples");
        assertEquals(onDisk.at("/methods/forgetfilter/mean/filter.removed").asDouble(),
                onDisk.at("/methods/random_filter/mean/filter.removed").asDouble(), 1e-12,
                "random removal removes as many examples as ForgetFilter");
        assertEquals(3, onDisk.path("sweep").size());
        assertEquals(2, onDisk.at("/interleaved/forgetfilter").size());
        assertTrue(onDisk.at("/provenance/model/sha256").asText().matches("[0-9a-f]{64}"));
        assertTrue(onDisk.at("/provenance/scorer/name").asText().startsWith("hashed-ngram"));
        assertTrue(onDisk.at("/provenance/scorer/heldOutAuroc").asDouble() > 0.8);

        Path report = out.resolve("report.html");
        String html = Files.readString(report);
        assertTrue(!html.contains("http://") || html.indexOf("http://") == html.indexOf("http://www.w3.org"),
                "the report must not load external assets");
        assertTrue(!html.contains("<script"), "no scripts");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertTrue(doc.getElementsByTagName("svg").getLength() >= 10, "charts are inline SVG");
        assertTrue(doc.getElementsByTagName("table").getLength() >= 2);

        long t1 = System.nanoTime();
        ObjectNode again = new ExperimentRunner(config, out).run();
        double second = (System.nanoTime() - t1) / 1e9;
        assertEquals(0, again.at("/provenance/stagesRan").asLong() - countRan(again, "data"),
                "a rerun must train and evaluate nothing");
        assertEquals(results.at("/methods/forgetfilter/mean"), again.at("/methods/forgetfilter/mean"));
        assertTrue(second < first / 2, "rerun took " + second + " s, first run " + first + " s");
    }

    private static long countRan(JsonNode results, String stage) {
        long n = 0;
        for (JsonNode s : results.at("/provenance/stages")) {
            n += s.path("stage").asText().equals(stage) && s.path("status").asText().equals("ran") ? 1 : 0;
        }
        return n;
    }

}
