package org.forgetfilter.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.forgetfilter.model.Architecture;
import org.forgetfilter.model.ModelConfig;

/**
 * The canonical tensor names and shapes of each architecture (Hugging Face names and layouts), and the check
 * that a loaded set of tensors is exactly that set.
 *
 * <p>LLaMA: {@code model.embed_tokens.weight} (vocab, d), per layer {@code model.layers.i.input_layernorm.weight},
 * {@code self_attn.{q,k,v,o}_proj.weight} as torch Linear (out, in), {@code post_attention_layernorm.weight},
 * {@code mlp.{gate,up,down}_proj.weight}, then {@code model.norm.weight} and {@code lm_head.weight} unless tied.
 * With attention biases (Qwen2: q, k, v; LLaMA {@code attention_bias}: all four) each biased projection also has
 * {@code self_attn.<proj>.bias} (out).
 *
 * <p>GPT-2: {@code transformer.wte/wpe.weight}, per layer {@code transformer.h.i.ln_1, attn.c_attn, attn.c_proj,
 * ln_2, mlp.c_fc, mlp.c_proj} (weights are Conv1D (in, out)), then {@code transformer.ln_f}.
 */
public final class WeightLayout {
    /** Non-parameter buffers some Hugging Face files carry; they are recomputed by the model, so dropped. */
    private static final Pattern GPT2_BUFFER = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final Pattern LAYER_INDEX = Pattern.compile("(?:model\\.layers|transformer\\.h)\\.(\\d+)\\.");
    private static final Pattern LLAMA_BUFFER = Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private WeightLayout() {
    }

    /** Every tensor the architecture needs, in canonical order, with its shape. */
    public static Map<String, long[]> expectedShapes(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        long v = c.vocabSize();
        if (c.architecture() == Architecture.LLAMA) {
            m.put("model.embed_tokens.weight", new long[] {v, d});
            for (int i = 0; i < c.numLayers(); i++) {
                String p = "model.layers." + i + ".";
                m.put(p + "input_layernorm.weight", new long[] {d});
                long[] outDims = {d, c.kvDim(), c.kvDim(), d};
                String[] projections = {"q_proj", "k_proj", "v_proj", "o_proj"};
                for (int k = 0; k < projections.length; k++) {
                    m.put(p + "self_attn." + projections[k] + ".weight", new long[] {outDims[k], d});
                    if (c.attentionBias().has(projections[k])) {
                        m.put(p + "self_attn." + projections[k] + ".bias", new long[] {outDims[k]});
                    }
                }
                m.put(p + "post_attention_layernorm.weight", new long[] {d});
                m.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
                m.put(p + "mlp.up_proj.weight", new long[] {ff, d});
                m.put(p + "mlp.down_proj.weight", new long[] {d, ff});
            }
            m.put("model.norm.weight", new long[] {d});
            if (!c.tieEmbeddings()) {
                m.put("lm_head.weight", new long[] {v, d});
            }
        } else {
            m.put("transformer.wte.weight", new long[] {v, d});
            m.put("transformer.wpe.weight", new long[] {c.maxPositions(), d});
            for (int i = 0; i < c.numLayers(); i++) {
                String p = "transformer.h." + i + ".";
                m.put(p + "ln_1.weight", new long[] {d});
                m.put(p + "ln_1.bias", new long[] {d});
                m.put(p + "attn.c_attn.weight", new long[] {d, 3 * d});
                m.put(p + "attn.c_attn.bias", new long[] {3 * d});
                m.put(p + "attn.c_proj.weight", new long[] {d, d});
                m.put(p + "attn.c_proj.bias", new long[] {d});
                m.put(p + "ln_2.weight", new long[] {d});
                m.put(p + "ln_2.bias", new long[] {d});
                m.put(p + "mlp.c_fc.weight", new long[] {d, ff});
                m.put(p + "mlp.c_fc.bias", new long[] {ff});
                m.put(p + "mlp.c_proj.weight", new long[] {ff, d});
                m.put(p + "mlp.c_proj.bias", new long[] {d});
            }
            m.put("transformer.ln_f.weight", new long[] {d});
            m.put("transformer.ln_f.bias", new long[] {d});
        }
        return m;
    }

