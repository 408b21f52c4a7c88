package org.forgetfilter.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;

/**
 * GPT-2 as Hugging Face's {@code GPT2LMHeadModel} computes it: learned positions, pre-LayerNorm blocks, fused
 * q/k/v projection ({@code c_attn}), GELU with the tanh approximation, output head tied to the token embedding.
 * Dropout is not applied (finetuning runs here use none).
 *
 * <pre>
 * x = wte[tokens] + wpe[positions]
 * for each block:  x = x + c_proj(attn(split(c_attn(ln_1 x))))
 *                  x = x + mlp.c_proj(gelu_tanh(c_fc(ln_2 x)))
 * logits = ln_f(x) wte^T
 * </pre>
 */
public final class Gpt2Model extends TransformerLm {
    private static final float GELU_A = (float) (2 * Math.sqrt(2.0 / Math.PI));
    private static final float GELU_B = (float) (0.044715 * 2 * Math.sqrt(2.0 / Math.PI));

    Gpt2Model(NDManager parent, ModelConfig config, Map<String, FloatTensor> checkpoint) {
        super(parent, config, checkpoint);
    }

    private Gpt2Model(NDManager parent, Gpt2Model source, boolean shareWeights) {
        super(parent, source, shareWeights);
    }

    @Override
    protected Gpt2Model derive(NDManager parent, boolean shareWeights) {
        return new Gpt2Model(parent, this, shareWeights);
    }


    @Override
    protected boolean inOutLayout() {
        return true; // Conv1D: (in, out)
    }

    @Override
    protected List<String> linearLayers() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "transformer.h." + l + ".";
            out.add(p + "attn.c_attn");
            out.add(p + "attn.c_proj");
            out.add(p + "mlp.c_fc");
            out.add(p + "mlp.c_proj");
        }
        return out;
    }

    @Override
    public NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        long t = tokens.getShape().get(1);
        long d = config.hiddenSize();
        NDArray pos = positions != null ? positions
                : defaultPositions(tokens.getManager(), cache == null ? 0 : cache.length(), t);
        NDArray scale = constant((float) (1.0 / Math.sqrt(config.headDim())));
        NDArray attnMask = maskOrCausal(mask, tokens.getManager(), t, cache);
        NDArray x = embed(tokens, weight("transformer.wte.weight")).add(embed(pos, weight("transformer.wpe.weight")));
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "transformer.h." + l + ".";
            NDArray h = layerNorm(x, p + "ln_1");
            NDList qkv = linear(h, p + "attn.c_attn").split(new long[] {d, 2 * d}, 2);
            NDArray y = attention(qkv.get(0).mul(scale), qkv.get(1), qkv.get(2), attnMask, cache, l);
            x = x.add(linear(y, p + "attn.c_proj"));
            h = layerNorm(x, p + "ln_2");
            x = x.add(linear(geluTanh(linear(h, p + "mlp.c_fc")), p + "mlp.c_proj"));
        }
        return layerNorm(x, "transformer.ln_f");
    }

    @Override
    public NDArray logits(NDArray hidden) {
        return hidden.matMul(weight("transformer.wte.weight").transpose());
    }

    private NDArray layerNorm(NDArray x, String name) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(config.hiddenSize()), weight(name + ".weight"),
                weight(name + ".bias"), config.normEps()).singletonOrThrow();
    }

    /**
     * GELU, tanh approximation (GPT-2's "gelu_new"): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as
     * x sigmoid(x (a + b x^2)) with a = 2 sqrt(2/pi), b = 0.044715 a (since 0.5 (1 + tanh z) = sigmoid(2z)): six
     * element-wise operations instead of nine, forward and backward.
     */
    private NDArray geluTanh(NDArray x) {
        return x.mul(x.mul(x).mul(constant(GELU_B)).add(constant(GELU_A)).mul(x).getNDArrayInternal().sigmoid());
    }
}
