package org.forgetfilter.eval;

import java.util.List;

/**
 * ROUGE-L (sentence level): F-measure of the longest common subsequence of tokens, as rouge_score's
 * {@code rougeL} (not {@code rougeLsum}): precision = LCS / |prediction|, recall = LCS / |reference|,
 * all zeros when either side is empty. Same tokenizer as {@link RougeOne}. Thread-safe.
 */
public final class RougeL {
    private final RougeTokenizer tokenizer;

    public RougeL(RougeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static RougeL withStemmer() {
        return new RougeL(new RougeTokenizer(true));
    }

    public RougeScore score(String reference, String prediction) {
        List<String> ref = tokenizer.tokenize(reference);
        List<String> pred = tokenizer.tokenize(prediction);
        if (ref.isEmpty() || pred.isEmpty()) {
            return RougeScore.ZERO;
        }
        int lcs = lcsLength(ref, pred);
        return RougeScore.of((double) lcs / pred.size(), (double) lcs / ref.size());
    }

    public double fmeasure(String reference, String prediction) {
        return score(reference, prediction).fmeasure();
    }

    /** Classic dynamic programme, keeping one row: O(|a||b|) time, O(|b|) memory. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] row = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            int diagonal = 0;
            for (int j = 1; j <= b.size(); j++) {
                int above = row[j];
                row[j] = a.get(i - 1).equals(b.get(j - 1)) ? diagonal + 1 : Math.max(above, row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.size()];
    }
}
