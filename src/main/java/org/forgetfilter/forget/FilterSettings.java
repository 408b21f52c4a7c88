package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.Architecture;
import org.forgetfilter.model.LoraConfig;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.TrainingConfig;
import org.forgetfilter.train.TrainingDefaults;

/**
 * The settings of a filter run as named values, one name per {@code filter} option (without the leading
 * {@code --}): what {@code filter --config FILE} reads, what the experiment's {@code forgetfilter} section holds and
 * what the experiment writes as each seed's {@code filter-config.json}. Defaults live here only ({@link #defaults});
 * {@code "auto"} values ({@code lr}, {@code m1-epochs}, {@code m1-lr}, {@code m1-schedule}, {@code safety-lr},
 * {@code lora-targets}) are resolved for a model by {@link #resolve}, and {@link #toConfig} turns resolved settings
 * into the typed {@link FilterConfig}. {@code epochs}, {@code lr} and {@code schedule} train the delivered model;
 * the {@code m1-} settings train M1, the probe (see {@link TrainingDefaults#SMALL_MODEL_PROBE_EPOCHS}).
 */
public final class FilterSettings {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String AUTO = "auto";
    /** Every key with its default, in the order they are written. */
    private static final Map<String, JsonNode> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("template", F.textNode("instruction"));
        DEFAULTS.put("epochs", F.numberNode(TrainingDefaults.EPOCHS));
        DEFAULTS.put("max-steps", F.numberNode(0));
        DEFAULTS.put("lr", F.textNode(AUTO));
        DEFAULTS.put("schedule", F.textNode(TrainingDefaults.SCHEDULE.name().toLowerCase(java.util.Locale.ROOT)));
        DEFAULTS.put("warmup-ratio", F.numberNode(TrainingDefaults.WARMUP_RATIO));
        DEFAULTS.put("batch-size", F.numberNode(TrainingDefaults.BATCH_SIZE));
        DEFAULTS.put("grad-accum", F.numberNode(1));
        DEFAULTS.put("prompt-loss", F.booleanNode(false));
        DEFAULTS.put("max-length", F.numberNode(TrainingDefaults.MAX_LENGTH));
        DEFAULTS.put("m1-epochs", F.textNode(AUTO));
        DEFAULTS.put("m1-lr", F.textNode(AUTO));
        DEFAULTS.put("m1-schedule", F.textNode(AUTO));
        DEFAULTS.put("lora-rank", F.numberNode(0));
        DEFAULTS.put("lora-alpha", F.numberNode(16));
        DEFAULTS.put("lora-dropout", F.numberNode(0.05));
        DEFAULTS.put("lora-targets", F.textNode(AUTO));
        DEFAULTS.put("safety-steps", F.numberNode(50));
        DEFAULTS.put("safety-lr", F.textNode(AUTO));
        DEFAULTS.put("score-at", F.arrayNode());
        DEFAULTS.put("score", F.textNode("prob"));
        DEFAULTS.put("review-weighting", F.booleanNode(true));
        DEFAULTS.put("threshold", F.textNode(AUTO));
        DEFAULTS.put("remove-fraction", F.nullNode());
        DEFAULTS.put("retrain", F.booleanNode(true));
        DEFAULTS.put("score-batch", F.numberNode(32));
        DEFAULTS.put("max-new-tokens", F.numberNode(32));
        DEFAULTS.put("seed", F.numberNode(42));
    }

    private final ObjectNode values;

    private FilterSettings(ObjectNode values) {
        this.values = values;
    }

    /** Every setting at its default. */
    public static FilterSettings defaults() {
        ObjectNode n = F.objectNode();
        DEFAULTS.forEach(n::set);
        return new FilterSettings(n);
    }

    /** The names of all settings, in order. */
    public static List<String> names() {
        return List.copyOf(DEFAULTS.keySet());
    }

    /** The default of {@code name} as the command line spells it (null for none). */
    public static String defaultText(String name) {
        JsonNode d = DEFAULTS.get(name);
        if (d == null || d.isNull()) {
            return null;
        }
        if (d.isArray()) {
            if (d.isEmpty()) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            d.forEach(e -> parts.add(e.asText()));
            return String.join(",", parts);
        }
        return d.asText();
    }

    /** These settings with the keys of {@code file} (JSON or YAML object) applied; unknown keys are an error. */
    public FilterSettings withFile(Path file) throws IOException {
        return withAll(Json.readObjectFile(file, "filter settings"), file.toString());
    }

    /** These settings with every field of {@code obj} applied ({@code where} names the source in errors). */
    public FilterSettings withAll(JsonNode obj, String where) {
        FilterSettings s = this;
        var it = obj.fields();
        while (it.hasNext()) {
            var e = it.next();
            s = s.with(e.getKey(), e.getValue(), where);
        }
        return s;
    }

    /** Applies {@code name=value} assignments; a value is read as JSON when it parses, else as text. */
    public FilterSettings withAssignments(List<String> assignments) {
        FilterSettings s = this;
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + a + "': expected key=value");
            }
            String name = a.substring(0, eq);
            String text = a.substring(eq + 1);
            JsonNode v;
            if (DEFAULTS.containsKey(name) && DEFAULTS.get(name).isArray() && !text.strip().startsWith("[")) {
                s = s.with(name, F.textNode(text), "override '" + a + "'");
                continue;
            }
            try {
                v = Json.MAPPER.readTree(text);
                if (v == null || v.isMissingNode()) {
                    v = F.textNode(text);
                }
            } catch (IOException e) {
                v = F.textNode(text);
            }
            s = s.with(a.substring(0, eq), v, "override '" + a + "'");
        }
        return s;
    }

    /** A copy with one setting changed. */
    public FilterSettings with(String name, JsonNode value, String where) {
        JsonNode d = DEFAULTS.get(name);
        if (d == null) {
            throw new IllegalArgumentException(where + ": unknown filter setting '" + name + "' (known: "
                    + String.join(", ", DEFAULTS.keySet()) + ")");
        }
        JsonNode v = value == null ? F.nullNode() : value;
        if (v.isTextual() && !name.equals("template") && isNumber(v.asText())) {
            v = F.numberNode(Double.parseDouble(v.asText()));
        }
        if (d.isArray() && v.isTextual()) {
            ArrayNode arr = F.arrayNode();
            for (String part : v.asText().split(",")) {
                if (!part.isBlank()) {
                    arr.add(Integer.parseInt(part.strip()));
                }
            }
            v = arr;
        }
        ObjectNode copy = values.deepCopy();
        copy.set(name, v);
        return new FilterSettings(copy);
    }

    public FilterSettings with(String name, Object value) {
        return with(name, Json.MAPPER.valueToTree(value), "setting");
    }

    public JsonNode get(String name) {
        return values.get(name);
    }

    /**
     * The settings with every {@code "auto"} replaced by its value for model {@code m0}: the learning rate by model
     * size and mode ({@link TrainingDefaults#learningRate}), the safety learning rate a tenth of it, the LoRA
     * targets of the architecture.
     */
    public FilterSettings resolve(LanguageModel m0) {
        return resolve(m0.model().numParameters(), m0.model().config().architecture());
    }

    /** {@link #resolve(LanguageModel)} for a model of {@code parameters} parameters and this architecture. */
    public FilterSettings resolve(long parameters, Architecture architecture) {
        boolean lora = integer("lora-rank") > 0;
        FilterSettings s = this;
        if (isAuto("lr")) {
            s = s.with("lr", (double) TrainingDefaults.learningRate(parameters, lora));
        }
        boolean small = TrainingDefaults.isSmall(parameters);
        if (isAuto("m1-epochs")) {
            s = s.with("m1-epochs", small ? TrainingDefaults.SMALL_MODEL_PROBE_EPOCHS : s.integer("epochs"));
        }
        if (isAuto("m1-lr")) {
            s = s.with("m1-lr", small ? (double) TrainingDefaults.SMALL_MODEL_PROBE_LR : s.number("lr"));
        }
        if (isAuto("m1-schedule")) {
            s = s.with("m1-schedule", small ? "constant" : s.text("schedule"));
        }
        if (isAuto("safety-lr")) {
            s = s.with("safety-lr", s.number("m1-lr") * TrainingDefaults.SAFETY_LR_FACTOR);
        }
        if (isAuto("lora-targets")) {
            s = s.with("lora-targets", LoraConfig.defaultTargets(architecture));
        }
        return s;
    }

    /**
     * The typed configuration of resolved settings for a customer set of {@code examples} examples (the warm-up is
     * a share of the customer finetune's steps).
     */
    public FilterConfig toConfig(int examples) throws IOException {
        requireResolved("lr", "m1-epochs", "m1-lr", "m1-schedule", "safety-lr", "lora-targets");
        long seed = values.get("seed").asLong();
        int steps = integer("max-steps");
        TrainingConfig finetune = finetune(examples);
        // M1 takes the same steps when max-steps is given, else its own epochs.
        TrainingConfig probeShape = new TrainingConfig(steps > 0 ? 0 : integer("m1-epochs"), steps,
                integer("batch-size"), integer("grad-accum"), (float) number("m1-lr"), 0f,
                LrSchedule.Kind.parse(text("m1-schedule")), 0, 1.0f, bool("prompt-loss"), seed);
        TrainingConfig probe = new TrainingConfig(probeShape.epochs(), probeShape.maxSteps(), probeShape.batchSize(),
                probeShape.gradAccumulation(), probeShape.learningRate(), 0f, probeShape.schedule(),
                probeShape.schedule() == LrSchedule.Kind.CONSTANT ? 0
                        : TrainingDefaults.warmupSteps(number("warmup-ratio"), probeShape.totalSteps(Math.max(1, examples))),
                1.0f, probeShape.promptLoss(), seed);
        int safetySteps = integer("safety-steps");
        TrainingConfig safety = new TrainingConfig(1, safetySteps, integer("batch-size"), 1,
                (float) number("safety-lr"), 0f, LrSchedule.Kind.CONSTANT, 0, 1.0f, bool("prompt-loss"), seed + 1);
        List<Integer> scoreAt = new ArrayList<>();
        values.get("score-at").forEach(n -> scoreAt.add(n.asInt()));
        JsonNode fraction = values.get("remove-fraction");
        ThresholdMethod threshold = fraction != null && !fraction.isNull()
                ? new ThresholdMethod.RemoveFraction(fraction.asDouble()) : ThresholdMethod.parse(text("threshold"));
        LoraConfig lora = lora();
        return new FilterConfig(finetune, probe, safety, safetySteps, scoreAt, ScoreType.parse(text("score")),
                bool("review-weighting"), threshold, lora, bool("retrain"), PromptTemplate.named(text("template")),
                integer("max-length"), integer("score-batch"), integer("max-new-tokens"), seed);
    }

    /**
     * The customer finetune of resolved settings for {@code examples} examples: the delivered model of
     * {@code filter}, and what {@code finetune} trains (the warm-up is a share of its steps).
     */
    public TrainingConfig finetune(int examples) {
        requireResolved("lr");
        long seed = values.get("seed").asLong();
        int steps = integer("max-steps");
        TrainingConfig shape = new TrainingConfig(steps > 0 ? 0 : integer("epochs"), steps, integer("batch-size"),
                integer("grad-accum"), (float) number("lr"), 0f, LrSchedule.Kind.parse(text("schedule")), 0, 1.0f,
                bool("prompt-loss"), seed);
        int warmup = TrainingDefaults.warmupSteps(number("warmup-ratio"), shape.totalSteps(Math.max(1, examples)));
        return new TrainingConfig(shape.epochs(), shape.maxSteps(), shape.batchSize(), shape.gradAccumulation(),
                shape.learningRate(), 0f, shape.schedule(), warmup, 1.0f, shape.promptLoss(), seed);
    }

    /** The LoRA adapters of resolved settings, or null for full finetuning. */
    public LoraConfig lora() {
        if (integer("lora-rank") <= 0) {
            return null;
        }
        requireResolved("lora-targets");
        List<String> targets = new ArrayList<>();
        values.get("lora-targets").forEach(n -> targets.add(n.asText()));
        return new LoraConfig(integer("lora-rank"), (float) number("lora-alpha"), (float) number("lora-dropout"),
                targets);
    }

    private void requireResolved(String... keys) {
        for (String k : keys) {
            if (isAuto(k)) {
                throw new IllegalStateException("setting '" + k + "' is still auto; resolve the settings for a model");
            }
        }
    }

    /** The settings as a JSON object (the format {@link #withFile} reads). */
    public ObjectNode toJson() {
        return values.deepCopy();
    }

    private boolean isAuto(String name) {
        JsonNode v = values.get(name);
        return v.isTextual() && v.asText().equals(AUTO);
    }

    private int integer(String name) {
        JsonNode v = values.get(name);
        if (!v.canConvertToInt() && !(v.isTextual() && v.asText().matches("-?\\d+"))) {
            throw new IllegalArgumentException("filter setting '" + name + "': expected an integer, got " + v);
        }
        return v.asInt();
    }

    private double number(String name) {
        JsonNode v = values.get(name);
        if (!v.isNumber() && !(v.isTextual() && isNumber(v.asText()))) {
            throw new IllegalArgumentException("filter setting '" + name + "': expected a number, got " + v);
        }
        return v.asDouble();
    }

    private boolean bool(String name) {
        JsonNode v = values.get(name);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new IllegalArgumentException("filter setting '" + name + "': expected true or false, got " + v);
    }

    private String text(String name) {
        return values.get(name).asText();
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterSettings s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
