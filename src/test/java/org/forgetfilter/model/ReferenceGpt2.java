package org.forgetfilter.model;

import java.util.Map;
import org.forgetfilter.checkpoint.FloatTensor;

/**
 * A plain-Java GPT-2 forward pass (no DJL) in double precision, one token at a time, from Hugging Face-layout
 * weights (Conv1D (in, out), fused c_attn). The independent oracle for {@link Gpt2Model}.
 */
final class ReferenceGpt2 {
    private final ModelConfig c;
    private final Map<String, FloatTensor> w;

    ReferenceGpt2(ModelConfig c, Map<String, FloatTensor> weights) {
        this.c = c;
        this.w = weights;
    }

    double[][] logits(int[] tokens) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        int t = tokens.length;
        double[][][] keys = new double[c.numLayers()][t][];
        double[][][] values = new double[c.numLayers()][t][];
        double[][] out = new double[t][];
        for (int pos = 0; pos < t; pos++) {
            double[] x = row("transformer.wte.weight", tokens[pos]);
            double[] pe = row("transformer.wpe.weight", pos);
            for (int i = 0; i < d; i++) {
                x[i] += pe[i];
            }
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "transformer.h." + l + ".";
                double[] qkv = conv1d(p + "attn.c_attn", layerNorm(x, p + "ln_1"));
                double[] q = java.util.Arrays.copyOfRange(qkv, 0, d);
                keys[l][pos] = java.util.Arrays.copyOfRange(qkv, d, 2 * d);
                values[l][pos] = java.util.Arrays.copyOfRange(qkv, 2 * d, 3 * d);
                double[] att = new double[d];
                for (int head = 0; head < c.numHeads(); head++) {
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= pos; j++) {
                        double s = 0;
                        for (int i = 0; i < hd; i++) {
                            s += q[head * hd + i] * keys[l][j][head * hd + i];
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
                            att[head * hd + i] += score[j] / sum * values[l][j][head * hd + i];
                        }
                    }
                }
                add(x, conv1d(p + "attn.c_proj", att));
                double[] m = conv1d(p + "mlp.c_fc", layerNorm(x, p + "ln_2"));
                for (int i = 0; i < m.length; i++) {
                    double v = m[i];
                    m[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
                add(x, conv1d(p + "mlp.c_proj", m));
            }
            x = layerNorm(x, "transformer.ln_f");
            FloatTensor wte = w.get("transformer.wte.weight");
            double[] lg = new double[c.vocabSize()];
            for (int v = 0; v < lg.length; v++) {
                for (int i = 0; i < d; i++) {
                    lg[v] += wte.data()[v * d + i] * x[i];
                }
            }
            out[pos] = lg;
        }
        return out;
    }

    private double[] layerNorm(double[] x, String name) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        float[] g = w.get(name + ".weight").data();
        float[] b = w.get(name + ".bias").data();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) / Math.sqrt(var + c.normEps()) * g[i] + b[i];
        }
        return out;
    }

    /** x W + b with W stored (in, out). */
    private double[] conv1d(String name, double[] x) {
        FloatTensor t = w.get(name + ".weight");
        float[] b = w.get(name + ".bias").data();
        int in = (int) t.shape()[0];
        int outDim = (int) t.shape()[1];
        double[] out = new double[outDim];
        for (int o = 0; o < outDim; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) {
                s += x[i] * t.data()[i * outDim + o];
            }
            out[o] = s;
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
