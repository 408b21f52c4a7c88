package org.forgetfilter.model;

/**
 * Shape and hyper-parameters of a causal language model; mirrors the fields of a Hugging Face
 * {@code config.json} (the checkpoint package maps between the two).
 *
 * @param architecture     model family
 * @param vocabSize        number of token ids
 * @param hiddenSize       model width (d_model)
 * @param intermediateSize feed-forward width (LLaMA: SwiGLU hidden size; GPT-2: usually 4 * hiddenSize)
 * @param numLayers        transformer blocks
 * @param numHeads         query heads
 * @param numKvHeads       key/value heads (equal to numHeads without grouped-query attention)
 * @param maxPositions     longest sequence the model supports
 * @param normEps          epsilon of RMSNorm / LayerNorm
 * @param ropeTheta        RoPE base frequency (LLaMA only)
 * @param tieEmbeddings    output head shares the token embedding
 * @param bosTokenId       beginning-of-sequence id, or -1
 * @param eosTokenId       end-of-sequence id, or -1
 * @param ropeScaling      Llama 3.x frequency scaling of RoPE, or null for plain RoPE (LLaMA only)
 * @param attentionBias    which attention projections have a bias (LLaMA family only; Qwen2: q, k, v)
 * @param slidingWindow    Mistral's sliding window: a position attends to at most this many positions, itself
 *                         included; 0 for full causal attention (LLaMA family only)
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int maxPositions,
        float normEps,
        float ropeTheta,
        boolean tieEmbeddings,
        int bosTokenId,
        int eosTokenId,
        RopeScaling ropeScaling,
        AttentionBias attentionBias,
        int slidingWindow) {

    public ModelConfig {
        if (attentionBias == null) {
            throw new IllegalArgumentException("attentionBias must not be null (use AttentionBias.NONE)");
        }
        if (slidingWindow < 0) {
            throw new IllegalArgumentException("sliding window must be positive, or 0 for none; got " + slidingWindow);
        }
        if (architecture == Architecture.GPT2 && (ropeScaling != null || attentionBias != AttentionBias.NONE
                || slidingWindow != 0)) {
            throw new IllegalArgumentException("rope scaling, attention biases and sliding windows are LLaMA-family "
                    + "options; GPT-2 has none of them");
        }
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0
                || numKvHeads <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("model config sizes must be positive: " + summary(vocabSize,
                    hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, maxPositions));
        }
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of " + numHeads + " heads");
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(numHeads + " query heads are not a multiple of " + numKvHeads + " key/value heads");
        }
    }

    /** A plain model (no rope scaling, no attention biases, full attention), the fields of the original LLaMA and GPT-2. */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                       int numHeads, int numKvHeads, int maxPositions, float normEps, float ropeTheta,
                       boolean tieEmbeddings, int bosTokenId, int eosTokenId) {
        this(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, maxPositions,
                normEps, ropeTheta, tieEmbeddings, bosTokenId, eosTokenId, null, AttentionBias.NONE, 0);
    }

    public ModelConfig withRopeScaling(RopeScaling scaling) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                maxPositions, normEps, ropeTheta, tieEmbeddings, bosTokenId, eosTokenId, scaling, attentionBias,
                slidingWindow);
    }

    public ModelConfig withAttentionBias(AttentionBias bias) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                maxPositions, normEps, ropeTheta, tieEmbeddings, bosTokenId, eosTokenId, ropeScaling, bias,
                slidingWindow);
    }

    public ModelConfig withSlidingWindow(int window) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                maxPositions, normEps, ropeTheta, tieEmbeddings, bosTokenId, eosTokenId, ropeScaling, attentionBias,
                window);
    }

    /**
     * RoPE inverse frequencies {@code theta^(-2j / headDim)} for j = 0 .. headDim/2 - 1, rescaled by
     * {@link #ropeScaling()} when the model has it.
     */
    public double[] ropeInverseFrequencies() {
        int half = headDim() / 2;
        double[] f = new double[half];
        for (int j = 0; j < half; j++) {
            f[j] = Math.pow(ropeTheta, -2.0 * j / headDim());
            if (ropeScaling != null) {
                f[j] = ropeScaling.scale(f[j]);
            }
        }
        return f;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public int kvDim() {
        return numKvHeads * headDim();
    }

    /** A LLaMA config with the usual defaults (untied head, RoPE theta 10000, eps 1e-5). */
    public static ModelConfig llama(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                                    int numKvHeads, int maxPositions, boolean tieEmbeddings, int bosTokenId, int eosTokenId) {
        return new ModelConfig(Architecture.LLAMA, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads,
                numKvHeads, maxPositions, 1e-5f, 10000f, tieEmbeddings, bosTokenId, eosTokenId);
    }

    /** A GPT-2 config (eps 1e-5, tied head, 4x MLP, no grouped-query attention). */
    public static ModelConfig gpt2(int vocabSize, int hiddenSize, int numLayers, int numHeads, int maxPositions,
                                   int bosTokenId, int eosTokenId) {
        return new ModelConfig(Architecture.GPT2, vocabSize, hiddenSize, 4 * hiddenSize, numLayers, numHeads,
                numHeads, maxPositions, 1e-5f, 0f, true, bosTokenId, eosTokenId);
    }

    private static String summary(int... v) {
        return java.util.Arrays.toString(v);
    }
}
