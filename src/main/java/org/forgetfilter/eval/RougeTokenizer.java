package org.forgetfilter.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokenizer of Google's {@code rouge_score}: lower-case, turn every run of characters outside [a-z0-9] into a
 * space, split on whitespace, Porter-stem (NLTK flavour) tokens longer than 3 characters when stemming is on, and
 * drop empty tokens. Thread-safe.
 */
public final class RougeTokenizer {
    private final PorterStemmer stemmer;

    /** @param useStemmer as {@code use_stemmer} in rouge_score; the paper's score uses {@code true}. */
    public RougeTokenizer(boolean useStemmer) {
        this.stemmer = useStemmer ? new PorterStemmer() : null;
    }

    public boolean stems() {
        return stemmer != null;
    }

    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                current.append(c);
            } else if (current.length() > 0) {
                String token = current.toString();
                tokens.add(stemmer != null && token.length() > 3 ? stemmer.stem(token) : token);
                current.setLength(0);
            }
        }
        return tokens;
    }
}
