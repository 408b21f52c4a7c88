package org.forgetfilter.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.WeightLayout;

/**
 * A decoder-only transformer whose weights live in DJL NDArrays, keyed by their Hugging Face tensor names.
 *
 * <p>Layout: every weight is held exactly as the checkpoint stores it, so import and export copy nothing but the
 * values. A torch {@code Linear} weight (LLaMA) is (out, in) and goes through torch's {@code linear} (x W^T + b);
 * a GPT-2 {@code Conv1D} weight is (in, out) and is the second operand of {@code matMul} (x W + b). Activations are
 * always the first operand: DJL attaches a result to the first operand's manager. LoRA factors are held in PEFT's
 * layout, A (r, in) and B (out, r).
 *
 * <p>Native memory: parameters belong to this model's manager. Every forward call must run inside an
 * {@link ai.djl.ndarray.NDScope} (the trainer, scorer and generator open one per step), which frees the
 * activations when the step ends.
 */
public abstract class TransformerLm implements AutoCloseable {
    protected final ModelConfig config;
    protected final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final Map<String, LoraLayer> lora = new LinkedHashMap<>();
    private final Map<Float, NDArray> constants = new java.util.HashMap<>();
    private LoraConfig loraConfig;
    private boolean training;
    private final boolean sharesWeights;

    /** The two low-rank factors of one adapted layer in PEFT layout, A (r, in) and B (out, r). */
    private record LoraLayer(NDArray a, NDArray b) {
    }

