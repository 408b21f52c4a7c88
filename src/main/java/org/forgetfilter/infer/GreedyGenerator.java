package org.forgetfilter.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.KvCache;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * Greedy (argmax) decoding of many prompts at once with a KV cache. Prompts of a batch are left-padded, each
 * row gets its own positions and a key mask that hides its padding, so every row decodes exactly as it would
 * alone. A row stops at EOS (or BOS, as llama2.c does), at {@code maxNewTokens}, or when its decoded text contains a stop string (the stop
 * string and what follows are cut from the text). Prompts are sorted by length to keep padding small.
 */
public final class GreedyGenerator {
    private static final float MASKED = -1e9f;
    private final TransformerLm model;
    private final Tokenizer tokenizer;
    private final int batchSize;
    private boolean stopAtEos = true;
    private long generatedTokens;

    /** One finished generation: the new token ids (stop tokens excluded) and their text (cut at a stop string). */
    public record Generation(int[] tokens, String text) {
    }

    public GreedyGenerator(TransformerLm model, Tokenizer tokenizer, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
    }

    /**
     * Keeps decoding through EOS until {@code maxNewTokens}, as a fixed-length {@code generate} call does; used to
     * time the released ForgetFilter code's way of scoring.
     */
    public GreedyGenerator ignoringEos() {
        this.stopAtEos = false;
        return this;
    }

    /** Tokens generated so far by this generator (for rates). */
    public long generatedTokens() {
        return generatedTokens;
    }

    public List<Generation> generate(List<int[]> prompts, int maxNewTokens, List<String> stopStrings, Progress progress) {
        Generation[] out = new Generation[prompts.size()];
        int[] order = LengthOrder.shortestFirst(prompts, p -> p.length);
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try {
            for (int start = 0; start < order.length; start += batchSize) {
                int end = Math.min(order.length, start + batchSize);
                List<int[]> chunk = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    chunk.add(prompts.get(order[i]));
                }
                List<Generation> gens = generateBatch(chunk, maxNewTokens, stopStrings);
                for (int k = 0; k < gens.size(); k++) {
                    out[order[start + k]] = gens.get(k);
                }
                if (progress != null) {
                    progress.advance(chunk.size());
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return List.of(out);
    }

    private List<Generation> generateBatch(List<int[]> prompts, int maxNew, List<String> stops) {
        int b = prompts.size();
        int tp = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        int maxPositions = model.config().maxPositions();
        int budget = Math.min(maxNew, maxPositions - tp);
        if (tp == 0 || budget <= 0) {
            throw new IllegalArgumentException("prompt of " + tp + " tokens leaves no room to generate within "
                    + maxPositions + " positions");
        }
        int[] pad = new int[b];
        long[] tok = new long[b * tp];
        long[] pos = new long[b * tp];
        float[] mask = new float[b * tp * tp];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            pad[r] = tp - p.length;
            for (int j = 0; j < tp; j++) {
                tok[r * tp + j] = j >= pad[r] ? p[j - pad[r]] : 0;
                pos[r * tp + j] = Math.max(0, j - pad[r]);
                for (int i = 0; i < tp; i++) {
                    boolean visible = j <= i && j >= pad[r];
                    // A padding query row must still see something, or softmax over nothing gives NaN.
                    boolean padRow = i < pad[r] && j == i;
                    mask[(r * tp + i) * tp + j] = visible || padRow ? 0f : MASKED;
                }
            }
        }
        List<List<Integer>> generated = new ArrayList<>();
        String[] texts = new String[b];
        String[] promptTexts = new String[b];
        boolean[] done = new boolean[b];
        for (int r = 0; r < b; r++) {
            generated.add(new ArrayList<>());
        }
        try (NDManager m = model.manager().newSubManager(); KvCache cache = model.newCache()) {
            long[] next;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray h = model.hidden(OwnedArrays.of(m, tok, new Shape(b, tp)), OwnedArrays.of(m, pos, new Shape(b, tp)),
                        OwnedArrays.of(m, mask, new Shape(b, tp, tp)), cache);
                next = model.logits(h.get(":, -1:, :")).argMax(-1).toLongArray();
            }
            for (int step = 0; step < budget; step++) {
                int alive = 0;
                for (int r = 0; r < b; r++) {
                    if (done[r]) {
                        continue;
                    }
                    int t = (int) next[r];
                    // llama2.c's run.c also ends a sample when the model starts a new one (BOS).
                    if (stopAtEos && (t == tokenizer.eosId() || t == tokenizer.bosId())) {
                        done[r] = true;
                        continue;
                    }
                    generated.get(r).add(t);
                    generatedTokens++;
                    if (!stops.isEmpty()) {
                        String text = continuation(prompts.get(r), generated.get(r), promptTexts, r);
                        int cut = firstStop(text, stops);
                        if (cut >= 0) {
                            texts[r] = text.substring(0, cut);
                            done[r] = true;
                            continue;
                        }
                    }
                    alive++;
                }
                if (alive == 0 || step == budget - 1) {
                    break;
                }
                int tk = tp + step + 1;
                long[] t1 = new long[b];
                long[] p1 = new long[b];
                float[] km = new float[b * tk];
                for (int r = 0; r < b; r++) {
                    t1[r] = done[r] ? 0 : next[r];
                    p1[r] = prompts.get(r).length + step;
                    for (int j = 0; j < pad[r]; j++) {
                        km[r * tk + j] = MASKED;
                    }
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray h = model.hidden(OwnedArrays.of(m, t1, new Shape(b, 1)), OwnedArrays.of(m, p1, new Shape(b, 1)),
                            OwnedArrays.of(m, km, new Shape(b, 1, tk)), cache);
                    next = model.logits(h).argMax(-1).toLongArray();
                }
            }
        }
        List<Generation> out = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int[] ids = toArray(generated.get(r));
            out.add(new Generation(ids, texts[r] != null ? texts[r] : continuation(prompts.get(r), generated.get(r), promptTexts, r)));
        }
        return out;
    }

    /**
     * The text the new tokens add after the prompt. Decoding them alone would lose a leading space (SentencePiece
     * decoders drop it after BOS), so the prompt is decoded with them and its own text cut off.
     */
    private String continuation(int[] prompt, List<Integer> generated, String[] promptTexts, int row) {
        if (promptTexts[row] == null) {
            promptTexts[row] = tokenizer.decode(prompt);
        }
        int[] all = new int[prompt.length + generated.size()];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        for (int i = 0; i < generated.size(); i++) {
            all[prompt.length + i] = generated.get(i);
        }
        String full = tokenizer.decode(all);
        return full.startsWith(promptTexts[row]) ? full.substring(promptTexts[row].length())
                : tokenizer.decode(toArray(generated));
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
