package org.forgetfilter.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.forgetfilter.io.Json;

/**
 * Readers for the labelled toxicity sets under shared/data/toxicity (schemas in its SOURCE.md), all mapped to
 * {@link LabelledText}.
 */
public final class ToxicityCorpora {
    private ToxicityCorpora() {
    }

    /** Davidson et al. 2017 {@code labeled_data.csv}: class 0 (hate) and 1 (offensive) are toxic, 2 is not. */
    public static List<LabelledText> davidson(Path csv) throws IOException {
        CsvTable table = CsvTable.read(csv);
        List<LabelledText> out = new ArrayList<>();
        for (CsvTable.Row row : table.rows()) {
            String cls = table.get(row, "class").strip();
            if (!cls.equals("0") && !cls.equals("1") && !cls.equals("2")) {
                throw new IOException(csv + " line " + row.line() + ": class must be 0, 1 or 2, got '" + cls + "'");
            }
            out.add(new LabelledText(table.get(row, "tweet"), !cls.equals("2"), csv.getFileName() + ":" + row.line()));
        }
        return out;
    }

    /** ToxiGen {@code toxigen_sentences.jsonl}: label "hate" is toxic, "neutral" is not. */
    public static List<LabelledText> toxigen(Path jsonl) throws IOException {
        List<LabelledText> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node = Json.MAPPER.readTree(lines.get(i));
            String label = node.path("label").asText();
            if (!label.equals("hate") && !label.equals("neutral")) {
                throw new IOException(jsonl + " line " + (i + 1) + ": label must be hate or neutral, got '" + label
                        + "'");
            }
            out.add(new LabelledText(node.path("text").asText(), label.equals("hate"),
                    jsonl.getFileName() + ":" + (i + 1)));
        }
        return out;
    }

    /** A Jigsaw-format CSV (comment_text + 0/1 {@code toxic} column). */
    public static List<LabelledText> jigsaw(Path csv) throws IOException {
        CsvTable table = CsvTable.read(csv);
        List<LabelledText> out = new ArrayList<>();
        for (CsvTable.Row row : table.rows()) {
            String toxic = table.get(row, "toxic").strip();
            if (!toxic.equals("0") && !toxic.equals("1")) {
                throw new IOException(csv + " line " + row.line() + ": toxic must be 0 or 1, got '" + toxic + "'");
            }
            out.add(new LabelledText(table.get(row, "comment_text"), toxic.equals("1"),
                    csv.getFileName() + ":" + row.line()));
        }
        return out;
    }
}
