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
import org.forgetfilter.model.ModelConfig;

/**
 * Maps a Hugging Face {@code config.json} to {@link ModelConfig} and back, for {@code model_type} llama (and
 * mistral configs whose sliding window never applies, which are the same model) and gpt2. Settings that
 * change the computation in ways the Java models do not implement (rope_scaling, attention biases, other
 * activations) are rejected rather than ignored.
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
                case "llama", "mistral" -> llama(root, type);
                case "gpt2" -> gpt2(root);
                default -> throw new IllegalArgumentException("unsupported model_type '" + type
                        + "' (supported: llama, gpt2)");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static ModelConfig llama(JsonNode r, String type) {
        if (!r.path("rope_scaling").isMissingNode() && !r.path("rope_scaling").isNull()) {
            throw new IllegalArgumentException("rope_scaling " + r.get("rope_scaling")
                    + " is not supported (only plain RoPE); use a model without rope_scaling");
        }
        String act = r.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (LLaMA uses silu)");
        }
        if (r.path("attention_bias").asBoolean(false) || r.path("mlp_bias").asBoolean(false)) {
            throw new IllegalArgumentException("attention_bias / mlp_bias are not supported");
        }
        int hidden = required(r, "hidden_size");
        int heads = required(r, "num_attention_heads");
        int maxPos = required(r, "max_position_embeddings");
        if (r.hasNonNull("head_dim") && r.get("head_dim").asInt() * heads != hidden) {
            throw new IllegalArgumentException("head_dim " + r.get("head_dim") + " differs from hidden_size / "
                    + "num_attention_heads = " + hidden / heads + " (not supported)");
        }
        if (type.equals("mistral") && r.hasNonNull("sliding_window") && r.get("sliding_window").asInt() < maxPos) {
            throw new IllegalArgumentException("mistral sliding_window " + r.get("sliding_window")
                    + " is shorter than max_position_embeddings " + maxPos + "; sliding-window attention is not supported");
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
                (float) r.path("rope_theta").asDouble(10000.0),
                r.path("tie_word_embeddings").asBoolean(false),
                tokenId(r.get("bos_token_id")),
                tokenId(r.get("eos_token_id")));
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
            r.putArray("architectures").add("LlamaForCausalLM");
            r.put("model_type", "llama");
            r.put("vocab_size", c.vocabSize());
            r.put("hidden_size", c.hiddenSize());
            r.put("intermediate_size", c.intermediateSize());
            r.put("num_hidden_layers", c.numLayers());
            r.put("num_attention_heads", c.numHeads());
            r.put("num_key_value_heads", c.numKvHeads());
            r.put("max_position_embeddings", c.maxPositions());
            r.put("rms_norm_eps", exact(c.normEps()));
            r.put("rope_theta", exact(c.ropeTheta()));
            r.putNull("rope_scaling");
            r.put("hidden_act", "silu");
            r.put("attention_bias", false);
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
