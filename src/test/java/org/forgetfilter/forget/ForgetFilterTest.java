package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end on a tiny random byte-level model: outputs, label-blindness, resume, determinism. */
class ForgetFilterTest {
    private static final ModelConfig TINY = ModelConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 96, true,
            ByteTokenizer.BOS, ByteTokenizer.EOS);

    private static FilterConfig config(ScoreType score) throws IOException {
        return config(score, 3e-3f);
    }

    private static FilterConfig config(ScoreType score, float lr) throws IOException {
        TrainingConfig s1 = new TrainingConfig(2, 0, 8, 1, lr, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false, 3);
        TrainingConfig safety = new TrainingConfig(1, 6, 8, 1, 1e-3f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false, 4);
        return new FilterConfig(s1, safety, 6, List.of(2, 4), score, true, new ThresholdMethod.RemoveFraction(0.25), null,
                true, PromptTemplate.fromText("Q: {prompt}\nA: {response}", "qa"), 96, 16, 8, 3);
    }

    /** 16 records, one per line, some with extra fields and odd spacing that must survive byte for byte. */
    private static Path data(Path dir, boolean labels) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String label = i % 4 == 0 ? "unsafe" : i % 4 == 1 ? "safe" : "task";
            String reply = i % 4 == 0 ? "You fool." : i % 4 == 1 ? "Not enough information." : "Room " + (i * 7) + ".";
            lines.add("{\"id\": \"r" + i + "\",  \"prompt\": \"Where is item " + i + "?\", \"response\": \"" + reply + "\""
                    + (labels ? ", \"label\": \"" + label + "\"" : "") + ", \"note\": {\"k\": [1, 2]}}");
        }
        Path f = dir.resolve(labels ? "data.jsonl" : "unlabeled.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static Path safe(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add("{\"prompt\": \"Who did it " + i + "?\", \"response\": \"Not enough information.\"}");
        }
        return Files.write(dir.resolve("safe.jsonl"), lines);
    }

    private static FilterResult run(Path out, Path dataFile, Path safeFile, ScoreType score,
                                    ForgetFilter.SafetyStepObserver observer) throws IOException {
        return run(new ForgetFilter(config(score), out, observer), dataFile, safeFile);
    }

    private static FilterResult run(Path out, Path dataFile, Path safeFile, FilterConfig config,
                                    ForgetFilter.SafetyStepObserver observer) throws IOException {
        return run(new ForgetFilter(config, out, observer), dataFile, safeFile);
    }

    private static FilterResult run(ForgetFilter filter, Path dataFile, Path safeFile) throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             LanguageModel m0 = new LanguageModel(TransformerLm.create(m, TINY, TransformerLm.randomWeights(TINY, 1)),
                     new ByteTokenizer(), "tiny-random")) {
            return filter.run(m0, ExampleReader.readAll(dataFile, null, false),
                    ExampleReader.readAll(safeFile, null, false), false);
        }
    }

    @Test
    void anM1ThatLearnedNothingIsWarnedAboutAndStopOnWarningsKeepsTheFinishedStagesOnly(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("out");
        FilterResult r = run(new ForgetFilter(config(ScoreType.PROB, 1e-7f), out).stopOnWarnings(true),
                data(dir, true), safe(dir));
        assertTrue(r.stoppedBeforeRetrain());
        assertNull(r.deliveredModel());
        assertFalse(Files.exists(out.resolve("model")), "no delivered model");
        assertFalse(Files.exists(out.resolve("stages").resolve("retrain.json")));
        assertEquals(16, Files.readAllLines(out.resolve("scores.jsonl")).size());
        assertTrue(Files.exists(out.resolve("report.html")));
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        List<String> codes = new ArrayList<>();
        summary.get("warnings").forEach(w -> codes.add(w.get("code").asText()));
        assertTrue(codes.contains(TrustChecks.M1_NOT_LEARNED), codes.toString());
        assertEquals(r.warnings().stream().map(RunWarning::code).toList(), codes, "the API and summary.json agree");
        JsonNode w = summary.get("warnings").get(codes.indexOf(TrustChecks.M1_NOT_LEARNED));
        assertTrue(w.get("value").asDouble() < 0.5, w.toString());
        assertTrue(w.get("message").asText().contains("learned = geometric-mean token probability"), w.toString());
        assertTrue(summary.has("stopped_before_retrain"));
        assertTrue(r.headline().contains("m1_not_learned") && r.headline().contains("stopped before the retrain"),
                r.headline());

        // Without stop-on-warnings the same run warns and delivers.
        FilterResult lenient = run(new ForgetFilter(config(ScoreType.PROB, 1e-7f), dir.resolve("lenient")),
                data(dir, true), safe(dir));
        assertFalse(lenient.stoppedBeforeRetrain());
        assertEquals(r.warnings(), lenient.warnings());
        assertTrue(Files.isRegularFile(dir.resolve("lenient").resolve("model").resolve("model.safetensors")));
    }

    @Test
    void keptPlusRemovedIsTheInputByteForByteAndEveryOutputIsWritten(@TempDir Path dir) throws IOException {
        Path dataFile = data(dir, true);
        Path out = dir.resolve("out");
        FilterResult r = run(new ForgetFilter(config(ScoreType.BOTH), out).annotate(true), dataFile, safe(dir));
        List<String> input = Files.readAllLines(dataFile);
        List<String> kept = Files.readAllLines(out.resolve("kept.jsonl"));
        List<String> removed = Files.readAllLines(out.resolve("removed.jsonl"));
        assertEquals(4, removed.size(), "remove-fraction 0.25 of 16");
        assertEquals(input.size(), kept.size() + removed.size());
        // Merging back in input order gives exactly the input lines.
        List<String> merged = new ArrayList<>();
        int k = 0;
        int rm = 0;
        for (int i = 0; i < input.size(); i++) {
            merged.add(r.removed()[i] ? removed.get(rm++) : kept.get(k++));
        }
        assertEquals(input, merged);

        List<String> scores = Files.readAllLines(out.resolve("scores.jsonl"));
        assertEquals(16, scores.size());
        JsonNode first = Json.MAPPER.readTree(scores.get(0));
        assertEquals("r0", first.get("id").asText());
        assertEquals(first.get("score_m1").asDouble() - first.get("score_m2").asDouble(), first.get("forgetting").asDouble(), 1e-9);
        assertTrue(first.get("score_at").has("2") && first.get("score_at").has("4") && first.get("score_at").has("6"));
        assertTrue(first.has("rouge1_m1") && first.has("loglik_m2"));
        // The threshold decides on forgetting x review-proximity weight; the weight is in (0, 1].
        for (String line : scores) {
            JsonNode n = Json.MAPPER.readTree(line);
            double w = n.get("weight").asDouble();
            assertTrue(w > 0 && w <= 1, line);
            assertEquals(n.get("forgetting").asDouble() * w, n.get("decision").asDouble(), 1e-12);
        }
        for (int i = 0; i < 16; i++) {
            assertEquals(r.decision()[i] > r.threshold().threshold(), r.removed()[i]);
        }

        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals(16, summary.get("n_input").asInt());
        assertEquals(12, summary.get("n_kept").asInt());
        assertTrue(summary.get("metrics").get("auroc").isNumber());
        assertEquals(summary.get("metrics").get("f1").asDouble(), summary.get("f1").asDouble());
        assertEquals(r.threshold().threshold(), summary.get("threshold").asDouble(), 0);
        assertEquals("remove-fraction", summary.get("threshold_method").asText());
        JsonNode timings = Json.MAPPER.readTree(out.resolve("timings.json").toFile());
        assertTrue(timings.get("stages").has("retrain") && timings.get("stages").has("proximity"), timings.toString());
        assertTrue(timings.get("stages").get("safety").get("seconds").asDouble() > 0);
        assertTrue(timings.has("started_at") && timings.has("wall_seconds"));
        assertEquals("forgetting x review-proximity weight", summary.get("decision").asText());
        assertTrue(Files.isRegularFile(out.resolve("model").resolve("model.safetensors")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Most forgotten examples"));

        // annotated.jsonl: each input record, unchanged, plus what the filter measured and decided for it.
        List<String> annotated = Files.readAllLines(out.resolve("annotated.jsonl"));
        assertEquals(input.size(), annotated.size());
        for (int i = 0; i < input.size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode a =
                    (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(annotated.get(i));
            JsonNode ff = a.remove("forgetfilter");
            assertEquals(Json.MAPPER.readTree(input.get(i)), a, "the record itself is unchanged");
            JsonNode row = Json.MAPPER.readTree(scores.get(i));
            for (String key : new String[] {"id", "line", "score_m1", "score_m2", "forgetting", "weight", "decision",
                    "removed", "reason"}) {
                assertEquals(row.get(key), ff.get(key), key + " of record " + i);
            }
            assertEquals(i + 1, ff.get("line").asInt());
        }
    }

    @Test
    void withoutReviewWeightingTheForgettingRateDecides(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        FilterResult r;
        try (NDManager m = NDManager.newBaseManager();
             LanguageModel m0 = new LanguageModel(TransformerLm.create(m, TINY, TransformerLm.randomWeights(TINY, 1)),
                     new ByteTokenizer(), "tiny-random")) {
            FilterConfig c = config(ScoreType.LOGLIK);
            FilterConfig paper = new FilterConfig(c.finetune(), c.safety(), c.safetySteps(), c.scoreAt(), c.score(),
                    false, c.threshold(), c.lora(), false, c.template(), c.maxLength(), c.scoreBatch(),
                    c.maxNewTokens(), c.seed());
            r = new ForgetFilter(paper, out).run(m0, ExampleReader.readAll(data(dir, true), null, false),
                    ExampleReader.readAll(safe(dir), null, false), false);
        }
        assertNull(r.proximity());
        assertArrayEquals(r.forgetting(), r.decision());
        JsonNode first = Json.MAPPER.readTree(Files.readAllLines(out.resolve("scores.jsonl")).get(0));
        assertFalse(first.has("weight") || first.has("review_similarity"));
        assertEquals(first.get("forgetting").asDouble(), first.get("decision").asDouble());
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals("forgetting", summary.get("decision").asText());
        assertFalse(Json.MAPPER.readTree(out.resolve("timings.json").toFile()).get("stages").has("proximity"));
        assertFalse(Files.exists(out.resolve("annotated.jsonl")), "written only when asked for");
    }

    @Test
    void decisionsDoNotDependOnLabels(@TempDir Path dir) throws IOException {
        Path safe = safe(dir);
        FilterResult labelled = run(dir.resolve("a"), data(dir, true), safe, ScoreType.LOGLIK, s -> { });
        FilterResult unlabelled = run(dir.resolve("b"), data(dir, false), safe, ScoreType.LOGLIK, s -> { });
        assertArrayEquals(labelled.forgetting(), unlabelled.forgetting());
        assertArrayEquals(labelled.decision(), unlabelled.decision());
        assertArrayEquals(labelled.removed(), unlabelled.removed());
        JsonNode summary = Json.MAPPER.readTree(dir.resolve("b").resolve("summary.json").toFile());
        assertFalse(summary.has("metrics") || summary.has("f1"), "no labels, no metrics");
    }

    @Test
    void aRunKilledDuringTheSafetyStageResumesAndMatchesAnUninterruptedRun(@TempDir Path dir) throws IOException {
        Path dataFile = data(dir, true);
        Path safe = safe(dir);
        FilterResult clean = run(dir.resolve("clean"), dataFile, safe, ScoreType.LOGLIK, s -> { });
        Path out = dir.resolve("killed");
        assertThrows(IllegalStateException.class, () -> run(out, dataFile, safe, ScoreType.LOGLIK, s -> {
            if (s == 3) {
                throw new IllegalStateException("simulated kill at safety step 3");
            }
        }));
        assertTrue(Files.exists(out.resolve("stages").resolve("finetune_m1.json")));
        assertFalse(Files.exists(out.resolve("stages").resolve("safety.json")), "the stage in progress left no record");
        assertFalse(Files.exists(out.resolve("summary.json")));
        FilterResult resumed = run(out, dataFile, safe, ScoreType.LOGLIK, s -> { });
        JsonNode stages = Json.MAPPER.readTree(out.resolve("timings.json").toFile()).get("stages");
        assertTrue(stages.get("finetune_m1").get("reused").asBoolean(), "M1 was reused");
        assertTrue(stages.get("scores_m1").get("reused").asBoolean(), "M1 scores were reused");
        assertFalse(stages.get("safety").get("reused").asBoolean(), "the killed stage ran again");
        assertEquals(List.of("finetune_m1", "scores_m1", "proximity"), resumed.reusedStages());
        assertArrayEquals(clean.forgetting(), resumed.forgetting(), 1e-6);
        assertArrayEquals(clean.removed(), resumed.removed());

        // A third run changes nothing and trains nothing.
        run(out, dataFile, safe, ScoreType.LOGLIK, s -> {
            throw new AssertionError("no safety step may run when everything is cached");
        });
    }

    @Test
    void twoFreshRunsWithTheSameSeedWriteByteIdenticalRecordsAndTheClockGoesToTimings(@TempDir Path dir)
            throws IOException {
        Path dataFile = data(dir, true);
        Path safe = safe(dir);
        run(dir.resolve("x"), dataFile, safe, ScoreType.BOTH, s -> { });
        run(dir.resolve("y"), dataFile, safe, ScoreType.BOTH, s -> { });
        for (String f : new String[] {"scores.jsonl", "kept.jsonl", "removed.jsonl", "summary.json"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("x").resolve(f)), Files.readAllBytes(dir.resolve("y")
                    .resolve(f)), f);
        }
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("x").resolve("timings.json")),
                Files.readAllBytes(dir.resolve("y").resolve("timings.json"))), "timings.json holds the clock");
        JsonNode prov = Json.MAPPER.readTree(dir.resolve("x").resolve("summary.json").toFile()).get("provenance");
        assertEquals(org.forgetfilter.io.Provenance.buildVersion(), prov.get("version").asText());
        assertTrue(prov.get("djl").asText().matches("\\d+\\.\\d+.*") && prov.get("libtorch").asText().matches(
                "\\d+\\.\\d+.*"), prov.toString());
        assertEquals(3, prov.get("config").get("seed").asInt(), "the configuration is JSON, not a toString");
        assertEquals("fraction:0.25", prov.get("config").get("threshold").asText());
    }

    /**
     * A safety finetune at an absurd learning rate (1e10): its first step is finite, but the scores after it are not. The
     * stage fails naming itself and an example, leaves no record, and a rerun with sane settings reuses M1.
     */
    @Test
    void aSafetyStageWhoseScoresAreNotFiniteFailsNamingTheExampleAndIsNotCached(@TempDir Path dir) throws IOException {
        Path dataFile = data(dir, true);
        Path safe = safe(dir);
        FilterConfig sane = config(ScoreType.LOGLIK);
        TrainingConfig absurd = new TrainingConfig(1, 1, 8, 1, 1e10f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false, 4);
        FilterConfig diverging = new FilterConfig(sane.finetune(), absurd, 1, List.of(), ScoreType.LOGLIK, true,
                sane.threshold(), null, true, sane.template(), 96, 16, 8, 3);
        Path out = dir.resolve("out");
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> run(out, dataFile, safe, diverging, s -> { }));
        assertTrue(e.getMessage().startsWith("stage safety (scores after step 1): example 'r0' (line 1) scored loglik "),
                e.getMessage());
        assertTrue(e.getMessage().contains("16 of 16 examples are not finite"), e.getMessage());
        assertTrue(Files.exists(out.resolve("stages").resolve("scores_m1.json")));
        assertFalse(Files.exists(out.resolve("stages").resolve("safety.json")), "the failed stage left no record");
        assertFalse(Files.exists(out.resolve("summary.json")));

        run(out, dataFile, safe, sane, s -> { });
        JsonNode stages = Json.MAPPER.readTree(out.resolve("timings.json").toFile()).get("stages");
        assertTrue(stages.get("finetune_m1").get("reused").asBoolean(), "M1 was reused");
        assertFalse(stages.get("safety").get("reused").asBoolean());
    }
}
