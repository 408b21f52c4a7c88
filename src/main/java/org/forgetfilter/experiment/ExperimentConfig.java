package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.io.Json;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An experiment's configuration: a JSON or YAML tree (see examples/experiment-small.json for every key) with
 * {@code key=value} overrides on dotted paths ({@code train.finetune.steps=40}, {@code seeds=[1,2]}). The tree is
 * kept as read, so that any section can be hashed for the stage cache and copied into results.json verbatim.
 */
public final class ExperimentConfig {
    /** Every method id, in the order of the comparison table. */
    public static final List<String> METHODS = List.of("baseft", "no_safety", "sequential_safety", "replay",
            "self_correction", "forgetfilter", "forgetfilter_sc", "random_filter", "oracle_filter",
            "classifier_filter", "forgetfilter_or_classifier");

    private final ObjectNode root;
    private final Path source;

    private ExperimentConfig(ObjectNode root, Path source) {
        this.root = root;
        this.source = source;
    }

    public static ExperimentConfig load(Path file, List<String> overrides) throws IOException {
        ObjectNode obj = Json.readObjectFile(file, "experiment config");
        ExperimentConfig c = new ExperimentConfig(obj, file);
        for (String o : overrides) {
            c.override(o);
        }
        c.validate();
        return c;
    }

    public static ExperimentConfig of(ObjectNode root) {
        ExperimentConfig c = new ExperimentConfig(root.deepCopy(), null);
        c.validate();
        return c;
    }

