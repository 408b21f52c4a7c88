package org.forgetfilter.data;

import org.forgetfilter.tokenizer.Tokenizer;

/**
 * Counts the length of a text in a tokenizer's tokens, or — without a tokenizer — in whitespace-separated words,
 * and says which ({@link #unit()}) so reports never pass words off as tokens.
 */
public final class TokenCounter {
    private final Tokenizer tokenizer;
    private final String unit;

    private TokenCounter(Tokenizer tokenizer, String unit) {
        this.tokenizer = tokenizer;
        this.unit = unit;
    }

    public static TokenCounter of(Tokenizer tokenizer, String name) {
        return new TokenCounter(tokenizer, "tokens (" + name + ")");
    }

    public static TokenCounter words() {
        return new TokenCounter(null, "whitespace words (no tokenizer given)");
    }

    public boolean usesTokenizer() {
        return tokenizer != null;
    }

    public String unit() {
        return unit;
    }

    /** Length of a text that starts a sequence. */
    public int count(String text) {
        return tokenizer != null ? tokenizer.encode(text).length : wordCount(text);
    }

    /** Length of a text that continues earlier text (no dummy prefix). */
    public int countContinuation(String text) {
        return tokenizer != null ? tokenizer.encodeContinuation(text).length : wordCount(text);
    }

    static int wordCount(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                n++;
            }
            inWord = !space;
        }
        return n;
    }
}