    protected TransformerLm(NDManager parent, ModelConfig config, Map<String, FloatTensor> checkpoint) {
        this.config = config;
        this.manager = parent.newSubManager();
        this.sharesWeights = false;
        Map<String, long[]> expected = expectedShapes();
        for (String name : checkpoint.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' for a " + config.architecture()
                        + " model (expected names like " + expected.keySet().iterator().next() + ")");
            }
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            FloatTensor t = checkpoint.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("missing tensor '" + e.getKey() + "' (shape "
                        + Arrays.toString(e.getValue()) + ")");
            }
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", the config needs " + Arrays.toString(e.getValue()));
            }
            NDArray w = OwnedArrays.persistent(manager, t.data(), new Shape(t.shape()));
            w.setName(e.getKey());
            weights.put(e.getKey(), w);
        }
    }

    /**
     * A model built on {@code source}'s weights under {@code parent}, adapters not included: a copy in native memory
     * (no Java-heap copy), how a pipeline trains from a base model while keeping the base; or, with
     * {@code shareWeights}, the very same weight arrays, for training LoRA adapters over a frozen base without a
     * second copy of it. A sharing model refuses whatever would write into the shared weights (training without
     * adapters, merging, loading weights); {@code source} must stay open while it is in use.
     */
    protected TransformerLm(NDManager parent, TransformerLm source, boolean shareWeights) {
        if (source.loraConfig != null) {
            throw new IllegalStateException("copy a model before attaching LoRA adapters (the copy holds base "
                    + "weights only)");
        }
        this.config = source.config;
        this.manager = parent.newSubManager();
        this.sharesWeights = shareWeights;
        for (Map.Entry<String, NDArray> e : source.weights.entrySet()) {
            if (shareWeights) {
                weights.put(e.getKey(), e.getValue());
                continue;
            }
            NDArray w = e.getValue().duplicate();
            w.attach(manager);
            NDScope.unregister(w);
            w.setName(e.getKey());
            weights.put(e.getKey(), w);
        }
    }

    /** A copy of this model's weights in native memory under {@code parent} (see the copying constructor). */
    public TransformerLm copy(NDManager parent) {
        return derive(parent, false);
    }

    /**
     * A model under {@code parent} that reads this model's weights without copying them, to attach LoRA adapters
     * to (see the copying constructor): under LoRA the base stays frozen, so a copy would only cost memory.
     */
    public TransformerLm sharingWeights(NDManager parent) {
        return derive(parent, true);
    }

    /** The architecture's model built by {@link #TransformerLm(NDManager, TransformerLm, boolean)}. */
    protected abstract TransformerLm derive(NDManager parent, boolean shareWeights);

    /**
     * Overwrites this model's weights in place with {@code source}'s (same config): a pipeline that trains from the
     * same base twice reuses the memory of its first trained copy, gradients included, instead of allocating a
     * new one. Refused while adapters are attached or the weights are shared.
     */
    public void loadWeightsFrom(TransformerLm source) {
        requireOwnWeights("load weights into it");
        if (loraConfig != null) {
            throw new IllegalStateException("detach or merge the LoRA adapters before loading base weights");
        }
        if (!source.config.equals(config)) {
            throw new IllegalArgumentException("cannot load the weights of a different model (" + source.config
                    + ") into " + config);
        }
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            OwnedArrays.copyInto(e.getValue(), source.weight(e.getKey()));
        }
    }

    private void requireOwnWeights(String what) {
        if (sharesWeights) {
            throw new IllegalStateException("this model shares its base weights with another model: cannot " + what
                    + " (make a copy() of the base instead)");
        }
    }

    /** Builds the model for a checkpoint's architecture; tensors are HF-named and in HF layout. */
    public static TransformerLm create(NDManager parent, ModelConfig config, Map<String, FloatTensor> checkpoint) {
        return switch (config.architecture()) {
            case LLAMA -> new LlamaModel(parent, config, checkpoint);
            case GPT2 -> new Gpt2Model(parent, config, checkpoint);
        };
    }

    /** Every tensor the checkpoint must hold, with its HF-layout shape, in a stable order. */
    public Map<String, long[]> expectedShapes() {
        return expectedShapes(config);
    }

    /** Every tensor a checkpoint of this config must hold, with its HF-layout shape. */
    public static Map<String, long[]> expectedShapes(ModelConfig config) {
        return WeightLayout.expectedShapes(config);
    }

    /**
     * True when the architecture's linear weights are (in, out), GPT-2's {@code Conv1D}; false for torch
     * {@code Linear}'s (out, in). Weights are held in that layout (see the class comment).
     */
    protected abstract boolean inOutLayout();

    /**
     * Final-normed hidden states (B, T, hidden) for token ids (B, T) int64.
     *
     * @param positions absolute positions (B, T) int64, or null for past..past+T-1 where past is the cache length
     * @param mask      additive attention mask (B, T, Tk) with 0 for visible and a large negative number for
     *                  hidden keys, or null for a plain causal mask (Tk = past + T)
     * @param cache     past keys and values, appended to; null when not generating
     */
    public abstract NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache);

    /** Vocabulary logits (..., vocab) of hidden states (..., hidden). */
    public abstract NDArray logits(NDArray hidden);

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public KvCache newCache() {
        return new KvCache(config.numLayers());
    }

    /** Dropout on LoRA inputs is active only in training mode. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    public long numParameters() {
        return weights.values().stream().mapToLong(NDArray::size).sum();
    }

    public long numTrainableParameters() {
        return trainableParameters().stream().mapToLong(NDArray::size).sum();
    }

    public LoraConfig loraConfig() {
        return loraConfig;
    }

    /** The parameters an optimizer updates: the LoRA factors when adapters are attached, else every weight. */
    public List<NDArray> trainableParameters() {
        List<NDArray> out = new ArrayList<>();
        if (loraConfig != null) {
            for (LoraLayer l : lora.values()) {
                out.add(l.a());
                out.add(l.b());
            }
        } else {
            out.addAll(weights.values());
        }
        return out;
    }

    /** Makes the trainable parameters record gradients (and only those). */
    public void enableGradients() {
        if (loraConfig == null) {
            requireOwnWeights("train its weights");
        }
        for (NDArray p : trainableParameters()) {
            p.setRequiresGradient(true);
        }
    }

    protected NDArray weight(String name) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new IllegalStateException("no weight '" + name + "'");
        }
        return w;
    }

    /**
     * A 0-d constant owned by the model, for multiplying inside differentiable code (see {@link OwnedArrays} for why
     * Java numbers must not be passed to NDArray operations there).
     */
    protected NDArray constant(float value) {
        return constants.computeIfAbsent(value, v -> OwnedArrays.persistent(manager, new float[] {v}, new Shape()));
    }

    /**
     * The layer's affine map (x W^T + b for an (out, in) weight, x W + b for an (in, out) one), plus the LoRA update
     * when the layer is adapted; {@code layer} is the HF module name.
     */
    protected NDArray linear(NDArray x, String layer) {
        NDArray w = weight(layer + ".weight");
        NDArray bias = weights.get(layer + ".bias");
        // torch's linear takes the weight as (out, in) (the transposed view of an (in, out) one is that, without a
        // copy) and adds a bias inside the matrix product: one addmm instead of a product and a sum
        NDArray y;
        if (!inOutLayout()) {
            y = linear(x, w, bias);
        } else {
            y = bias == null ? x.matMul(w) : linear(x, w.transpose(), bias);
        }
        LoraLayer adapter = lora.get(layer);
        if (adapter != null) {
            NDArray in = x;
            if (training && loraConfig.dropout() > 0) {
                float keep = 1f - loraConfig.dropout();
                NDArray kept = x.getManager().randomUniform(0f, 1f, x.getShape()).lt(keep).toType(DataType.FLOAT32, false);
                in = x.mul(kept.muli(1f / keep)); // inverted dropout; the mask is a graph constant, scaled in place

            }
            // scale the narrow (.., r) product rather than the (.., out) update: same result, far fewer elements
            y = y.add(linear(linear(in, adapter.a(), null).mul(constant(loraConfig.scaling())), adapter.b(), null));
        }
        return y;
    }

    /** torch's {@code linear}: x W^T + b for a weight (out, in) and a bias (out) or null. */
    private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        return x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
    }

    /** (in, out) of a linear layer's weight, whatever its layout. */
    private long[] inOut(String layer) {
        long[] shape = weight(layer + ".weight").getShape().getShape();
        return inOutLayout() ? shape : new long[] {shape[1], shape[0]};
    }

    /** Rows of an embedding table for int64 ids. */
    protected static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
    }

    /** Positions past..past+T-1 as (1, T) int64. */
    protected static NDArray defaultPositions(NDManager m, long past, long t) {
        return m.arange(past, past + t, 1, DataType.INT64).reshape(1, t);
    }

    /**
     * Scaled dot-product attention with grouped-query heads, shared by both architectures.
     *
     * @param q     (B, T, heads * headDim), already multiplied by 1/sqrt(headDim)
     * @param k     (B, T, kvHeads * headDim)
     * @param v     (B, T, kvHeads * headDim)
     * @param mask  additive (B or 1, T, Tk), see {@link #maskOrCausal}
     * @return (B, T, heads * headDim)
     */
    protected NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, KvCache cache, int layer) {
        Shape s = q.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int hd = config.headDim();
        int kvh = config.numKvHeads();
        int g = config.numHeads() / kvh;
        long past = cache == null ? 0 : cache.length(layer);
        NDArray qh = q.reshape(b, t, kvh, g, hd).transpose(0, 2, 3, 1, 4);             // B, kvh, g, T, hd
        NDArray kh = k.reshape(b, t, kvh, hd).transpose(0, 2, 1, 3).expandDims(2);     // B, kvh, 1, T, hd
        NDArray vh = v.reshape(b, t, kvh, hd).transpose(0, 2, 1, 3).expandDims(2);
        if (cache != null) {
            NDArray[] full = cache.append(layer, kh, vh);
            kh = full[0];
            vh = full[1];
        }
        long tk = past + t;
        NDArray scores = qh.matMul(kh.transpose(0, 1, 2, 4, 3));                      // B, kvh, g, T, Tk
        NDArray probs = scores.add(mask.reshape(mask.getShape().get(0), 1, 1, t, tk)).softmax(-1);
        return probs.matMul(vh).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) kvh * g * hd);
    }

    /** The caller's mask, or (when null) a causal mask over the cached and the new positions, made once per call. */
    protected static NDArray maskOrCausal(NDArray mask, NDManager m, long t, KvCache cache) {
        return maskOrCausal(mask, m, t, cache, 0);
    }

    /**
     * As {@link #maskOrCausal(NDArray, NDManager, long, KvCache)}, limited to a sliding window of {@code window}
     * positions (0 for none). A caller's mask (padding) then gets the windowed causal mask added: the model is
     * causal, so adding it again hides nothing the caller's mask showed, and -1e9 twice is still finite.
     */
    protected static NDArray maskOrCausal(NDArray mask, NDManager m, long t, KvCache cache, int window) {
        long past = cache == null ? 0 : cache.length();
        if (window <= 0 || past + t <= window) {
            return mask != null ? mask : causalMask(m, t, past);
        }
        NDArray windowed = causalMask(m, t, past, window);
        return mask == null ? windowed : mask.add(windowed);
    }

    /**
     * Additive causal mask (1, T, past + T): query i sees keys up to past + i. A large negative number rather than
     * -inf keeps fully masked rows (left padding) from turning into NaN.
     */
    public static NDArray causalMask(NDManager m, long t, long past) {
        return causalMask(m, t, past, 0);
    }

    /**
     * Additive causal mask (1, T, past + T) with a sliding window: query i (sequence index past + i) sees keys j with
     * past + i - window &lt; j &lt;= past + i, i.e. at most {@code window} keys, itself included (transformers'
     * sliding-window mask, Mistral). {@code window} 0 means no window.
     */
    public static NDArray causalMask(NDManager m, long t, long past, int window) {
        int rows = (int) t;
        int cols = (int) (past + t);
        float[] a = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            int query = (int) past + i;
            int oldestVisible = window > 0 ? Math.max(0, query - window + 1) : 0;
            for (int j = 0; j < cols; j++) {
                if (j < oldestVisible || j > query) {
                    a[i * cols + j] = -1e9f;
                }
            }
        }
        return OwnedArrays.of(m, a, new Shape(1, rows, cols));
    }

    /**
     * Attaches fresh LoRA adapters to every linear layer the config targets: A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT's
     * kaiming-uniform with a = sqrt(5)), B = 0, so the adapted model starts equal to the base model.
     */
    public void addLora(LoraConfig cfg, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, FloatTensor> init = new LinkedHashMap<>();
        for (String layer : linearLayers()) {
            if (!cfg.targets(layer)) {
                continue;
            }
            long[] shape = inOut(layer);
            int in = (int) shape[0];
            int out = (int) shape[1];
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] a = new float[cfg.rank() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            init.put(layer + ".lora_A.weight", FloatTensor.of(a, cfg.rank(), in));
            init.put(layer + ".lora_B.weight", FloatTensor.of(new float[out * cfg.rank()], out, cfg.rank()));
        }
        loadLora(cfg, init);
    }

    /**
     * Attaches LoRA adapters given in PEFT layout: {@code <layer>.lora_A.weight} (r, in) and
     * {@code <layer>.lora_B.weight} (out, r), keyed without PEFT's {@code base_model.model.} prefix.
     */
    public void loadLora(LoraConfig cfg, Map<String, FloatTensor> tensors) {
        if (loraConfig != null) {
            throw new IllegalStateException("LoRA adapters are already attached; merge them first");
        }
        List<String> targeted = linearLayers().stream().filter(cfg::targets).toList();
        if (targeted.isEmpty()) {
            throw new IllegalArgumentException("LoRA target modules " + cfg.targetModules() + " match no linear layer of "
                    + "this " + config.architecture() + " model (its layers end in " + layerSuffixes() + ")");
        }
        for (String name : tensors.keySet()) {
            String layer = name.replaceFirst("\\.lora_[AB]\\.weight$", "");
            if (layer.equals(name) || !targeted.contains(layer)) {
                throw new IllegalArgumentException("adapter tensor '" + name + "' does not belong to a targeted layer");
            }
        }
        for (String layer : targeted) {
            long[] shape = inOut(layer);
            FloatTensor a = tensors.get(layer + ".lora_A.weight");
            FloatTensor b = tensors.get(layer + ".lora_B.weight");
            if (a == null || b == null) {
                throw new IllegalArgumentException("adapter misses lora_A or lora_B for layer '" + layer + "'");
            }
            if (!a.hasShape(cfg.rank(), shape[0]) || !b.hasShape(shape[1], cfg.rank())) {
                throw new IllegalArgumentException("adapter tensors of '" + layer + "' have shapes " + Arrays.toString(a.shape())
                        + " and " + Arrays.toString(b.shape()) + ", expected [" + cfg.rank() + ", " + shape[0] + "] and ["
                        + shape[1] + ", " + cfg.rank() + "]");
            }
            NDArray an = OwnedArrays.persistent(manager, a.data(), new Shape(a.shape()));
            NDArray bn = OwnedArrays.persistent(manager, b.data(), new Shape(b.shape()));
            lora.put(layer, new LoraLayer(an, bn));
        }
        loraConfig = cfg;
    }

    /** The attached adapters in PEFT layout, keyed {@code <layer>.lora_A.weight} / {@code .lora_B.weight}. */
    public Map<String, FloatTensor> exportLora() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLayer> e : lora.entrySet()) {
            out.put(e.getKey() + ".lora_A.weight", toTensor(e.getValue().a()));
            out.put(e.getKey() + ".lora_B.weight", toTensor(e.getValue().b()));
        }
        return out;
    }

    /** Folds the adapters into the base weights ({@code W += B A * alpha / r}, in W's layout) and detaches them. */
    public void mergeLora() {
        if (loraConfig == null) {
            return;
        }
        requireOwnWeights("merge adapters into the weights");
        for (Map.Entry<String, LoraLayer> e : lora.entrySet()) {
            NDArray w = weight(e.getKey() + ".weight");
            try (NDManager tmp = manager.newSubManager()) {
                NDArray delta = e.getValue().b().matMul(e.getValue().a()); // (out, in)
                delta.attach(tmp); // else it would live in the model's manager until the model is closed
                delta.muli(loraConfig.scaling());
                w.addi(inOutLayout() ? delta.transpose() : delta);
            }
            e.getValue().a().close();
            e.getValue().b().close();
        }
        lora.clear();
        loraConfig = null;
    }

    /** All weights in HF names and HF layout (LoRA adapters excluded; merge first to include them). */
    public Map<String, FloatTensor> exportWeights() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            out.put(e.getKey(), toTensor(e.getValue()));
        }
        return out;
    }

    /** Copies weights (HF layout) into this model in place, e.g. to reset to a snapshot. */
    public void loadWeights(Map<String, FloatTensor> checkpoint) {
        requireOwnWeights("load weights into it");
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            FloatTensor t = checkpoint.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("missing tensor '" + e.getKey() + "'");
            }
            NDArray p = e.getValue();
            if (!Arrays.equals(t.shape(), p.getShape().getShape())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", the model holds " + Arrays.toString(p.getShape().getShape()));
            }
            OwnedArrays.copyInto(p, t.data());
        }
    }

    private static FloatTensor toTensor(NDArray a) {
        return new FloatTensor(a.getShape().getShape(), a.toFloatArray());
    }

    /** HF module names of all linear layers (without {@code .weight}). */
    protected abstract List<String> linearLayers();

    private List<String> layerSuffixes() {
        return linearLayers().stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).distinct().toList();
    }

    /**
     * Random weights for a config, HF layout: N(0, 0.02) for matrices (GPT-2's output projections scaled by
     * 1/sqrt(2 * layers)), ones for norm scales, zeros for biases. Deterministic for a seed.
     */
    public static Map<String, FloatTensor> randomWeights(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        double projScale = 1.0 / Math.sqrt(2.0 * config.numLayers());
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] data = new float[(int) n];
            boolean isNorm = name.contains("norm") || name.contains(".ln_");
            if (isNorm && name.endsWith(".weight")) {
                Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                double std = 0.02 * (name.endsWith("c_proj.weight") || name.endsWith("o_proj.weight")
                        || name.endsWith("down_proj.weight") ? projScale : 1.0);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (gaussian(rnd) * std);
                }
            }
            out.put(name, new FloatTensor(e.getValue().clone(), data));
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public void close() {
        manager.close();
    }
}
