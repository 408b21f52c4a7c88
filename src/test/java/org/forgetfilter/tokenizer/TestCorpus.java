package org.forgetfilter.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.SharedData;
import org.forgetfilter.io.Json;

/**
 * Real text for tokenizer comparisons, from ../shared/data: SQuAD contexts (long paragraphs, names and accents), BBQ
 * contexts and questions, RealToxicityPrompts and ToxiGen sentences (quotes, dashes), Davidson tweets (emoji, HTML
 * entities, runs of spaces and punctuation), plus hand-written edge cases (empty text, leading, repeated and trailing
 * spaces, tabs, newlines, characters outside the vocabulary).
 */
public final class TestCorpus {
    private TestCorpus() {
    }

    public static List<String> lines() throws IOException {
        List<String> out = new ArrayList<>(edgeCases());
        JsonNode squad = Json.MAPPER.readTree(SharedData.require("squad/dev-v1.1.json").toFile());
        int contexts = 0;
        for (JsonNode article : squad.path("data")) {
            for (JsonNode paragraph : article.path("paragraphs")) {
                if (contexts++ % 7 == 0 && contexts < 7 * 150) {
                    out.add(paragraph.path("context").asText());
                    out.add(paragraph.path("qas").path(0).path("question").asText());
                }
            }
        }
        for (String category : List.of("Age", "Nationality", "Religion")) {
            for (JsonNode n : jsonLines(SharedData.require("bbq/data/" + category + ".jsonl"), 50)) {
                out.add(n.path("context").asText() + " " + n.path("question").asText());
            }
        }
        for (String file : List.of("toxicity/rtp-challenging/challenging_rtp.jsonl", "toxicity/toxigen/toxigen_sentences.jsonl")) {
            for (JsonNode n : jsonLines(SharedData.require(file), 100)) {
                out.add(n.path("text").asText());
            }
        }
        List<String> tweets = Files.readAllLines(SharedData.require("toxicity/davidson/labeled_data.csv"));
        for (int i = 1; i < tweets.size() && i <= 200 * 97; i += 97) {
            String row = tweets.get(i);
            int sixth = 0;
            int at = -1;
            while (sixth < 6 && (at = row.indexOf(',', at + 1)) >= 0) {
                sixth++;
            }
            if (at >= 0) {
                out.add(row.substring(at + 1));
            }
        }
        return out;
    }

    /** {@code n} records spread evenly over a JSON Lines file. */
    private static List<JsonNode> jsonLines(Path file, int n) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<JsonNode> out = new ArrayList<>();
        int step = Math.max(1, lines.size() / n);
        for (int i = 0; i < lines.size() && out.size() < n; i += step) {
            out.add(Json.MAPPER.readTree(lines.get(i)));
        }
        return out;
    }

    static List<String> edgeCases() {
        return List.of("", " ", "  ", "a", " leading space", "two  spaces and   three", "trailing space ",
                "tab\tand\nnewline\n\nparagraph", "Once upon a time, there was a little girl named Lily.",
                "caf\u00e9 na\u00efve \u00fcber", "emoji \ud83d\ude00 and \u4e2d\u6587 and \u0416",
                "numbers 1234567890 and 3.14", "\"quoted\" (paren) [bracket] {brace} <angle>", "x".repeat(300));
    }
}
