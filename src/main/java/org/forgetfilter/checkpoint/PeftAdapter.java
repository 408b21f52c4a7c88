package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.LoraConfig;

/**
 * A LoRA adapter folder in the layout of Hugging Face PEFT, loadable with {@code PeftModel.from_pretrained}:
 * {@code adapter_config.json} and {@code adapter_model.safetensors} whose tensors are named
 * {@code base_model.model.<module>.lora_A.weight} (r, in) and {@code ...lora_B.weight} (out, r).
 *
 * <p>In Java the map keys omit the {@code base_model.model.} prefix: {@code <module>.lora_A.weight}, e.g.
 * {@code model.layers.0.self_attn.q_proj.lora_A.weight} or {@code transformer.h.0.attn.c_attn.lora_A.weight}.
 * PEFT keeps this (out, in) orientation of A and B for GPT-2's Conv1D layers too, and records
 * {@code fan_in_fan_out: true} so that the delta is transposed onto the (in, out) base weight.
 */
public final class PeftAdapter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final String A = ".lora_A.weight";
    private static final String B = ".lora_B.weight";

    /** A loaded adapter; tensors keyed without the PEFT prefix. */
    public record Adapter(LoraConfig config, Map<String, FloatTensor> tensors, String baseModel, boolean fanInFanOut) {
    }

    private PeftAdapter() {
    }

    /** Writes the adapter folder atomically; tensors are validated (pairs present, rank r, shapes agreeing). */
    public static void write(Path dir, LoraConfig config, Map<String, FloatTensor> tensors, String baseModel)
            throws IOException {
        List<String> modules = modules(tensors, config, dir.toString());
        boolean conv1d = modules.stream().anyMatch(m -> m.startsWith("transformer."));
        Map<String, FloatTensor> prefixed = new LinkedHashMap<>();
        tensors.forEach((k, v) -> prefixed.put(PREFIX + k, v));
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("r", config.rank());
        if (config.alpha() == Math.rint(config.alpha())) {
            c.put("lora_alpha", (int) config.alpha());
        } else {
            c.put("lora_alpha", Double.parseDouble(Float.toString(config.alpha())));
        }
        c.put("lora_dropout", Double.parseDouble(Float.toString(config.dropout())));
        config.targetModules().forEach(c.putArray("target_modules")::add);
        c.put("bias", "none");
        c.put("fan_in_fan_out", conv1d);
        c.put("base_model_name_or_path", baseModel);
        c.put("inference_mode", true);
        c.putNull("modules_to_save");
        AtomicDirectory.write(dir, tmp -> {
            AtomicFile.writeString(tmp.resolve(CONFIG_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n");
            SafetensorsWriter.write(tmp.resolve(WEIGHTS_FILE), prefixed, SafetensorsDtype.F32);
        });
    }

    public static Adapter read(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(cfgFile)) {
            throw new NoSuchFileException(cfgFile.toString(), null, "PEFT adapter config not found");
        }
        JsonNode c = Json.MAPPER.readTree(cfgFile.toFile());
        if (!"LORA".equals(c.path("peft_type").asText())) {
            throw new IOException(cfgFile + ": peft_type is '" + c.path("peft_type").asText() + "', only LORA is supported");
        }
        if (!c.path("bias").asText("none").equals("none")) {
            throw new IOException(cfgFile + ": bias '" + c.path("bias").asText() + "' is not supported (expected none)");
        }
        JsonNode targets = c.path("target_modules");
        List<String> modules = new ArrayList<>();
        if (targets.isArray()) {
            targets.forEach(t -> modules.add(t.asText()));
        } else if (targets.isTextual()) {
            throw new IOException(cfgFile + ": target_modules as a regular expression is not supported; list the modules");
        }
        LoraConfig config;
        try {
            config = new LoraConfig(c.path("r").asInt(0), (float) c.path("lora_alpha").asDouble(0),
                    (float) c.path("lora_dropout").asDouble(0), modules);
        } catch (IllegalArgumentException e) {
            throw new IOException(cfgFile + ": " + e.getMessage(), e);
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        Path weights = dir.resolve(WEIGHTS_FILE);
        Map<String, FloatTensor> stored = SafetensorsReader.readFile(weights);
        FiniteWeights.check(weights, stored);
        for (Map.Entry<String, FloatTensor> e : stored.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX)) {
                throw new IOException(weights + ": tensor " + name + " does not start with " + PREFIX);
            }
            // Some PEFT versions keep the adapter name: ...lora_A.default.weight
            tensors.put(name.substring(PREFIX.length()).replace(".lora_A.default.weight", A)
                    .replace(".lora_B.default.weight", B), e.getValue());
        }
        modules(tensors, config, weights.toString());
        return new Adapter(config, tensors, c.path("base_model_name_or_path").asText(null),
                c.path("fan_in_fan_out").asBoolean(false));
    }

    /** The adapted modules; checks that every module has an A (r, in) and a B (out, r) and nothing else is there. */
    private static List<String> modules(Map<String, FloatTensor> tensors, LoraConfig config, String source) {
        TreeSet<String> modules = new TreeSet<>();
        for (String name : tensors.keySet()) {
            if (name.endsWith(A)) {
                modules.add(name.substring(0, name.length() - A.length()));
            } else if (name.endsWith(B)) {
                modules.add(name.substring(0, name.length() - B.length()));
            } else {
                throw new IllegalArgumentException(source + ": tensor " + name + " is not a LoRA weight (expected "
                        + "<module>" + A + " or <module>" + B + ")");
            }
        }
        if (modules.isEmpty()) {
            throw new IllegalArgumentException(source + ": adapter has no tensors");
        }
        for (String m : modules) {
            FloatTensor a = tensors.get(m + A);
            FloatTensor b = tensors.get(m + B);
            if (a == null || b == null) {
                throw new IllegalArgumentException(source + ": module " + m + " needs both " + m + A + " and " + m + B);
            }
            if (!config.targets(m)) {
                throw new IllegalArgumentException(source + ": module " + m + " is not among target_modules " + config.targetModules());
            }
            if (a.rank() != 2 || b.rank() != 2 || a.shape()[0] != config.rank() || b.shape()[1] != config.rank()) {
                throw new IllegalArgumentException(source + ": module " + m + " has lora_A " + a + " and lora_B " + b
                        + " but rank " + config.rank() + " needs (" + config.rank() + ", in) and (out, " + config.rank() + ")");
            }
        }
        return new ArrayList<>(modules);
    }
}