    /**
     * Maps tensors as found in a file to the canonical set: GPT-2 names gain the {@code transformer.} prefix,
     * attention-mask and rotary buffers are dropped, a tied {@code lm_head.weight} equal to the embedding is
     * dropped. Then checks that exactly the expected tensors remain, each with the expected shape.
     *
     * @param source file or folder named in error messages
     * @return canonical name to tensor in canonical order
     * @throws IllegalArgumentException naming the tensor and the expected and found shape, or the missing or
     *                                  unknown tensors
     */
    public static Map<String, FloatTensor> canonicalize(Map<String, FloatTensor> found, ModelConfig c, String source) {
        Map<String, FloatTensor> named = new LinkedHashMap<>();
        boolean gpt2 = c.architecture() == Architecture.GPT2;
        FloatTensor lmHead = null;
        for (Map.Entry<String, FloatTensor> e : found.entrySet()) {
            String name = e.getKey();
            if (name.equals("lm_head.weight") && (gpt2 || c.tieEmbeddings())) {
                lmHead = e.getValue();
                continue;
            }
            if (gpt2 ? GPT2_BUFFER.matcher(name).matches() : LLAMA_BUFFER.matcher(name).matches()) {
                continue;
            }
            if (gpt2 && !name.startsWith("transformer.")) {
                name = "transformer." + name;
            }
            if (named.put(name, e.getValue()) != null) {
                throw new IllegalArgumentException(source + ": tensor " + name + " appears twice (with and without prefix)");
            }
        }
        int layersFound = layersFound(named.keySet());
        if (c.numLayers() > layersFound) { // before listing the expected tensors, which an absurd count makes endless
            throw new IllegalArgumentException(source + ": the config says " + c.numLayers() + " layers but the "
                    + "weights hold " + layersFound + (layersFound > 0 ? " (layers 0.." + (layersFound - 1) + ")" : "")
                    + "; fix num_hidden_layers / n_layer in config.json or use the matching weights");
        }
        Map<String, long[]> expected = expectedShapes(c);
        if (lmHead != null) {
            String embed = gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";
            FloatTensor e = named.get(embed);
            if (e == null || !Arrays.equals(e.data(), lmHead.data())) {
                throw new IllegalArgumentException(source + ": lm_head.weight differs from " + embed
                        + " but the config ties them (untied GPT-2 heads are not supported)");
            }
        }
        TreeSet<String> unknown = new TreeSet<>(named.keySet());
        unknown.removeAll(expected.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unexpected tensors for a " + c.architecture()
                    + " model: " + first(unknown) + " (the config declares no such parameters"
                    + (gpt2 ? "" : "; its attention biases: " + c.attentionBias()) + ")");
        }
        List<String> missing = new ArrayList<>();
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            FloatTensor t = named.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
                continue;
            }
            checkShape(e.getKey(), t, e.getValue(), source);
            out.put(e.getKey(), t);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + missing.size() + " tensors missing: " + first(missing));
        }
        return out;
    }

    /** One more than the highest block index among the tensor names, 0 when there is none. */
    private static int layersFound(java.util.Collection<String> names) {
        int layers = 0;
        for (String name : names) {
            Matcher m = LAYER_INDEX.matcher(name);
            if (m.lookingAt() && m.group(1).length() < 10) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return layers;
    }

    /** Fails with the tensor's name, the expected and the found shape unless they agree. */
    public static void checkShape(String name, FloatTensor t, long[] expected, String source) {
        if (!t.hasShape(expected)) {
            throw new IllegalArgumentException(source + ": tensor " + name + " has shape "
                    + Arrays.toString(t.shape()) + " but the config expects " + Arrays.toString(expected));
        }
    }

    private static String first(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 6 ? l.toString() : l.subList(0, 6) + " and " + (l.size() - 6) + " more";
    }
}
