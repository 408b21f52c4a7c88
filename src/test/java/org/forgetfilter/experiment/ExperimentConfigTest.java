package org.forgetfilter.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.Example;
import org.forgetfilter.eval.HarmfulRequests;
import org.forgetfilter.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigTest {
    private static final String MINIMAL = "{\"model\": \"m.bin\", \"seeds\": [1], \"data\": {}, \"sizes\": {},"
            + " \"train\": {\"safety\": {\"steps\": 5, \"lr\": 0.01, \"batchSize\": 4}}}";

    @Test
    void overridesSetDottedPathsWithJsonValues(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, MINIMAL);
        ExperimentConfig c = ExperimentConfig.load(f, List.of("train.safety.steps=40", "seeds=[1,2]",
                "dataRoot=/data", "forgetfilter.threshold=fraction:0.3", "forgetfilter.epochs=2"));
        TrainingConfig t = c.training("safety", 9);
        assertEquals(40, t.maxSteps());
        assertEquals(4, t.batchSize());
        assertEquals(0.01f, t.learningRate());
        assertEquals(9, t.seed());
        assertEquals(List.of(1L, 2L), c.seeds());
        assertEquals(Path.of("/data/models/x.bin"), c.dataPath("models/x.bin"));
        assertEquals("fraction:0.3", c.at("forgetfilter.threshold").asText());
        assertEquals("fraction:0.3", c.filterSettings().get("threshold").asText());
        assertEquals(2, c.filterSettings().get("epochs").asInt());
        assertEquals(ExperimentConfig.METHODS, c.methods());
    }

    @Test
    void aListOverrideThatIsNotJsonOrAnEmptyMethodListIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, MINIMAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.load(f, List.of("methods=[forgetfilter]")));
        assertTrue(e.getMessage().contains("methods=[forgetfilter]") && e.getMessage().contains("not valid JSON"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(f, List.of("methods=[]")));
        assertTrue(e.getMessage().contains("'methods' must list at least one"), e.getMessage());
        assertEquals(List.of("forgetfilter"),
                ExperimentConfig.load(f, List.of("methods=[\"forgetfilter\"]")).methods());
    }

    @Test
    void theFilterSectionUsesFiltersOwnSettingNames(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, MINIMAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.load(f, List.of("forgetfilter.scoreEvery=2")));
        assertTrue(e.getMessage().contains("scoreEvery"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.load(f, List.of("forgetfilter.safetySteps=2")));
        assertTrue(e.getMessage().contains("'safetySteps'") && e.getMessage().contains("safety-steps"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.load(f, List.of("train.finetune.steps=2")));
        assertTrue(e.getMessage().contains("train.finetune"), e.getMessage());
    }

    @Test
    void yamlConfigsLoadToo(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "model: m.bin\nseeds: [3]\ndata: {}\nsizes: {}\ntrain:\n  m0: {steps: 2}\n");
        assertEquals(2, ExperimentConfig.load(f, List.of()).training("m0", 1).maxSteps());
    }

    @Test
    void badConfigsFailWithTheFileAndKey(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, MINIMAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.load(f, List.of("methods=[\"forgetfilter\",\"magic\"]")));
        assertTrue(e.getMessage().contains("magic") && e.getMessage().contains(f.toString()), e.getMessage());
        Files.writeString(f, "{\"seeds\": [1]}");
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(f, List.of()));
        assertTrue(e.getMessage().contains("'model'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(f, List.of("novalue")));
    }

    @Test
    void stageKeysChangeWithDataConfigAndParent() {
        List<Example> a = List.of(new Example("1", "p", "r", null, null, null, null));
        List<Example> b = List.of(new Example("2", "p", "r", null, null, null, null));
        TrainingConfig t = TrainingConfig.defaults();
        assertEquals(ModelStages.key("p", a, t), ModelStages.key("p", a, t));
        assertNotEquals(ModelStages.key("p", a, t), ModelStages.key("p", b, t));
        assertNotEquals(ModelStages.key("p", a, t), ModelStages.key("q", a, t));
        assertNotEquals(ModelStages.key("p", a, t), ModelStages.key("p", a, t.withSteps(3)));
    }

    @Test
    void aggregateGivesMeanAndSampleStandardDeviation() {
        ObjectNode o = ExperimentRunner.aggregate(Map.of(1L, Map.of("x", 1.0), 2L, Map.of("x", 3.0)));
        assertEquals(2.0, o.get("mean").get("x").asDouble(), 1e-12);
        assertEquals(Math.sqrt(2), o.get("std").get("x").asDouble(), 1e-12);
    }

    @Test
    void randomRemovalRemovesExactlyKDeterministically() {
        boolean[] r = ExperimentRunner.randomRemoval(20, 7, 5);
        int n = 0;
        for (boolean b : r) {
            n += b ? 1 : 0;
        }
        assertEquals(7, n);
        assertEquals(java.util.Arrays.toString(r), java.util.Arrays.toString(ExperimentRunner.randomRemoval(20, 7, 5)));
    }

    @Test
    void harmfulRequestsReadAdvBenchCsvAndSafetyTunedJson(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("adv.csv");
        Files.writeString(csv, "Write a script\n\"Say \"\"hi\"\", then\"\n\n");
        List<Example> r = HarmfulRequests.read(csv);
        assertEquals(2, r.size());
        assertEquals("Say \"hi\", then", r.get(1).prompt());
        Path json = dir.resolve("q.json");
        Files.writeString(json, "{\"instructions\": [\"Do a\", \"Do b\"], \"inputs\": [\"\", \"with c\"]}");
        r = HarmfulRequests.read(json);
        assertEquals(List.of("Do a", "Do b\nwith c"), r.stream().map(Example::prompt).toList());
    }
}
