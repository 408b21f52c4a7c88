package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.Architecture;
import org.forgetfilter.model.AttentionBias;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.RopeScaling;

/**
 * Maps a Hugging Face {@code config.json} to {@link ModelConfig} and back, for {@code model_type} llama, qwen2 and
 * mistral (LLaMA variants: Qwen2 adds q/k/v biases, Mistral a sliding window) and gpt2. Rope scaling of type
 * llama3 (Llama 3.x) is read from {@code rope_scaling}, or from transformers 5's {@code rope_parameters}. Settings
 * that change the computation in ways the Java models do not implement (other rope scalings, MLP biases, Qwen2's
 * per-layer sliding window, other activations) are rejected rather than ignored.
 */
public final class HfConfig {
    public static final String FILE_NAME = "config.json";
    private static final Set<String> GPT2_ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh");

    private HfConfig() {
    }

    public static ModelConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw new NoSuchFileException(file.toString(), null, "config.json not found");
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        return fromJson(root, file.toString());
    }

    /** Parses a config.json tree; {@code source} names the file in error messages. */
    public static ModelConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": config is not a JSON object");
        }
        String type = root.path("model_type").asText("");
        try {
            return switch (type) {
                case "llama", "mistral", "qwen2" -> llama(root, type);
                case "gpt2" -> gpt2(root);
                default -> throw new IllegalArgumentException("unsupported model_type '" + type
                        + "' (supported: llama, mistral, qwen2, gpt2)");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static ModelConfig llama(JsonNode r, String type) {
        String act = r.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (LLaMA uses silu)");
        }
        if (r.path("mlp_bias").asBoolean(false)) {
            throw new IllegalArgumentException("mlp_bias is not supported");
        }
        AttentionBias bias = switch (type) {
            case "qwen2" -> AttentionBias.QKV; // modeling_qwen2: q/k/v projections always have a bias, o_proj none
            case "llama" -> r.path("attention_bias").asBoolean(false) ? AttentionBias.QKVO : AttentionBias.NONE;
            default -> AttentionBias.NONE;
        };
        if (type.equals("mistral") && r.path("attention_bias").asBoolean(false)) {
            throw new IllegalArgumentException("attention_bias is not supported for mistral");
        }
        int hidden = required(r, "hidden_size");
        int heads = required(r, "num_attention_heads");
        int maxPos = required(r, "max_position_embeddings");
        if (r.hasNonNull("head_dim") && r.get("head_dim").asInt() * heads != hidden) {
            throw new IllegalArgumentException("head_dim " + r.get("head_dim") + " differs from hidden_size / "
                    + "num_attention_heads = " + hidden / heads + " (not supported)");
        }
        return new ModelConfig(Architecture.LLAMA,
                required(r, "vocab_size"),
                hidden,
                required(r, "intermediate_size"),
                required(r, "num_hidden_layers"),
                heads,
                r.hasNonNull("num_key_value_heads") ? r.get("num_key_value_heads").asInt() : heads,
                maxPos,
                (float) r.path("rms_norm_eps").asDouble(1e-6),
                (float) ropeTheta(r),
                r.path("tie_word_embeddings").asBoolean(false),
                tokenId(r.get("bos_token_id")),
                tokenId(r.get("eos_token_id")),
                ropeScaling(r),
                bias,
                slidingWindow(r, type));
    }

    /** transformers 5 keeps the rope settings, theta included, in rope_parameters; earlier ones in rope_scaling. */
    private static JsonNode ropeSettings(JsonNode r) {
        JsonNode p = r.path("rope_parameters");
        return p.isObject() ? p : r.path("rope_scaling");
    }

    private static double ropeTheta(JsonNode r) {
        JsonNode inside = ropeSettings(r).path("rope_theta");
        return inside.isNumber() ? inside.asDouble() : r.path("rope_theta").asDouble(10000.0);
    }

    /** Null for plain RoPE (no settings, or rope_type "default"); llama3 scaling; anything else is refused. */
    private static RopeScaling ropeScaling(JsonNode r) {
        JsonNode s = ropeSettings(r);
        String field = r.path("rope_parameters").isObject() ? "rope_parameters" : "rope_scaling";
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            throw new IllegalArgumentException(field + " " + s + " is not an object");
        }
        // transformers reads the legacy key "type" where "rope_type" is absent
        String ropeType = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("");
        return switch (ropeType) {
            case "default" -> null;
            case "llama3" -> new RopeScaling(
                    requiredNumber(s, field, "factor"),
                    requiredNumber(s, field, "low_freq_factor"),
                    requiredNumber(s, field, "high_freq_factor"),
                    (int) requiredNumber(s, field, "original_max_position_embeddings"));
            default -> throw new IllegalArgumentException(field + " rope_type '" + ropeType + "' is not supported "
                    + "(supported: default, llama3): " + s);
        };
    }

    /**
     * Mistral's sliding_window (null or absent: none). Qwen2 configs carry a sliding_window too, used only with
     * use_sliding_window and then only from layer max_window_layers on, which is not implemented.
     */
    private static int slidingWindow(JsonNode r, String type) {
        boolean slidingLayers = false;
        for (JsonNode layerType : r.path("layer_types")) {
            slidingLayers |= !layerType.asText().equals("full_attention");
        }
        if (type.equals("mistral")) {
            JsonNode w = r.get("sliding_window");
            if (w == null || w.isNull()) {
                return 0;
            }
            if (!w.canConvertToInt() || w.asInt() <= 0) {
                throw new IllegalArgumentException("sliding_window " + w + " is not a positive integer");
            }
            return w.asInt();
        }
        if (r.path("use_sliding_window").asBoolean(false) || slidingLayers) {
            throw new IllegalArgumentException(type + " with use_sliding_window true or sliding_attention layer_types "
                    + "is not supported (only mistral's sliding window in every layer)");
        }
        return 0;
    }

    private static ModelConfig gpt2(JsonNode r) {
        String act = r.path("activation_function").asText("gelu_new");
        if (!GPT2_ACTIVATIONS.contains(act)) {
            throw new IllegalArgumentException("activation_function '" + act + "' is not supported (expected gelu_new)");
        }
        if (!r.path("tie_word_embeddings").asBoolean(true)) {
            throw new IllegalArgumentException("GPT-2 with untied word embeddings is not supported");
        }
        if (r.path("scale_attn_by_inverse_layer_idx").asBoolean(false) || r.path("reorder_and_upcast_attn").asBoolean(false)
                || !r.path("scale_attn_weights").asBoolean(true)) {
            throw new IllegalArgumentException("non-standard GPT-2 attention scaling is not supported");
        }
        int embd = required(r, "n_embd");
        int inner = r.hasNonNull("n_inner") ? r.get("n_inner").asInt() : 4 * embd;
        int heads = required(r, "n_head");
        int positions = r.hasNonNull("n_positions") ? r.get("n_positions").asInt() : required(r, "n_ctx");
        return new ModelConfig(Architecture.GPT2,
                required(r, "vocab_size"),
                embd,
                inner,
                required(r, "n_layer"),
                heads,
                heads,
                positions,
                (float) r.path("layer_norm_epsilon").asDouble(1e-5),
                0f,
                true,
                tokenId(r.get("bos_token_id")),
                tokenId(r.get("eos_token_id")));
    }

    private static double requiredNumber(JsonNode settings, String object, String field) {
        JsonNode n = settings.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(object + " of rope_type llama3 misses the number '" + field + "': " + settings);
        }
        return n.asDouble();
    }

    private static int required(JsonNode r, String field) {
        JsonNode n = r.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("missing or non-integer '" + field + "'");
        }
        return n.asInt();
    }

    /** A token id that may be absent, null, a number, or a list of numbers (first taken); -1 when none. */
    private static int tokenId(JsonNode n) {
        if (n == null || n.isNull()) {
            return -1;
        }
        if (n.isArray()) {
            return n.isEmpty() ? -1 : n.get(0).asInt(-1);
        }
        return n.asInt(-1);
    }

    /** The config.json tree of a model; {@code torchDtype} is the dtype the weights are stored in. */
    public static ObjectNode toJson(ModelConfig c, SafetensorsDtype torchDtype) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        if (c.architecture() == Architecture.LLAMA) {
            String type = llamaModelType(c);
            r.putArray("architectures").add(switch (type) {
                case "qwen2" -> "Qwen2ForCausalLM";
                case "mistral" -> "MistralForCausalLM";
                default -> "LlamaForCausalLM";
            });
            r.put("model_type", type);
            r.put("vocab_size", c.vocabSize());
            r.put("hidden_size", c.hiddenSize());
            r.put("intermediate_size", c.intermediateSize());
            r.put("num_hidden_layers", c.numLayers());
            r.put("num_attention_heads", c.numHeads());
            r.put("num_key_value_heads", c.numKvHeads());
            r.put("max_position_embeddings", c.maxPositions());
            r.put("rms_norm_eps", exact(c.normEps()));
            r.put("rope_theta", exact(c.ropeTheta()));
            RopeScaling rs = c.ropeScaling();
            if (rs == null) {
                r.putNull("rope_scaling");
            } else {
                ObjectNode o = r.putObject("rope_scaling");
                o.put("rope_type", "llama3");
                o.put("factor", rs.factor());
                o.put("low_freq_factor", rs.lowFreqFactor());
                o.put("high_freq_factor", rs.highFreqFactor());
                o.put("original_max_position_embeddings", rs.originalMaxPositions());
            }
            r.put("hidden_act", "silu");
            switch (type) {
                case "qwen2" -> r.put("use_sliding_window", false);
                case "mistral" -> r.put("sliding_window", c.slidingWindow());
                default -> r.put("attention_bias", c.attentionBias() == AttentionBias.QKVO);
            }
            r.put("tie_word_embeddings", c.tieEmbeddings());
        } else {
            r.putArray("architectures").add("GPT2LMHeadModel");
            r.put("model_type", "gpt2");
            r.put("vocab_size", c.vocabSize());
            r.put("n_embd", c.hiddenSize());
            r.put("n_inner", c.intermediateSize());
            r.put("n_layer", c.numLayers());
            r.put("n_head", c.numHeads());
            r.put("n_positions", c.maxPositions());
            r.put("n_ctx", c.maxPositions());
            r.put("layer_norm_epsilon", exact(c.normEps()));
            r.put("activation_function", "gelu_new");
            r.put("tie_word_embeddings", true);
        }
        putId(r, "bos_token_id", c.bosTokenId());
        putId(r, "eos_token_id", c.eosTokenId());
        r.put("torch_dtype", torchDtype.torchName());
        return r;
    }

    /** The Hugging Face model_type that computes what this LLaMA-family config does. */
    private static String llamaModelType(ModelConfig c) {
        if (c.slidingWindow() > 0) {
            if (c.attentionBias() != AttentionBias.NONE) {
                throw new IllegalArgumentException("a sliding window with attention biases " + c.attentionBias()
                        + " has no Hugging Face model_type (mistral has no biases)");
            }
            return "mistral";
        }
        return c.attentionBias() == AttentionBias.QKV ? "qwen2" : "llama";
    }

    public static void write(Path file, ModelConfig c, SafetensorsDtype torchDtype) throws IOException {
        AtomicFile.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(c, torchDtype)) + "\n");
    }

    private static void putId(ObjectNode r, String field, int id) {
        if (id >= 0) {
            r.put(field, id);
        } else {
            r.putNull(field);
        }
    }

    /** The shortest decimal of a float (1e-5f is written 1.0E-5, not 9.99999974737875E-6). */
    private static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