    /** Applies {@code a.b.c=value}; the value is parsed as JSON when it is valid JSON, else taken as a string. */
    void override(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("override '" + assignment + "': expected key=value");
        }
        String[] path = assignment.substring(0, eq).split("\\.");
        String text = assignment.substring(eq + 1);
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(text);
            if (value == null || value.isMissingNode()) {
                value = Json.MAPPER.getNodeFactory().textNode(text);
            }
        } catch (IOException e) {
            String t = text.strip();
            if (t.startsWith("[") || t.startsWith("{")) {
                throw new IllegalArgumentException("override '" + assignment + "': not valid JSON (" + e.getMessage()
                        .lines().findFirst().orElse("") + "); quote strings, e.g. methods=[\"forgetfilter\"]");
            }
            value = Json.MAPPER.getNodeFactory().textNode(text);
        }
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(path[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value);
    }

    private void validate() {
        for (String key : List.of("model", "data", "sizes", "train")) {
            if (!root.has(key)) {
                throw new IllegalArgumentException(where() + ": missing key '" + key + "'");
            }
        }
        if (root.has("methods") && (!root.get("methods").isArray() || root.get("methods").isEmpty())) {
            throw new IllegalArgumentException(where() + ": 'methods' must list at least one method (known: " + METHODS
                    + ")");
        }
        for (String m : methods()) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException(where() + ": unknown method '" + m + "' (known: " + METHODS + ")");
            }
        }
        if (seeds().isEmpty()) {
            throw new IllegalArgumentException(where() + ": 'seeds' must list at least one seed");
        }
        if (root.path("train").has("finetune")) {
            throw new IllegalArgumentException(where() + ": train.finetune is gone: every customer finetune is trained "
                    + "as filter trains M1, with the settings of the 'forgetfilter' section (epochs, lr, batch-size, "
                    + "... as filter's options name them)");
        }
        for (String old : List.of("scoreEvery", "backend")) {
            if (root.path("forgetfilter").has(old)) {
                throw new IllegalArgumentException(where() + ": forgetfilter." + old + " is gone (the experiment runs "
                        + "the shipped filter; use filter's settings, e.g. score-at=[2,4])");
            }
        }
        filterSettings();
    }

    /**
     * The settings of the {@code forgetfilter} method: filter's defaults, the experiment's {@code template}, then the
     * {@code forgetfilter} section, whose keys are filter's option names. The same settings train every customer
     * finetune of the comparison (no-safety, replay, the filters' retrains).
     */
    public FilterSettings filterSettings() {
        FilterSettings s = FilterSettings.defaults();
        if (root.has("template")) {
            s = s.with("template", root.get("template"), where() + ": template");
        }
        s = s.withAll(root.path("forgetfilter"), where() + ": forgetfilter");
        if (s.get("lora-rank").asInt() > 0) {
            throw new IllegalArgumentException(where() + ": forgetfilter.lora-rank: the experiment trains its baselines "
                    + "with full finetuning; LoRA is not supported here (run filter with --lora-rank instead)");
        }
        return s;
    }

    String where() {
        return source == null ? "experiment config" : source.toString();
    }

    public ObjectNode tree() {
        return root;
    }

    public JsonNode section(String name) {
        return root.path(name);
    }

    public String text(String key, String fallback) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    public int integer(String dottedPath, int fallback) {
        JsonNode n = at(dottedPath);
        return n.isMissingNode() || n.isNull() ? fallback : n.asInt();
    }

    public double number(String dottedPath, double fallback) {
        JsonNode n = at(dottedPath);
        return n.isMissingNode() || n.isNull() ? fallback : n.asDouble();
    }

    public boolean flag(String dottedPath, boolean fallback) {
        JsonNode n = at(dottedPath);
        return n.isMissingNode() || n.isNull() ? fallback : n.asBoolean();
    }

    public JsonNode at(String dottedPath) {
        JsonNode n = root;
        for (String p : dottedPath.split("\\.")) {
            n = n.path(p);
        }
        return n;
    }

    public List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        root.path("seeds").forEach(n -> out.add(n.asLong()));
        return out;
    }

    public List<String> methods() {
        if (!root.has("methods")) {
            return METHODS;
        }
        List<String> out = new ArrayList<>();
        root.get("methods").forEach(n -> out.add(n.asText()));
        return out;
    }

    public List<Double> sweepRatios() {
        List<Double> out = new ArrayList<>();
        root.path("sweep").forEach(n -> out.add(n.asDouble()));
        return out;
    }

    /** Folder that relative data and model paths are resolved against. */
    public Path dataRoot() {
        return Path.of(text("dataRoot", "../shared/data"));
    }

    /** A path under {@link #dataRoot} (absolute paths are kept). */
    public Path dataPath(String relative) {
        Path p = Path.of(relative);
        return p.isAbsolute() ? p : dataRoot().resolve(p);
    }

    /** The model reference: hf:..., an absolute path, or a path under the data root. */
    public String modelRef() {
        String m = text("model", null);
        return m.startsWith("hf:") ? m : dataPath(m).toString();
    }

    /** {@code train.<name>} as a TrainingConfig (keys: steps, epochs, batchSize, gradAccumulation, lr, ...). */
    public TrainingConfig training(String name, long seed) {
        JsonNode t = root.path("train").path(name);
        if (t.isMissingNode()) {
            throw new IllegalArgumentException(where() + ": missing section train." + name);
        }
        TrainingConfig d = TrainingConfig.defaults();
        return new TrainingConfig(t.path("epochs").asInt(1), t.path("steps").asInt(0),
                t.path("batchSize").asInt(d.batchSize()), t.path("gradAccumulation").asInt(1),
                (float) t.path("lr").asDouble(d.learningRate()), (float) t.path("weightDecay").asDouble(0),
                LrSchedule.Kind.parse(t.path("schedule").asText("constant")), t.path("warmupSteps").asInt(0),
                (float) t.path("maxGradNorm").asDouble(1.0), t.path("promptLoss").asBoolean(false), seed);
    }

    /** First 16 hex digits of SHA-256 over the canonical JSON of the given parts (the stage-cache key). */
    public static String hash(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                String s = p instanceof JsonNode n ? Json.MAPPER.writeValueAsString(n) : String.valueOf(p);
                sha.update(s.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("hashing a config section", e);
        }
    }
}
