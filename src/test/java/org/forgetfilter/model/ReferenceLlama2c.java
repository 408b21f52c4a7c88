package org.forgetfilter.model;

import org.forgetfilter.checkpoint.Llama2cCheckpoint;

/**
 * llama2.c's run.c forward pass, in plain Java and double precision, on the checkpoint's raw arrays: torch
 * (out, in) matrices concatenated over layers and RoPE rotating adjacent pairs (2i, 2i+1) of each head. It shares
 * no code and no weight permutation with the loader, so it checks the q/k permutation and the HF-layout model at once.
 */
final class ReferenceLlama2c {
    private final Llama2cCheckpoint.Raw w;

    ReferenceLlama2c(Llama2cCheckpoint.Raw raw) {
        this.w = raw;
    }

    /** Logits (T, vocab) of one sequence. */
    double[][] logits(int[] tokens) {
        int dim = w.dim();
        int hs = w.headSize();
        int kvDim = w.kvDim();
        int ff = w.hiddenDim();
        int layers = w.nLayers();
        int t = tokens.length;
        int group = w.nHeads() / w.nKvHeads();
        double[][][] keys = new double[layers][t][];
        double[][][] values = new double[layers][t][];
        double[][] out = new double[t][];
        for (int pos = 0; pos < t; pos++) {
            double[] x = new double[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = w.array("token_embedding_table")[tokens[pos] * dim + i];
            }
            for (int l = 0; l < layers; l++) {
                double[] h = rms(x, w.array("rms_att_weight"), l * dim);
                double[] q = matvec(w.array("wq"), (long) l * dim * dim, dim, dim, h);
                double[] k = matvec(w.array("wk"), (long) l * kvDim * dim, kvDim, dim, h);
                double[] v = matvec(w.array("wv"), (long) l * kvDim * dim, kvDim, dim, h);
                for (int i = 0; i < dim; i += 2) {
                    double freq = 1.0 / Math.pow(10000.0, (double) (i % hs) / hs);
                    double c = Math.cos(pos * freq);
                    double s = Math.sin(pos * freq);
                    rotate(q, i, c, s);
                    if (i < kvDim) {
                        rotate(k, i, c, s);
                    }
                }
                keys[l][pos] = k;
                values[l][pos] = v;
                double[] att = new double[dim];
                for (int head = 0; head < w.nHeads(); head++) {
                    int kvOff = (head / group) * hs;
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= pos; j++) {
                        double sum = 0;
                        for (int i = 0; i < hs; i++) {
                            sum += q[head * hs + i] * keys[l][j][kvOff + i];
                        }
                        score[j] = sum / Math.sqrt(hs);
                        max = Math.max(max, score[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= pos; j++) {
                        score[j] = Math.exp(score[j] - max);
                        z += score[j];
                    }
                    for (int j = 0; j <= pos; j++) {
                        for (int i = 0; i < hs; i++) {
                            att[head * hs + i] += score[j] / z * values[l][j][kvOff + i];
                        }
                    }
                }
                add(x, matvec(w.array("wo"), (long) l * dim * dim, dim, dim, att));
                h = rms(x, w.array("rms_ffn_weight"), l * dim);
                double[] h1 = matvec(w.array("w1"), (long) l * ff * dim, ff, dim, h);
                double[] h3 = matvec(w.array("w3"), (long) l * ff * dim, ff, dim, h);
                for (int i = 0; i < ff; i++) {
                    h1[i] = h1[i] / (1 + Math.exp(-h1[i])) * h3[i];
                }
                add(x, matvec(w.array("w2"), (long) l * dim * ff, dim, ff, h1));
            }
            x = rms(x, w.array("rms_final_weight"), 0);
            float[] cls = w.sharedClassifier() ? w.array("token_embedding_table") : w.array("wcls");
            out[pos] = matvec(cls, 0, w.vocabSize(), dim, x);
        }
        return out;
    }

    private static void rotate(double[] v, int i, double c, double s) {
        double a = v[i];
        double b = v[i + 1];
        v[i] = a * c - b * s;
        v[i + 1] = a * s + b * c;
    }

    private static double[] rms(double[] x, float[] weight, int offset) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1.0 / Math.sqrt(ss / x.length + 1e-5);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[offset + i];
        }
        return out;
    }

    /** rows x cols row-major matrix starting at {@code offset}, times x. */
    private static double[] matvec(float[] m, long offset, int rows, int cols, double[] x) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            long base = offset + (long) r * cols;
            for (int c = 0; c < cols; c++) {
                s += m[(int) (base + c)] * x[c];
            }
            out[r] = s;
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
