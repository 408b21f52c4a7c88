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
    private final Moments moments;
    private final boolean ownsMoments;
    private final NDArray[] m;
    private final NDArray[] v;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float maxGradNorm;
    private int t;

    /**
     * The two moment buffers of every parameter, which can outlive one optimizer: a filter run trains three times
     * (M1, the safety finetune, the delivered model) on parameters of the same shapes, and reusing the buffers
     * keeps the native allocator from having to find room for 2 x the trained parameters again between stages,
     * room that the stages in between (scoring) have partly filled (docs/BENCHMARKS.md, "Memory of a filter run").
     */
    public static final class Moments implements AutoCloseable {
        private final NDArray[] first;
        private final NDArray[] second;

        private Moments(NDArray[] first, NDArray[] second) {
            this.first = first;
            this.second = second;
        }

        /** Zeroed moments for {@code params}, owned by {@code manager}. */
        public static Moments allocate(NDManager manager, List<NDArray> params) {
            NDArray[] a = new NDArray[params.size()];
            NDArray[] b = new NDArray[params.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = manager.zeros(params.get(i).getShape());
                b[i] = manager.zeros(params.get(i).getShape());
            }
            return new Moments(a, b);
        }

        /** True when these buffers have the shapes of {@code params}, in order. */
        public boolean fits(List<NDArray> params) {
            if (params.size() != first.length) {
                return false;
            }
            for (int i = 0; i < first.length; i++) {
                if (!first[i].getShape().equals(params.get(i).getShape())) {
                    return false;
                }
            }
            return true;
        }

        private void zero() {
            for (int i = 0; i < first.length; i++) {
                first[i].muli(0f);
                second[i].muli(0f);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < first.length; i++) {
                first[i].close();
                second[i].close();
            }
        }
    }

    public AdamW(NDManager stateManager, List<NDArray> params, float weightDecay, float maxGradNorm) {
        this(stateManager, params, 0.9f, 0.999f, 1e-8f, weightDecay, maxGradNorm);
    }

    public AdamW(NDManager stateManager, List<NDArray> params, float beta1, float beta2, float eps, float weightDecay,
                 float maxGradNorm) {
        this(Moments.allocate(stateManager, params), true, params, beta1, beta2, eps, weightDecay, maxGradNorm);
    }

    /**
     * An optimizer that works in borrowed {@code moments} (zeroed here, so it starts as fresh as one with its own);
     * closing it leaves them to their owner.
     */
    public AdamW(Moments moments, List<NDArray> params, float weightDecay, float maxGradNorm) {
        this(moments, false, params, 0.9f, 0.999f, 1e-8f, weightDecay, maxGradNorm);
        moments.zero();
    }

    private AdamW(Moments moments, boolean owns, List<NDArray> params, float beta1, float beta2, float eps,
                  float weightDecay, float maxGradNorm) {
        if (!moments.fits(params)) {
            throw new IllegalArgumentException("AdamW moments were made for other parameter shapes than the "
                    + params.size() + " given");
        }
        this.params = List.copyOf(params);
        this.moments = moments;
        this.ownsMoments = owns;
        this.m = moments.first;
        this.v = moments.second;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
    }

    /** Global L2 norm of the current gradients (one reading pass per tensor, no temporaries). */
    public float gradNorm() {
        double sq = 0;
        for (NDArray p : params) {
            try (NDArray n = p.getGradient().norm()) {
                double v = n.getFloat();
                sq += v * v;
            }
        }
        return (float) Math.sqrt(sq);
    }

    /**
     * One update with learning rate {@code lr}; returns the gradient norm before clipping.
     *
     * <p>Memory traffic, not arithmetic, bounds this step (GPT-2 small: 4 x 0.5 GB of parameters, gradients and
     * moments). Every operation therefore works in place and the gradient buffer, which is zeroed at the end
     * anyway, serves as scratch space; the only temporary is the square root of v, freed right away. The clipping
     * factor is folded into the moment updates. With c = clip factor, bc1 = 1 - beta1^t, bc2 = 1 - beta2^t, this
     * computes torch's AdamW:
     * <pre>
     * p *= 1 - lr * wd
     * m  = beta1 m + (1 - beta1) c g
     * v  = beta2 v + (1 - beta2) c^2 g^2
     * p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)  =  s * m / (sqrt(v) + eps sqrt(bc2)),  s = lr sqrt(bc2) / bc1
     * </pre>
     */
    public float step(float lr) {
        t++;
        float norm = gradNorm();
        if (!Float.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + " at optimizer step " + t
                    + " (lower the learning rate or check the data)");
        }
        double clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1.0;
        double bc1 = 1 - Math.pow(beta1, t);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr * sqrtBc2 / bc1;
        float epsHat = (float) (eps * sqrtBc2);
        float firstScale = (float) ((1 - beta1) * clip);
        // after g *= (1 - beta1) c, squaring gives (1 - beta1)^2 c^2 g^2; rescale that to (1 - beta2) c^2 g^2
        float secondScale = (float) ((1 - beta2) / ((1 - beta1) * (1 - beta1)));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            if (weightDecay > 0) {
                p.muli(1 - lr * weightDecay);
            }
            g.muli(firstScale);
            m[i].muli(beta1).addi(g);
            g.muli(g).muli(secondScale);
            v[i].muli(beta2).addi(g);
            // p -= stepSize * m / (sqrt(v) + epsHat); the root is the step's one temporary (DJL has no in-place
            // sqrt, and powi(0.5) runs torch's general pow kernel, several times slower than sqrt)
            try (NDArray denominator = v[i].sqrt()) {
                g.muli(0f).addi(m[i]).divi(denominator.addi(epsHat)).muli((float) stepSize);
            }
            p.subi(g);
            g.muli(0f);
        }
        return norm;
    }

    public int steps() {
        return t;
    }

    @Override
    public void close() {
        if (ownsMoments) {
            moments.close();
        }
    }
}
