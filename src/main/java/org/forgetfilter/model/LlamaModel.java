package org.forgetfilter.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;

/**
 * The LLaMA architecture as Hugging Face's {@code modeling_llama.py} computes it: RMSNorm, rotary position
 * embeddings in the rotate-half layout, grouped-query attention and a SwiGLU feed-forward block. Covers
 * llama2.c's stories models (after their q/k rows are permuted on load), TinyLlama, SmolLM, Llama 2 and 3.x,
 * and the LLaMA variants whose differences are options of {@link ModelConfig}:
 * <ul>
 *   <li>Llama 3.x rope scaling ({@link RopeScaling}) changes only the RoPE frequencies;</li>
 *   <li>Qwen2's q/k/v biases (and LLaMA's {@code attention_bias}) are {@code .bias} tensors of the checkpoint,
 *       which {@link #linear} adds wherever they exist;</li>
 *   <li>Mistral's sliding window narrows the attention mask: query i sees keys j with i - window &lt; j &lt;= i,
 *       counted in sequence indices (past + new), as transformers' sliding-window mask does.</li>
 * </ul>
 *
 * <pre>
 * x = embed(tokens)
 * for each layer:  h = rms(x) ; x = x + o_proj(attn(rope(q_proj h), rope(k_proj h), v_proj h))
 *                  h = rms(x) ; x = x + down_proj(silu(gate_proj h) * up_proj h)
 * logits = rms(x) lm_head   (lm_head = embed_tokens^T when tied)
 * </pre>
 */
public final class LlamaModel extends TransformerLm {
    private final NDArray cosTable; // (maxPositions, headDim / 2)
    private final NDArray sinTable;

    LlamaModel(NDManager parent, ModelConfig config, Map<String, FloatTensor> checkpoint) {
        super(parent, config, checkpoint);
        NDArray[] tables = ropeTables();
        cosTable = tables[0];
        sinTable = tables[1];
    }

    private LlamaModel(NDManager parent, LlamaModel source, boolean shareWeights) {
        super(parent, source, shareWeights);
        NDArray[] tables = ropeTables();
        cosTable = tables[0];
        sinTable = tables[1];
    }

    @Override
    protected LlamaModel derive(NDManager parent, boolean shareWeights) {
        return new LlamaModel(parent, this, shareWeights);
    }

    /** cos and sin of every position x frequency, (maxPositions, headDim / 2) each, owned by this model. */
    private NDArray[] ropeTables() {
        int half = config.headDim() / 2;
        int maxPos = config.maxPositions();
        double[] invFreq = config.ropeInverseFrequencies();
        float[] c = new float[maxPos * half];
        float[] s = new float[maxPos * half];
        for (int p = 0; p < maxPos; p++) {
            for (int j = 0; j < half; j++) {
                c[p * half + j] = (float) Math.cos(p * invFreq[j]);
                s[p * half + j] = (float) Math.sin(p * invFreq[j]);
            }
        }
        return new NDArray[] {OwnedArrays.persistent(manager, c, new Shape(maxPos, half)),
                OwnedArrays.persistent(manager, s, new Shape(maxPos, half))};
    }

    @Override
    protected boolean inOutLayout() {
        return false; // torch Linear: (out, in)
    }

    @Override
    protected List<String> linearLayers() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            for (String n : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                out.add(p + n);
            }
        }
        return out;
    }

    @Override
    public NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        Shape ts = tokens.getShape();
        long b = ts.get(0);
        long t = ts.get(1);
        int half = config.headDim() / 2;
        NDArray pos = positions != null ? positions
                : defaultPositions(tokens.getManager(), cache == null ? 0 : cache.length(), t);
        long pb = pos.getShape().get(0);
        NDArray cos = embed(pos, cosTable).reshape(pb, t, 1, half);
        NDArray sin = embed(pos, sinTable).reshape(pb, t, 1, half);
        // Folding 1/sqrt(headDim) into q saves one pass over the (T, Tk) score matrix.
        NDArray scale = constant((float) (1.0 / Math.sqrt(config.headDim())));

        NDArray attnMask = maskOrCausal(mask, tokens.getManager(), t, cache, config.slidingWindow());
        NDArray x = embed(tokens, weight("model.embed_tokens.weight"));
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            NDArray h = rmsNorm(x, weight(p + "input_layernorm.weight"));
            NDArray q = rope(linear(h, p + "self_attn.q_proj").mul(scale), config.numHeads(), cos, sin);
            NDArray k = rope(linear(h, p + "self_attn.k_proj"), config.numKvHeads(), cos, sin);
            NDArray v = linear(h, p + "self_attn.v_proj");
            x = x.add(linear(attention(q, k, v, attnMask, cache, l), p + "self_attn.o_proj"));
            h = rmsNorm(x, weight(p + "post_attention_layernorm.weight"));
            NDArray gate = linear(h, p + "mlp.gate_proj");
            NDArray ff = gate.mul(Activation.sigmoid(gate)).mul(linear(h, p + "mlp.up_proj"));
            x = x.add(linear(ff, p + "mlp.down_proj"));
        }
        return rmsNorm(x, weight("model.norm.weight"));
    }

    @Override
    public NDArray logits(NDArray hidden) {
        return config.tieEmbeddings()
                ? hidden.matMul(weight("model.embed_tokens.weight").transpose())
                : linear(hidden, "lm_head");
    }

    /** x / sqrt(mean(x^2) + eps) * w. */
    private NDArray rmsNorm(NDArray x, NDArray w) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(constant(config.normEps())).sqrt();
        return x.div(rms).mul(w);
    }

    /**
     * Rotary embedding, rotate-half layout: the first and second halves of each head are the two coordinates
     * of each rotated pair. x (B, T, heads * headDim); cos, sin (B or 1, T, 1, headDim / 2).
     */
    private NDArray rope(NDArray x, int heads, NDArray cos, NDArray sin) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDList halves = x.reshape(b, t, heads, config.headDim()).split(2, 3);
        NDArray x1 = halves.get(0);
        NDArray x2 = halves.get(1);
        NDArray r1 = x1.mul(cos).sub(x2.mul(sin));
        NDArray r2 = x2.mul(cos).add(x1.mul(sin));
        return r1.concat(r2, 3).reshape(b, t, (long) heads * config.headDim());
    }
}
