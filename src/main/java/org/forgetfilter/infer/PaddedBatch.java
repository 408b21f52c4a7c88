package org.forgetfilter.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;

/**
 * A right-padded batch for teacher forcing. Inputs are sequence[0..n-2] and targets sequence[1..n-1]; only the
 * selected target positions (the response tokens, or every token when the prompt is learned too) reach the
 * output head, which saves most of the vocabulary projection on long prompts. Right padding needs no key mask:
 * real positions never attend to the padding after them.
 */
public final class PaddedBatch {
    private final NDArray inputs;      // (B, T) int64
    private final NDArray selected;    // (N) int64 flat indices b * T + j
    private final NDArray targets;     // (N, 1) int64
    private final int[] exampleOfRow;  // example index of each selected position
    private final int size;
    private final long paddedTokens;
    private final long realTokens;

    public PaddedBatch(NDManager m, List<TokenizedExample> examples, boolean includePrompt) {
        size = examples.size();
        int t = 0;
        int n = 0;
        long real = 0;
        for (TokenizedExample e : examples) {
            t = Math.max(t, e.length() - 1);
            n += includePrompt ? e.length() - 1 : e.response().length;
            real += e.length() - 1;
        }
        long[] in = new long[size * t];
        long[] sel = new long[n];
        long[] tgt = new long[n];
        exampleOfRow = new int[n];
        int k = 0;
        for (int b = 0; b < size; b++) {
            TokenizedExample e = examples.get(b);
            int[] seq = e.sequence();
            int firstTarget = includePrompt ? 0 : e.prompt().length - 1;
            for (int j = 0; j < seq.length - 1; j++) {
                in[b * t + j] = seq[j];
                if (j >= firstTarget) {
                    sel[k] = (long) b * t + j;
                    tgt[k] = seq[j + 1];
                    exampleOfRow[k] = b;
                    k++;
                }
            }
        }
        inputs = OwnedArrays.of(m, in, new Shape(size, t));
        selected = OwnedArrays.of(m, sel, new Shape(n));
        targets = OwnedArrays.of(m, tgt, new Shape(n, 1));
        paddedTokens = (long) size * t;
        realTokens = real;
    }

    /** Log-probability of each selected target token, (N). */
    public NDArray targetLogProbs(TransformerLm model) {
        NDArray hidden = model.hidden(inputs, null, null, null);
        long d = hidden.getShape().get(2);
        NDArray flat = hidden.reshape(-1, d);
        NDArray rows = flat.getNDArrayInternal().embedding(selected, flat, ai.djl.ndarray.types.SparseFormat.DENSE).head();
        return model.logits(rows).logSoftmax(-1).gather(targets, 1).reshape(-1);
    }

    public int size() {
        return size;
    }

    /** Number of selected target positions. */
    public int targetCount() {
        return exampleOfRow.length;
    }

    /** Flat input positions (b * T + j) whose next token is a target, in order; for tests and diagnostics. */
    public long[] selectedPositions() {
        return selected.toLongArray();
    }

    /** The target token at each selected position. */
    public long[] targetTokens() {
        return targets.toLongArray();
    }

    /** The padded width T of the inputs. */
    public long width() {
        return inputs.getShape().get(1);
    }

    /** The example (index in this batch) each selected target belongs to. */
    public int[] exampleOfRow() {
        return exampleOfRow;
    }

    public long paddedTokens() {
        return paddedTokens;
    }

    /** Input tokens without padding. */
    public long realTokens() {
        return realTokens;
    }
}
