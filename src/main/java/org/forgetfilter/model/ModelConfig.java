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
        int eosTokenId) {

    public ModelConfig {
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
