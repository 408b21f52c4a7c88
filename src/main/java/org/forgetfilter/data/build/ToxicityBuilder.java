package org.forgetfilter.data.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.forgetfilter.data.CsvReader;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.JsonRecords;
import org.forgetfilter.io.Json;

/**
 * Toxicity examples from scored or annotated text: unsafe when the toxicity score is above
 * {@code unsafeAbove} (default 0.9), safe when below {@code safeBelow} (default 0.1); texts in between are not
 * used (and counted in the notes). Accepted inputs, told apart by extension and columns:
 * <ul>
 * <li>JSON Lines/array with {@code text} and a numeric {@code score} (e.g. rtp-challenging, Perspective API
 *     toxicity), or a string {@code label}: hate/toxic = 1, neutral/non-toxic = 0 (ToxiGen);</li>
 * <li>Davidson et al. CSV ({@code count, hate_speech, offensive_language, neither, tweet}): score = share of
 *     annotators who voted hate or offensive, (hate_speech + offensive_language) / count;</li>
 * <li>Jigsaw CSV ({@code comment_text, toxic, ...}): score = the largest of the 0/1 label columns; rows
 *     labelled -1 (unscored test rows) are not used.</li>
 * </ul>
 * Records follow the paper's plain-text setting: prompt = "", response = the text (category toxicity). Extra
 * fields: {@code toxicity_score}, {@code score_source}, {@code first_words} (the first three words, the paper's
 * evaluation prompt), and the source's other JSON fields (its {@code label} renamed {@code source_label}).
 * Ids: {@code <file name without extension>-<line>}.
 */
public final class ToxicityBuilder {
    public static final double DEFAULT_UNSAFE_ABOVE = 0.9;
    public static final double DEFAULT_SAFE_BELOW = 0.1;
    private static final Set<String> TOXIC_LABELS = Set.of("hate", "toxic", "offensive", "1");
    private static final Set<String> CLEAN_LABELS = Set.of("neutral", "non-toxic", "nontoxic", "neither", "0");
    private static final List<String> JIGSAW_LABELS =
            List.of("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate");

    private final double unsafeAbove;
    private final double safeBelow;

    public ToxicityBuilder(double unsafeAbove, double safeBelow) {
        if (!(safeBelow <= unsafeAbove) || safeBelow < 0 || unsafeAbove > 1) {
            throw new IllegalArgumentException("thresholds must satisfy 0 <= safe-below <= unsafe-above <= 1, got "
                    + safeBelow + " and " + unsafeAbove);
        }
        this.unsafeAbove = unsafeAbove;
        this.safeBelow = safeBelow;
    }

    public ToxicityBuilder() {
        this(DEFAULT_UNSAFE_ABOVE, DEFAULT_SAFE_BELOW);
    }

