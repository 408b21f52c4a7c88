package org.forgetfilter.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.forgetfilter.model.OwnedArrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdamWTest {

    /**
     * The in-place AdamW equals torch.optim.AdamW's update rule (written out below in double precision) with global
     * norm clipping, over several steps whose gradients are clipped on some steps and not on others.
     */
    @ParameterizedTest
    @CsvSource({"0.0, 0.0", "0.1, 1.5", "0.0, 0.7"})
    void matchesTorchAdamWWithClippingAndWeightDecay(float weightDecay, float maxGradNorm) {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] sizes = {12, 5};
        double[][] p = new double[sizes.length][];
        double[][] m = new double[sizes.length][];
        double[][] v = new double[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            p[k] = new double[sizes[k]];
            m[k] = new double[sizes[k]];
            v[k] = new double[sizes[k]];
            for (int i = 0; i < sizes[k]; i++) {
                p[k][i] = rnd.nextDouble() * 2 - 1;
            }
        }
        float lr = 0.05f;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray[] params = new NDArray[sizes.length];
            for (int k = 0; k < sizes.length; k++) {
                params[k] = OwnedArrays.persistent(root, toFloat(p[k]), new Shape(sizes[k]));
                params[k].setRequiresGradient(true);
            }
            try (AdamW opt = new AdamW(root, List.of(params), weightDecay, maxGradNorm)) {
                for (int step = 1; step <= 4; step++) {
                    double[][] g = new double[sizes.length][];
                    double sq = 0;
                    for (int k = 0; k < sizes.length; k++) {
                        g[k] = new double[sizes[k]];
                        for (int i = 0; i < sizes[k]; i++) {
                            g[k][i] = (rnd.nextDouble() * 2 - 1) * step * 0.3; // norms around 0.5 to 2: clipped sometimes
                            sq += g[k][i] * g[k][i];
                        }
                    }
                    setGradients(root, params, g);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        assertEquals(Math.sqrt(sq), opt.step(lr), 1e-5);
                    }
                    double norm = Math.sqrt(sq);
                    double clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;
                    for (int k = 0; k < sizes.length; k++) {
                        for (int i = 0; i < sizes[k]; i++) {
                            double gi = g[k][i] * clip;
                            p[k][i] *= 1 - lr * weightDecay;
                            m[k][i] = b1 * m[k][i] + (1 - b1) * gi;
                            v[k][i] = b2 * v[k][i] + (1 - b2) * gi * gi;
                            double mHat = m[k][i] / (1 - Math.pow(b1, step));
                            double vHat = v[k][i] / (1 - Math.pow(b2, step));
                            p[k][i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                        }
                        float[] got = params[k].toFloatArray();
                        float[] grad = params[k].getGradient().toFloatArray();
                        for (int i = 0; i < sizes[k]; i++) {
                            assertEquals(p[k][i], got[i], 2e-6, "param " + k + "[" + i + "] after step " + step);
                            assertEquals(0f, Math.abs(grad[i]), "gradients are zeroed after the step");
                        }
                    }
                }
            }
        }
    }

    /** Gradients equal to {@code g}: the gradient of sum(p * g) with respect to p. */
    private static void setGradients(NDManager root, NDArray[] params, double[][] g) {
        try (NDScope scope = new NDScope(); NDManager m = root.newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray loss = null;
            for (int k = 0; k < params.length; k++) {
                NDArray term = params[k].mul(OwnedArrays.of(m, toFloat(g[k]), new Shape(g[k].length))).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
