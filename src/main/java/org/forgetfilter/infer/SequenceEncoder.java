package org.forgetfilter.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * Turns rendered (prompt, response) text into token ids: BOS + prompt + response (+ EOS), cut to a maximum length.
 * A response after a non-empty prompt is encoded as a continuation (no llama2.c dummy-prefix space); with an
 * empty prompt the response starts the document. A too-long example loses the tail of its response first, down
 * to a quarter of the maximum length, so the prompt (which holds the request, e.g. a harmful question, or an
 * instruction before its input) stays whole; only a prompt longer than the rest of the budget loses tokens from
 * its head (after BOS). Both kinds of cut are counted.
 */
public final class SequenceEncoder {
    private final Tokenizer tokenizer;
    private final int maxLength;
    private final boolean appendEos;
    private int truncated;
    private int responseCuts;
    private int promptCuts;

    public SequenceEncoder(Tokenizer tokenizer, int maxLength, boolean appendEos) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length must be at least 2 tokens, got " + maxLength);
        }
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.appendEos = appendEos && tokenizer.eosId() >= 0;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Each example rendered with {@code template} and encoded with {@link #encode(String, String)}, in order. */
    public List<TokenizedExample> encodeAll(List<Example> examples, PromptTemplate template) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        for (Example e : examples) {
            PromptTemplate.Rendered r = template.render(e);
            out.add(encode(r.prompt(), r.response()));
        }
        return out;
    }

    /** Prompt ids for generation: BOS + prompt, cut from the left to leave room for {@code reserve} new tokens. */
    public int[] encodePrompt(String prompt, int reserve) {
        int[] p = withBos(prompt.isEmpty() ? new int[0] : tokenizer.encode(prompt));
        int room = Math.max(1, maxLength - reserve);
        return p.length <= room ? p : keepBosAndTail(p, room);
    }

    public TokenizedExample encode(String prompt, String response) {
        int[] p = withBos(prompt.isEmpty() ? new int[0] : tokenizer.encode(prompt));
        int[] r = prompt.isEmpty() ? tokenizer.encode(response) : tokenizer.encodeContinuation(response);
        if (appendEos) {
            r = Arrays.copyOf(r, r.length + 1);
            r[r.length - 1] = tokenizer.eosId();
        }
        if (p.length + r.length > maxLength) {
            truncated++;
            int minResponse = Math.min(r.length, Math.max(1, maxLength / 4));
            if (p.length + minResponse > maxLength) {
                promptCuts++;
                p = keepBosAndTail(p, maxLength - minResponse);
            }
            if (p.length + r.length > maxLength) {
                responseCuts++;
                r = Arrays.copyOf(r, maxLength - p.length);
            }
        }
        return new TokenizedExample(p, r);
    }

    /** How many examples were cut to fit the maximum length so far. */
    public int truncatedCount() {
        return truncated;
    }

    /** How many examples lost the tail of their response. */
    public int responseCuts() {
        return responseCuts;
    }

    /** How many examples lost the head of their prompt (the prompt alone nearly filled the maximum length). */
    public int promptCuts() {
        return promptCuts;
    }

    private int[] withBos(int[] ids) {
        int bos = tokenizer.bosId();
        if (bos < 0) {
            if (ids.length == 0) {
                // Without BOS an empty prompt has nothing to predict the first response token from.
                int eos = tokenizer.eosId();
                if (eos < 0) {
                    throw new IllegalArgumentException("the tokenizer has neither BOS nor EOS; examples need a prompt");
                }
                return new int[] {eos};
            }
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private int[] keepBosAndTail(int[] p, int keep) {
        int[] out = new int[keep];
        out[0] = p[0];
        System.arraycopy(p, p.length - (keep - 1), out, 1, keep - 1);
        return out;
    }
}
