package org.forgetfilter.model;

import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;

/**
 * A plain-Java LLaMA forward pass (no DJL), written straight from the equations in double precision, one token
 * at a time like llama2.c's run.c. Reads Hugging Face-layout weights (torch Linear (out, in), rotate-half RoPE).
 * Tests use it as an independent oracle for the NDArray implementation.
 */
final class ReferenceLlama {
    private final ModelConfig c;
    private final Map<String, FloatTensor> w;

    ReferenceLlama(ModelConfig c, Map<String, FloatTensor> weights) {
        this.c = c;
        this.w = weights;
    }

    /** Logits (T, vocab) for one sequence. */
    double[][] logits(int[] tokens) {
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
                double[] q = matvec(p + "self_attn.q_proj.weight", h);
                double[] k = matvec(p + "self_attn.k_proj.weight", h);
                double[] v = matvec(p + "self_attn.v_proj.weight", h);
                rope(q, pos, c.numHeads());
                rope(k, pos, c.numKvHeads());
                keys[l][pos] = k;
                values[l][pos] = v;
                double[] att = new double[d];
                int group = c.numHeads() / c.numKvHeads();
                for (int head = 0; head < c.numHeads(); head++) {
                    int kvHead = head / group;
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= pos; j++) {
                        double s = 0;
                        for (int i = 0; i < hd; i++) {
                            s += q[head * hd + i] * keys[l][j][kvHead * hd + i];
                        }
                        score[j] = s / Math.sqrt(hd);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= pos; j++) {
                        score[j] = Math.exp(score[j] - max);
                        sum += score[j];
                    }
                    for (int j = 0; j <= pos; j++) {
                        for (int i = 0; i < hd; i++) {
                            att[head * hd + i] += score[j] / sum * values[l][j][kvHead * hd + i];
                        }
                    }
                }
                add(x, matvec(p + "self_attn.o_proj.weight", att));
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
                double freq = Math.pow(c.ropeTheta(), -2.0 * j / hd);
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
