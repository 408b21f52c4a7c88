package org.forgetfilter.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * AdamW with torch.optim.AdamW semantics (decoupled weight decay, bias-corrected moments, eps outside the
 * square root), preceded by global gradient-norm clipping as the Hugging Face Trainer does. The moment buffers
 * are created here, in the caller's long-lived manager: DJL's own optimizers create them lazily inside
 * {@code update()}, where a per-step scope would free them after the first step.
 *
 * <p>Call {@link #step} inside an NDScope; it zeroes the gradients afterwards (DJL's collector accumulates them).
 */
public final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final NDArray[] m;
    private final NDArray[] v;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float maxGradNorm;
    private int t;

    public AdamW(NDManager stateManager, List<NDArray> params, float weightDecay, float maxGradNorm) {
        this(stateManager, params, 0.9f, 0.999f, 1e-8f, weightDecay, maxGradNorm);
    }

    public AdamW(NDManager stateManager, List<NDArray> params, float beta1, float beta2, float eps, float weightDecay,
                 float maxGradNorm) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
        m = new NDArray[params.size()];
        v = new NDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m[i] = stateManager.zeros(params.get(i).getShape());
            v[i] = stateManager.zeros(params.get(i).getShape());
        }
    }

    /** Global L2 norm of the current gradients. */
    public float gradNorm() {
        NDArray sq = null;
        for (NDArray p : params) {
            NDArray s = p.getGradient().square().sum();
            sq = sq == null ? s : sq.add(s);
        }
        return (float) Math.sqrt(sq.getFloat());
    }

    /** One update with learning rate {@code lr}; returns the gradient norm before clipping. */
    public float step(float lr) {
        t++;
        float norm = gradNorm();
        if (!Float.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + " at optimizer step " + t
                    + " (lower the learning rate or check the data)");
        }
        float clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6f) : 1f;
        double bc1 = 1 - Math.pow(beta1, t);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            if (clip != 1f) {
                g.muli(clip);
            }
            m[i].muli(beta1).addi(g.mul(1 - beta1));
            v[i].muli(beta2).addi(g.square().muli(1 - beta2));
            if (weightDecay > 0) {
                p.muli(1 - lr * weightDecay);
            }
            // p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
            NDArray denom = v[i].sqrt().divi((float) sqrtBc2).addi(eps);
            p.subi(m[i].div(denom).muli((float) (lr / bc1)));
            g.muli(0f);
        }
        return norm;
    }

    public int steps() {
        return t;
    }

    @Override
    public void close() {
        for (int i = 0; i < m.length; i++) {
            m[i].close();
            v[i].close();
        }
    }
}
