package org.forgetfilter.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD v1.1 exact match and token F1, as the official {@code evaluate-v1.1.py}: answers are normalised
 * (lower-case, delete ASCII punctuation, delete the articles a/an/the as whole words, collapse whitespace),
 * each prediction is scored against every ground-truth answer and the best score is kept, and the totals are
 * percentages over all questions.
 */
public final class SquadMetrics {
    /** Python's {@code string.punctuation}. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** One question: the model's answer and the accepted answers. */
    public record Prediction(String prediction, List<String> groundTruths) {
    }

    /** Percentages in [0, 100] over {@code count} questions. */
    public record Result(double exactMatch, double f1, int count) {
    }

    private SquadMetrics() {
    }

    public static String normalize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunct.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(noPunct).replaceAll(" ");
        return String.join(" ", tokens(noArticles));
    }

    private static List<String> tokens(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
    }

    public static boolean exactMatch(String prediction, String groundTruth) {
        return normalize(prediction).equals(normalize(groundTruth));
    }

    /** Token-level F1 of the normalised strings; 0 when they share no token. */
    public static double f1(String prediction, String groundTruth) {
        List<String> pred = tokens(normalize(prediction));
        List<String> truth = tokens(normalize(groundTruth));
        Map<String, Integer> truthCounts = new HashMap<>();
        for (String t : truth) {
            truthCounts.merge(t, 1, Integer::sum);
        }
        int same = 0;
        for (String t : pred) {
            Integer left = truthCounts.get(t);
            if (left != null && left > 0) {
                same++;
                truthCounts.put(t, left - 1);
            }
        }
        if (same == 0) {
            return 0;
        }
        double precision = (double) same / pred.size();
        double recall = (double) same / truth.size();
        return 2 * precision * recall / (precision + recall);
    }

    public static boolean maxExactMatch(String prediction, List<String> groundTruths) {
        return groundTruths.stream().anyMatch(g -> exactMatch(prediction, g));
    }

    public static double maxF1(String prediction, List<String> groundTruths) {
        return groundTruths.stream().mapToDouble(g -> f1(prediction, g)).max().orElse(0);
    }

    public static Result evaluate(List<Prediction> predictions) {
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("SQuAD evaluation needs at least one prediction");
        }
        double em = 0;
        double f1 = 0;
        for (Prediction p : predictions) {
            if (p.groundTruths().isEmpty()) {
                throw new IllegalArgumentException("question with no ground-truth answer: " + p.prediction());
            }
            em += maxExactMatch(p.prediction(), p.groundTruths()) ? 1 : 0;
            f1 += maxF1(p.prediction(), p.groundTruths());
        }
        int n = predictions.size();
        return new Result(100 * em / n, 100 * f1 / n, n);
    }
}
