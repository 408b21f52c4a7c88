package org.forgetfilter.infer;

/**
 * One example as token ids: {@code prompt} starts with BOS (when the vocabulary has one); {@code response} ends
 * with EOS (when appended). The model reads prompt + response; losses and scores cover the response tokens.
 */
public record TokenizedExample(int[] prompt, int[] response) {

    public TokenizedExample {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("an example needs at least one prompt token (BOS) to predict from");
        }
    }

    public int length() {
        return prompt.length + response.length;
    }

    /** prompt followed by response. */
    public int[] sequence() {
        int[] s = new int[length()];
        System.arraycopy(prompt, 0, s, 0, prompt.length);
        System.arraycopy(response, 0, s, prompt.length, response.length);
        return s;
    }
}
