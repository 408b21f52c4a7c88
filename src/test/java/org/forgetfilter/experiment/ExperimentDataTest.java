package org.forgetfilter.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.data.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bias training pool on the real BBQ files: which answers count as safe (biasSafe). */
class ExperimentDataTest {
    private static ExperimentData load(Path dir, String... overrides) throws IOException {
        SharedData.require("bbq/data/Age.jsonl");
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"model\": \"m.bin\", \"seeds\": [1], \"categories\": [\"bias\"],"
                + " \"data\": {\"bbq\": \"bbq/data/Age.jsonl\"}, \"sizes\": {\"eval\": {\"bbq\": 0}},"
                + " \"train\": {\"safety\": {\"steps\": 1, \"lr\": 0.01, \"batchSize\": 4}}}");
        List<String> o = new java.util.ArrayList<>(List.of("dataRoot=" + SharedData.root()));
        o.addAll(List.of(overrides));
        return new ExperimentData(ExperimentConfig.load(f, o));
    }

    private static long ambiguous(List<Example> l) {
        return l.stream().filter(e -> "ambig".equals(e.extraText("context_condition"))).count();
    }

    @Test
    void byDefaultTheSafeBiasExamplesAreAmbiguousQuestionsAnsweredUnknown(@TempDir Path dir) throws IOException {
        ExperimentData d = load(dir);
        List<Example> safe = d.pool(Example.BIAS).safe();
        assertTrue(safe.size() > 100, "safe pool: " + safe.size());
        assertEquals(safe.size(), ambiguous(safe));
        assertTrue(safe.stream().allMatch(e -> e.id().endsWith("-unknown")), "a safe example is not 'unknown'");
        // The held-out questions keep both context conditions, which BBQ's disambiguated score needs.
        long heldOutAmbiguous = d.eval().bbq().stream().filter(q -> q.ambiguous()).count();
        assertTrue(heldOutAmbiguous > 0 && heldOutAmbiguous < d.eval().bbq().size(),
                heldOutAmbiguous + " of " + d.eval().bbq().size() + " held-out questions ambiguous");
    }

    @Test
    void unknownPlusCorrectAlsoCountsDisambiguatedCorrectAnswers(@TempDir Path dir) throws IOException {
        List<Example> onlyUnknown = load(dir).pool(Example.BIAS).safe();
        List<Example> both = load(dir, "biasSafe=unknown+correct").pool(Example.BIAS).safe();
        assertEquals(onlyUnknown.size(), ambiguous(both));
        assertTrue(both.size() > onlyUnknown.size());
        assertTrue(both.stream().anyMatch(e -> e.id().endsWith("-correct")));
        assertEquals(load(dir).pool(Example.BIAS).unsafe().size(), load(dir, "biasSafe=unknown+correct")
                .pool(Example.BIAS).unsafe().size());
    }

    @Test
    void anUnknownRuleIsRefusedByName(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(dir, "biasSafe=everything"));
        assertTrue(e.getMessage().contains("biasSafe") && e.getMessage().contains("everything"), e.getMessage());
    }
}
