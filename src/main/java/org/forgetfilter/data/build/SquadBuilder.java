package org.forgetfilter.data.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.io.Json;

/**
 * Question-answering task examples from SQuAD v1.1 JSON ({@code data[].paragraphs[].qas[]}).
 * prompt = {@code "Context: <window>\nQuestion: <question>"}, response = the first reference answer, label task,
 * category qa. The window is the stretch of whole words of the paragraph around the first answer, grown
 * alternately left and right while it stays within {@code maxContextTokens} (counted with the given
 * {@link TokenCounter} on the window text itself); when even the answer is longer, the window is the answer.
 * Extra fields: {@code article} (the title, for splits), {@code answers} (all reference texts, for EM/F1),
 * {@code answer_start}, {@code window_start}/{@code window_end} (character offsets in the paragraph),
 * {@code context_tokens}, {@code instruction}. Id: the SQuAD question id.
 */
public final class SquadBuilder {
    public static final String INSTRUCTION = "Answer the question with a short span from the context.";
    public static final int DEFAULT_MAX_CONTEXT_TOKENS = 128;

    private final TokenCounter counter;
    private final int maxContextTokens;

    public SquadBuilder(TokenCounter counter, int maxContextTokens) {
        if (maxContextTokens < 1) {
            throw new IllegalArgumentException("max context tokens must be positive, got " + maxContextTokens);
        }
        this.counter = counter;
        this.maxContextTokens = maxContextTokens;
    }

    public Built build(Path devJson) throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(devJson)) {
            root = Json.MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new DataFormatException(devJson, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "malformed JSON: " + e.getOriginalMessage() + "; expected SQuAD v1.1 JSON");
        }
        if (root == null || !root.path("data").isArray()) {
            throw new DataFormatException(devJson, 0, "expected SQuAD JSON {\"data\": [{title, paragraphs}]}");
        }
        List<Example> out = new ArrayList<>();
        long answerOnly = 0;
        for (JsonNode article : root.get("data")) {
            String title = article.path("title").asText();
            for (JsonNode paragraph : article.path("paragraphs")) {
                String context = paragraph.path("context").asText();
                List<int[]> words = words(context);
                for (JsonNode qa : paragraph.path("qas")) {
                    JsonNode answers = qa.path("answers");
                    if (!qa.path("id").isTextual() || !answers.isArray() || answers.isEmpty()) {
                        throw new DataFormatException(devJson, 0, "question in article '" + title
                                + "' lacks an id or answers");
                    }
                    JsonNode first = answers.get(0);
                    String answer = first.path("text").asText();
                    int start = first.path("answer_start").asInt(-1);
                    if (start < 0 || start + answer.length() > context.length()
                            || !context.startsWith(answer, start)) {
                        throw new DataFormatException(devJson, 0, "question " + qa.get("id").asText()
                                + ": answer_start does not point at the answer text");
                    }
                    int[] window = window(context, words, start, start + answer.length());
                    String windowText = context.substring(window[0], window[1]);
                    int tokens = counter.count(windowText);
                    if (window[0] == start && window[1] == start + answer.length() && tokens > maxContextTokens) {
                        answerOnly++;
                    }
                    ObjectNode extra = Json.MAPPER.createObjectNode();
                    extra.put("article", title);
                    ArrayNode texts = extra.putArray("answers");
                    answers.forEach(a -> texts.add(a.path("text").asText()));
                    extra.put("answer_start", start);
                    extra.put("window_start", window[0]);
                    extra.put("window_end", window[1]);
                    extra.put("context_tokens", tokens);
                    extra.put("instruction", INSTRUCTION);
                    String prompt = "Context: " + windowText + "\nQuestion: " + qa.path("question").asText().strip();
                    out.add(new Example(qa.get("id").asText(), prompt, answer, Example.TASK, "qa", extra, null));
                }
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "squad: %d questions, context windows of at most %d %s", out.size(),
                maxContextTokens, counter.unit()));
        if (answerOnly > 0) {
            notes.add("squad: " + answerOnly + " answer(s) alone exceed the window; their context is the answer");
        }
        return new Built(out, notes);
    }

    /** [start, end) character spans of the whitespace-separated words of a text. */
    static List<int[]> words(String text) {
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > s) {
                spans.add(new int[]{s, i});
            }
        }
        return spans;
    }

    /**
     * Character span of the window: the words touching the answer, widened one word at a time on alternating
     * sides. Word costs are summed as an estimate to grow quickly, then the exact count of the window text
     * decides, shrinking from the side that grew last until the bound holds.
     */
    int[] window(String context, List<int[]> words, int answerStart, int answerEnd) {
        int lo = 0;
        while (lo < words.size() && words.get(lo)[1] <= answerStart) {
            lo++;
        }
        int hi = lo;
        while (hi < words.size() && words.get(hi)[0] < answerEnd) {
            hi++;
        }
        int firstLo = lo;
        int firstHi = hi;
        if (lo == hi) {
            return new int[]{answerStart, answerEnd};
        }
        int estimate = counter.count(context.substring(words.get(lo)[0], words.get(hi - 1)[1]));
        boolean left = true;
        List<Boolean> grewLeft = new ArrayList<>();
        while (lo > 0 || hi < words.size()) {
            boolean takeLeft = left ? lo > 0 : hi >= words.size();
            int[] w = takeLeft ? words.get(lo - 1) : words.get(hi);
            int cost = counter.countContinuation(" " + context.substring(w[0], w[1]));
            if (estimate + cost > maxContextTokens) {
                break;
            }
            estimate += cost;
            if (takeLeft) {
                lo--;
            } else {
                hi++;
            }
            grewLeft.add(takeLeft);
            left = !left;
        }
        while (!grewLeft.isEmpty()
                && counter.count(context.substring(words.get(lo)[0], words.get(hi - 1)[1])) > maxContextTokens) {
            if (grewLeft.remove(grewLeft.size() - 1)) {
                lo++;
            } else {
                hi--;
            }
        }
        if (lo == firstLo && hi == firstHi
                && counter.count(context.substring(words.get(lo)[0], words.get(hi - 1)[1])) > maxContextTokens) {
            return new int[]{answerStart, answerEnd};
        }
        return new int[]{words.get(lo)[0], words.get(hi - 1)[1]};
    }
}
