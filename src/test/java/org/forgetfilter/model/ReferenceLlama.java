package org.forgetfilter.model;

import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;

/**
 * A plain-Java LLaMA forward pass (no DJL), written straight from the equations in double precision, one token
 * at a time like llama2.c's run.c. Reads Hugging Face-layout weights (torch Linear (out, in), rotate-half RoPE).
 * Tests use it as an independent oracle for the NDArray implementation. It covers the LLaMA variants on its own
 * (nothing shared with the model code): Llama 3 rope scaling (its own copy of the published formula), projection
 * biases wherever the weights hold a {@code .bias} (Qwen2), and Mistral's sliding window as a loop bound.
 */
final class ReferenceLlama {
    private final ModelConfig c;
    private final Map<String, FloatTensor> w;

    ReferenceLlama(ModelConfig c, Map<String, FloatTensor> weights) {
        this.c = c;
        this.w = weights;
    }

    /** Logits (T, vocab) for one sequence at positions 0..T-1. */
    double[][] logits(int[] tokens) {
        return logits(tokens, 0);
    }

    /**
     * Logits (T, vocab) for one sequence whose first token has RoPE position {@code startPos}; the sliding window
     * counts sequence indices, so it is unaffected by the offset.
     */
    double[][] logits(int[] tokens, int startPos) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        int kvDim = c.kvDim();
        int t = tokens.length;
        double[][][] keys = new double[c.numLayers()][t][];
        double[][][] values = new double[c.numLayers()][t][];
        double[][] out = new double[t][];
        for (int pos = 0; pos < t; pos++) {
            double[] x = row("model.embed_tokens.weight", tokens[pos]);
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "model.layers." + l + ".";
                double[] h = rms(x, p + "input_layernorm.weight");
                double[] q = linear(p + "self_attn.q_proj", h);
                double[] k = linear(p + "self_attn.k_proj", h);
                double[] v = linear(p + "self_attn.v_proj", h);
                rope(q, startPos + pos, c.numHeads());
                rope(k, startPos + pos, c.numKvHeads());
                keys[l][pos] = k;
                values[l][pos] = v;
                double[] att = new double[d];
                int group = c.numHeads() / c.numKvHeads();
                // Mistral: the current position and the window - 1 before it
                int first = c.slidingWindow() > 0 ? Math.max(0, pos - c.slidingWindow() + 1) : 0;
                for (int head = 0; head < c.numHeads(); head++) {
                    int kvHead = head / group;
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = first; j <= pos; j++) {
                        double s = 0;
                        for (int i = 0; i < hd; i++) {
                            s += q[head * hd + i] * keys[l][j][kvHead * hd + i];
                        }
                        score[j] = s / Math.sqrt(hd);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = first; j <= pos; j++) {
                        score[j] = Math.exp(score[j] - max);
                        sum += score[j];
                    }
                    for (int j = first; j <= pos; j++) {
                        for (int i = 0; i < hd; i++) {
                            att[head * hd + i] += score[j] / sum * values[l][j][kvHead * hd + i];
                        }
                    }
                }
                add(x, linear(p + "self_attn.o_proj", att));
                h = rms(x, p + "post_attention_layernorm.weight");
                double[] gate = matvec(p + "mlp.gate_proj.weight", h);
                double[] up = matvec(p + "mlp.up_proj.weight", h);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x, matvec(p + "mlp.down_proj.weight", gate));
            }
            x = rms(x, "model.norm.weight");
            out[pos] = matvec(c.tieEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight", x);
        }
        assert kvDim > 0;
        return out;
    }

    /** Rotate-half RoPE: element i pairs with i + headDim/2 within each head. */
    private void rope(double[] x, int pos, int heads) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int head = 0; head < heads; head++) {
            for (int j = 0; j < half; j++) {
                double freq = frequency(j);
                double cos = Math.cos(pos * freq);
                double sin = Math.sin(pos * freq);
                int a = head * hd + j;
                int b = a + half;
                double x1 = x[a];
                double x2 = x[b];
                x[a] = x1 * cos - x2 * sin;
                x[b] = x2 * cos + x1 * sin;
            }
        }
    }

    /**
     * theta^(-2j/d), and with Llama 3 scaling (Meta's apply_scaling): wavelengths below original / high_freq_factor
     * keep their frequency, those above original / low_freq_factor are divided by factor, and in between the
     * frequency is blended linearly in original / wavelength between the two.
     */
    private double frequency(int j) {
        double f = Math.pow(c.ropeTheta(), -2.0 * j / c.headDim());
        RopeScaling rs = c.ropeScaling();
        if (rs == null) {
            return f;
        }
        double wavelength = 2 * Math.PI / f;
        double shortest = rs.originalMaxPositions() / rs.highFreqFactor();
        double longest = rs.originalMaxPositions() / rs.lowFreqFactor();
        if (wavelength < shortest) {
            return f;
        }
        if (wavelength > longest) {
            return f / rs.factor();
        }
        double blend = (rs.originalMaxPositions() / wavelength - rs.lowFreqFactor())
                / (rs.highFreqFactor() - rs.lowFreqFactor());
        return blend * f + (1 - blend) * (f / rs.factor());
    }

    /** W x (+ b when the weights hold {@code <layer>.bias}). */
    private double[] linear(String layer, double[] x) {
        double[] y = matvec(layer + ".weight", x);
        FloatTensor b = w.get(layer + ".bias");
        if (b != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] += b.data()[i];
            }
        }
        return y;
    }

    private double[] rms(double[] x, String name) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1.0 / Math.sqrt(ss / x.length + c.normEps());
        float[] g = w.get(name).data();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * g[i];
        }
        return out;
    }

    /** W x for W stored (out, in). */
    private double[] matvec(String name, double[] x) {
        FloatTensor t = w.get(name);
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 0; k < cols; k++) {
                s += t.data()[r * cols + k] * x[k];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] row(String name, int index) {
        FloatTensor t = w.get(name);
        int cols = (int) t.shape()[1];
        double[] out = new double[cols];
        for (int k = 0; k < cols; k++) {
            out[k] = t.data()[index * cols + k];
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