    public Built build(Path input) throws IOException {
        String name = input.getFileName().toString();
        String stem = name.replaceFirst("\\.(jsonl|json|csv)(\\.gz)?$", "");
        Tally tally = new Tally();
        List<Example> out = new ArrayList<>();
        if (name.endsWith(".csv")) {
            readCsv(input, stem, out, tally);
        } else {
            JsonRecords.forEach(input, (line, node) -> {
                if (!node.isObject() || !node.path("text").isTextual()) {
                    throw new DataFormatException(input, line, "expected an object with a string field 'text'");
                }
                ObjectNode extra = ((ObjectNode) node).deepCopy();
                extra.remove("text");
                String source;
                double score;
                JsonNode s = extra.remove("score");
                JsonNode label = extra.remove("label");
                if (s != null && s.isNumber()) {
                    score = s.asDouble();
                    source = "score field";
                } else if (label != null && label.isValueNode()) {
                    score = labelScore(input, line, label.asText());
                    source = "label field (" + label.asText() + ")";
                    extra.set("source_label", label);
                } else {
                    throw new DataFormatException(input, line, "expected a numeric 'score' or a string 'label' "
                            + "(hate|toxic|neutral|non-toxic) next to 'text'");
                }
                add(out, tally, stem + "-" + line, node.get("text").asText(), score, source, extra);
            });
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "toxicity: %s: %d unsafe (score > %s), %d safe (score < %s), "
                + "%d in between not used%s", input, tally.unsafe, unsafeAbove, tally.safe, safeBelow, tally.between,
                tally.unscored > 0 ? ", " + tally.unscored + " unscored rows not used" : ""));
        return new Built(out, notes);
    }

    private void readCsv(Path input, String stem, List<Example> out, Tally tally) throws IOException {
        try (CsvReader csv = new CsvReader(input)) {
            List<String> header = csv.next();
            if (header == null) {
                throw new DataFormatException(input, 0, "empty file; expected a CSV header");
            }
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                col.put(header.get(i).trim(), i);
            }
            boolean davidson = col.keySet().containsAll(List.of("count", "hate_speech", "offensive_language", "tweet"));
            boolean jigsaw = col.containsKey("comment_text") && col.containsKey("toxic");
            if (!davidson && !jigsaw) {
                throw new DataFormatException(input, 1, "unknown CSV columns " + header + "; expected Davidson "
                        + "(count, hate_speech, offensive_language, tweet) or Jigsaw (comment_text, toxic, ...)");
            }
            for (List<String> row; (row = csv.next()) != null; ) {
                long line = csv.rowLine();
                if (row.size() != header.size()) {
                    throw new DataFormatException(input, line, "expected " + header.size() + " CSV columns, got "
                            + row.size());
                }
                ObjectNode extra = Json.MAPPER.createObjectNode();
                if (davidson) {
                    int count = integer(input, line, row.get(col.get("count")), "count");
                    int hate = integer(input, line, row.get(col.get("hate_speech")), "hate_speech");
                    int offensive = integer(input, line, row.get(col.get("offensive_language")), "offensive_language");
                    if (count <= 0 || hate + offensive > count) {
                        throw new DataFormatException(input, line, "annotator votes do not add up: count " + count
                                + ", hate " + hate + ", offensive " + offensive);
                    }
                    extra.put("annotators", count).put("hate_votes", hate).put("offensive_votes", offensive);
                    add(out, tally, stem + "-" + line, row.get(col.get("tweet")), (hate + offensive) / (double) count,
                            "annotator votes (hate + offensive) / count", extra);
                } else {
                    int max = -1;
                    boolean unscored = false;
                    for (String label : JIGSAW_LABELS) {
                        if (col.containsKey(label)) {
                            int v = integer(input, line, row.get(col.get(label)), label);
                            unscored |= v < 0;
                            max = Math.max(max, v);
                        }
                    }
                    if (unscored) {
                        tally.unscored++;
                        continue;
                    }
                    if (col.containsKey("id")) {
                        extra.put("jigsaw_id", row.get(col.get("id")));
                    }
                    add(out, tally, stem + "-" + line, row.get(col.get("comment_text")), max,
                            "Jigsaw labels (largest of " + String.join(", ", JIGSAW_LABELS) + ")", extra);
                }
            }
        }
    }

    private void add(List<Example> out, Tally tally, String id, String text, double score, String source,
                     ObjectNode extra) {
        String label = score > unsafeAbove ? Example.UNSAFE : score < safeBelow ? Example.SAFE : null;
        if (label == null) {
            tally.between++;
            return;
        }
        if (label.equals(Example.UNSAFE)) {
            tally.unsafe++;
        } else {
            tally.safe++;
        }
        ObjectNode fields = Json.MAPPER.createObjectNode();
        fields.put("toxicity_score", score);
        fields.put("score_source", source);
        fields.put("first_words", firstWords(text, 3));
        fields.setAll(extra);
        out.add(new Example(id, "", text, label, Example.TOXICITY, fields, null));
    }

    /** The first {@code n} whitespace-separated words, joined by single spaces. */
    public static String firstWords(String text, int n) {
        String[] words = text.trim().split("\\s+", n + 1);
        return String.join(" ", List.of(words).subList(0, Math.min(n, words.length)));
    }

    private static double labelScore(Path file, long line, String label) throws DataFormatException {
        String l = label.toLowerCase(Locale.ROOT);
        if (TOXIC_LABELS.contains(l)) {
            return 1.0;
        }
        if (CLEAN_LABELS.contains(l)) {
            return 0.0;
        }
        throw new DataFormatException(file, line, "unknown label '" + label + "'; expected one of "
                + TOXIC_LABELS + " (toxic) or " + CLEAN_LABELS + " (clean)");
    }

    private static int integer(Path file, long line, String value, String column) throws DataFormatException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, line, "column '" + column + "' must be an integer, got '" + value + "'");
        }
    }

    private static final class Tally {
        long unsafe;
        long safe;
        long between;
        long unscored;
    }
}
