package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.model.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** filter's settings: flags, --config files (JSON, YAML) and key=value overrides name the same settings. */
class FilterCommandSettingsTest {
    private static final String[] REQUIRED = {"--model", "m", "--data", "d.jsonl", "--safe", "s.jsonl", "--out", "o"};

    private static FilterSettings parse(String... extra) throws Exception {
        FilterCommand cmd = new FilterCommand();
        CommandLine cl = new CommandLine(cmd);
        String[] args = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
        cl.parseArgs(args);
        return cmd.settings();
    }

    private static String config(FilterSettings s) throws Exception {
        return s.resolve(1_000_000, Architecture.LLAMA).toConfig(100).describe() + ";" + s.toJson();
    }

    @Test
    void noOptionsGiveTheDefaults() throws Exception {
        assertEquals(FilterSettings.defaults(), parse());
    }

    @Test
    void flagsConfigFilesAndOverridesAgree(@TempDir Path dir) throws Exception {
        FilterSettings flags = parse("--epochs", "2", "--lr", "5e-4", "--score", "loglik", "--score-at", "10,25",
                "--no-review-weighting", "--no-retrain", "--threshold", "0.2", "--template", "plain");
        Path json = dir.resolve("run.json");
        Files.writeString(json, "{\"epochs\": 2, \"lr\": 5e-4, \"score\": \"loglik\", \"score-at\": [10, 25],"
                + " \"review-weighting\": false, \"retrain\": false, \"threshold\": \"0.2\", \"template\": \"plain\"}");
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "epochs: 2\nlr: 5.0e-4\nscore: loglik\nscore-at: [10, 25]\nreview-weighting: false\n"
                + "retrain: false\nthreshold: \"0.2\"\ntemplate: plain\n");
        FilterSettings fromJson = parse("--config", json.toString());
        FilterSettings fromYaml = parse("--config", yaml.toString());
        FilterSettings fromOverrides = parse("epochs=2", "lr=5e-4", "score=loglik", "score-at=10,25",
                "review-weighting=false", "retrain=false", "threshold=0.2", "template=plain");
        assertNotEquals(FilterSettings.defaults(), flags);
        for (FilterSettings s : new FilterSettings[] {flags, fromJson, fromYaml, fromOverrides}) {
            assertEquals(config(flags), config(s), s.toString());
        }
    }

    @Test
    void commandLineOptionsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("run.json");
        Files.writeString(json, "{\"epochs\": 5, \"safety-steps\": 20}");
        FilterSettings s = parse("--config", json.toString(), "epochs=4", "--epochs", "2");
        assertEquals(2, s.get("epochs").asInt());
        assertEquals(20, s.get("safety-steps").asInt());
    }

    @Test
    void unknownSettingsNameTheFileAndTheKey(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("run.json");
        Files.writeString(json, "{\"epoch\": 5}");
        Exception e = assertThrows(IllegalArgumentException.class, () -> parse("--config", json.toString()));
        assertTrue(e.getMessage().contains(json.toString()) && e.getMessage().contains("'epoch'"), e.getMessage());
    }
}
