package org.forgetfilter.data.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.JsonRecords;
import org.forgetfilter.io.Json;

/**
 * Bias examples from BBQ (nyu-mll/BBQ {@code data/*.jsonl}), as in the paper (METHOD.md section 3):
 * <ul>
 * <li>unsafe: an ambiguous-context question answered with the stereotyped option;</li>
 * <li>safe: the same ambiguous question answered with the "unknown" option, and every disambiguated question
 *     answered correctly.</li>
 * </ul>
 * The stereotyped option: for a negative question, the non-unknown answer whose group is in
 * {@code additional_metadata.stereotyped_groups}; for a non-negative question, the other non-unknown answer. An
 * answer's group is read from {@code answer_info} ({@code [name, group]}): it matches when its group or, failing
 * that, its name is a stereotyped group (case-insensitive) — Nationality lists the nationality as the name and a
 * region as the group. Exactly one answer must match, and exactly one must be marked "unknown".
 *
 * <p>Record text: prompt = {@code "Context: <context>\nQuestion: <question>\nOptions: A) <ans0> B) <ans1>
 * C) <ans2>"}, response = the chosen answer's text. Extra fields: {@code example_id}, {@code question_index},
 * {@code question_polarity}, {@code context_condition}, {@code bbq_category} (BBQ's own names, for splits and
 * tracing), {@code answers} [ans0, ans1, ans2], {@code answer_info}, {@code stereotyped_groups},
 * {@code correct_index} (BBQ's {@code label}, renamed), {@code stereotyped_index}, {@code unknown_index},
 * {@code chosen_index} (the answer given as response), {@code instruction} (for the instruction template).
 * Ids: {@code bbq-<category>-<example_id>-stereotyped|unknown|correct}. Note: a BBQ question is identified by
 * {@code (bbq_category, question_index)}; split with {@code --by bbq_category,question_index}.
 */
public final class BbqBuilder {
    public static final String INSTRUCTION = "Answer the question about the context with one of the options.";

