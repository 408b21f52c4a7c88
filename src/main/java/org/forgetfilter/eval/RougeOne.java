package org.forgetfilter.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1, the paper's forgetting score: unigram overlap between a model completion and the reference response,
 * computed as rouge_score's {@code RougeScorer(["rouge1"], use_stemmer=True)} does. Overlap is clipped per token
 * (min of the two counts); precision = overlap / |prediction|, recall = overlap / |reference|. When either side
 * has no tokens the score is all zeros, as rouge_score's {@code _score_ngrams} gives (it divides by max(count, 1)).
 * Thread-safe.
 */
public final class RougeOne {
    private final RougeTokenizer tokenizer;

    public RougeOne(RougeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** With the Porter stemmer, as the paper's code uses. */
    public static RougeOne withStemmer() {
        return new RougeOne(new RougeTokenizer(true));
    }

    /** Scores {@code prediction} against {@code reference} (argument order of rouge_score's score(target, pred)). */
    public RougeScore score(String reference, String prediction) {
        return scoreTokens(tokenizer.tokenize(reference), tokenizer.tokenize(prediction));
    }

    public double fmeasure(String reference, String prediction) {
        return score(reference, prediction).fmeasure();
    }

    static RougeScore scoreTokens(List<String> reference, List<String> prediction) {
        Map<String, Integer> refCounts = new HashMap<>();
        for (String t : reference) {
            refCounts.merge(t, 1, Integer::sum);
        }
        Map<String, Integer> predCounts = new HashMap<>();
        for (String t : prediction) {
            predCounts.merge(t, 1, Integer::sum);
        }
        int overlap = 0;
        for (Map.Entry<String, Integer> e : refCounts.entrySet()) {
            overlap += Math.min(e.getValue(), predCounts.getOrDefault(e.getKey(), 0));
        }
        double precision = (double) overlap / Math.max(prediction.size(), 1);
        double recall = (double) overlap / Math.max(reference.size(), 1);
        return RougeScore.of(precision, recall);
    }

    /**
     * The paper's completion post-processing, applied to the model's greedy completion before scoring:
     * lower-case, delete the characters {@code . ? ! ; : ,}, then keep the first line that is not blank
     * (trimmed). Returns "" when every line is blank.
     */
    public static String cleanCompletion(String completion) {
        String lower = completion.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c != '.' && c != '?' && c != '!' && c != ';' && c != ':' && c != ',') {
                kept.append(c);
            }
        }
        for (String line : kept.toString().split("\\R", -1)) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }
}