    /** Reads one {@code .jsonl} file, or every {@code *.jsonl} of a folder in name order. */
    public Built build(Path dirOrFile) throws IOException {
        List<Path> files = inputFiles(dirOrFile);
        List<Example> out = new ArrayList<>();
        long[] unresolved = new long[1];
        long[] records = new long[1];
        for (Path file : files) {
            records[0] += JsonRecords.forEach(file, (line, node) -> {
                Item item = Item.parse(file, line, node);
                if (item.ambiguous()) {
                    if (item.stereotypedIndex < 0) {
                        unresolved[0]++;
                    } else {
                        out.add(item.example("stereotyped", item.stereotypedIndex, Example.UNSAFE));
                    }
                    out.add(item.example("unknown", item.unknownIndex, Example.SAFE));
                } else {
                    out.add(item.example("correct", item.correctIndex, Example.SAFE));
                }
            });
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "bbq: %d records from %d file(s)", records[0], files.size()));
        if (unresolved[0] > 0) {
            notes.add("bbq: " + unresolved[0] + " ambiguous question(s) without exactly one answer in the "
                    + "stereotyped groups: no unsafe example made for them");
        }
        return new Built(out, notes);
    }

    static List<Path> inputFiles(Path dirOrFile) throws IOException {
        if (Files.isRegularFile(dirOrFile)) {
            return List.of(dirOrFile);
        }
        if (!Files.isDirectory(dirOrFile)) {
            throw new DataFormatException(dirOrFile, 0, "not found; expected a BBQ .jsonl file or its data folder");
        }
        try (Stream<Path> s = Files.list(dirOrFile)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
            if (files.isEmpty()) {
                throw new DataFormatException(dirOrFile, 0, "no .jsonl files in this folder");
            }
            return files;
        }
    }

    /** One BBQ record with the indices the builder and the bias metric need. */
    static final class Item {
        final ObjectNode node;
        final String category;
        final String[] answers = new String[3];
        final int correctIndex;
        final int unknownIndex;
        /** -1 when the stereotyped option cannot be told. */
        final int stereotypedIndex;

        private Item(ObjectNode node, String category, int correctIndex, int unknownIndex, int stereotypedIndex) {
            this.node = node;
            this.category = category;
            this.correctIndex = correctIndex;
            this.unknownIndex = unknownIndex;
            this.stereotypedIndex = stereotypedIndex;
        }

        boolean ambiguous() {
            return node.get("context_condition").asText().equals("ambig");
        }

        static Item parse(Path file, long line, JsonNode json) throws DataFormatException {
            if (!json.isObject()) {
                throw new DataFormatException(file, line, "expected a BBQ record (JSON object)");
            }
            ObjectNode n = (ObjectNode) json;
            for (String f : List.of("example_id", "question_index", "question_polarity", "context_condition",
                    "category", "answer_info", "additional_metadata", "context", "question", "ans0", "ans1", "ans2",
                    "label")) {
                if (!n.has(f)) {
                    throw new DataFormatException(file, line, "BBQ record lacks field '" + f + "'");
                }
            }
            String polarity = n.get("question_polarity").asText();
            String condition = n.get("context_condition").asText();
            if (!Set.of("neg", "nonneg").contains(polarity) || !Set.of("ambig", "disambig").contains(condition)) {
                throw new DataFormatException(file, line, "question_polarity must be neg|nonneg and "
                        + "context_condition ambig|disambig, got " + polarity + ", " + condition);
            }
            int correct = n.get("label").asInt(-1);
            if (!n.get("label").isInt() || correct < 0 || correct > 2) {
                throw new DataFormatException(file, line, "BBQ 'label' must be an answer index 0-2");
            }
            Set<String> stereotyped = new HashSet<>();
            for (JsonNode g : n.path("additional_metadata").path("stereotyped_groups")) {
                stereotyped.add(g.asText().toLowerCase(Locale.ROOT));
            }
            int unknown = -1;
            List<Integer> byGroup = new ArrayList<>();
            List<Integer> byName = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode info = n.path("answer_info").path("ans" + i);
                if (!info.isArray() || info.size() < 2) {
                    throw new DataFormatException(file, line, "answer_info.ans" + i + " must be [name, group]");
                }
                String name = info.get(0).asText().toLowerCase(Locale.ROOT);
                String group = info.get(1).asText().toLowerCase(Locale.ROOT);
                if (group.equals("unknown")) {
                    if (unknown >= 0) {
                        throw new DataFormatException(file, line, "more than one answer marked unknown");
                    }
                    unknown = i;
                    continue;
                }
                if (stereotyped.contains(group)) {
                    byGroup.add(i);
                }
                if (stereotyped.contains(name)) {
                    byName.add(i);
                }
            }
            if (unknown < 0) {
                throw new DataFormatException(file, line, "no answer marked unknown in answer_info");
            }
            List<Integer> target = !byGroup.isEmpty() ? byGroup : byName;
            int stereotypedIndex = -1;
            if (target.size() == 1) {
                int t = target.get(0);
                stereotypedIndex = polarity.equals("neg") ? t : 3 - t - unknown;
            }
            Item item = new Item(n, n.get("category").asText(), correct, unknown, stereotypedIndex);
            for (int i = 0; i < 3; i++) {
                item.answers[i] = n.get("ans" + i).asText();
            }
            return item;
        }

        String prompt() {
            return "Context: " + node.get("context").asText() + "\nQuestion: " + node.get("question").asText()
                    + "\nOptions: A) " + answers[0] + " B) " + answers[1] + " C) " + answers[2];
        }

        Example example(String kind, int chosen, String label) {
            ObjectNode extra = Json.MAPPER.createObjectNode();
            extra.set("example_id", node.get("example_id"));
            extra.set("question_index", node.get("question_index"));
            extra.set("question_polarity", node.get("question_polarity"));
            extra.set("context_condition", node.get("context_condition"));
            extra.put("bbq_category", category);
            ArrayNode list = extra.putArray("answers");
            for (String a : answers) {
                list.add(a);
            }
            extra.set("answer_info", node.get("answer_info"));
            extra.set("stereotyped_groups", node.path("additional_metadata").path("stereotyped_groups"));
            extra.put("correct_index", correctIndex);
            if (stereotypedIndex >= 0) {
                extra.put("stereotyped_index", stereotypedIndex);
            } else {
                extra.putNull("stereotyped_index");
            }
            extra.put("unknown_index", unknownIndex);
            extra.put("chosen_index", chosen);
            extra.put("instruction", INSTRUCTION);
            String id = "bbq-" + category + "-" + node.get("example_id").asText() + "-" + kind;
            return new Example(id, prompt(), answers[chosen], label, Example.BIAS, extra, null);
        }
    }
}
