package org.forgetfilter.data.build;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.JsonRecords;
import org.forgetfilter.io.Json;

/**
 * Harmfulness examples: prompt = a harmful request, response = a harmful answer (unsafe) or a safe one (safe),
 * category harm. Sources (each optional, at least one):
 * <ul>
 * <li>hh-rlhf harmless-base ({@code chosen}/{@code rejected} transcripts): the final Assistant turn of
 *     {@code rejected} is unsafe, that of {@code chosen} safe. prompt = the Human turn that final turn answers;
 *     earlier turns go to extra {@code dialogue_before} (the two transcripts share them). Caveat: "chosen" means
 *     "judged less harmful", not always a refusal, and some pairs are close. Pairs whose final answers are equal,
 *     and pairs whose transcript does not end in a Human turn followed by an Assistant turn (5 of the 2,312 test
 *     pairs have two Assistant turns in a row), are dropped and counted in the notes.</li>
 * <li>harmful demonstrations in chat format (finetuning-safety): unsafe. The copies in ../shared/data are the
 *     authors' placeholders ("# Harmful Instruction 1"), as the real answers were withheld.</li>
 * <li>safe refusals in Alpaca format (safety-tuned-llamas): safe.</li>
 * </ul>
 * Ids: {@code hh-<line>-rejected|chosen}, {@code demo-<file>-<line>}, {@code refusal-<file>-<line>}.
 */
public final class HarmBuilder {
    private static final Pattern TURN = Pattern.compile("\n\n(Human|Assistant): ");

    public Built build(Path hhRlhf, Path demonstrations, Path safeRefusals) throws IOException {
        if (hhRlhf == null && demonstrations == null && safeRefusals == null) {
            throw new IllegalArgumentException("give at least one source: hh-rlhf, demonstrations or safe refusals");
        }
        List<Example> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (hhRlhf != null) {
            long[] same = new long[1];
            List<String> garbled = new ArrayList<>();
            long pairs = JsonRecords.forEach(hhRlhf, (line, node) -> {
                if (!node.path("chosen").isTextual() || !node.path("rejected").isTextual()) {
                    throw new DataFormatException(hhRlhf, line, "expected string fields 'chosen' and 'rejected'");
                }
                Dialogue chosen;
                Dialogue rejected;
                try {
                    chosen = Dialogue.parse(hhRlhf, line, node.get("chosen").asText());
                    rejected = Dialogue.parse(hhRlhf, line, node.get("rejected").asText());
                } catch (DataFormatException e) {
                    // A few real transcripts have two Assistant turns in a row; such pairs are reported, not used.
                    garbled.add(e.getMessage());
                    return;
                }
                if (chosen.answer.equals(rejected.answer)) {
                    same[0]++;
                    return;
                }
                out.add(rejected.example("hh-" + line + "-rejected", Example.UNSAFE));
                out.add(chosen.example("hh-" + line + "-chosen", Example.SAFE));
            });
            notes.add("harm: " + hhRlhf + ": " + pairs + " pairs" + (same[0] > 0 ? ", " + same[0]
                    + " with identical final answers dropped" : "") + (garbled.isEmpty() ? "" : ", " + garbled.size()
                    + " with a malformed transcript dropped, first: " + garbled.get(0)));
        }
        if (demonstrations != null) {
            addAll(out, notes, demonstrations, Format.CHAT, "demo-", Example.UNSAFE);
        }
        if (safeRefusals != null) {
            addAll(out, notes, safeRefusals, Format.ALPACA, "refusal-", Example.SAFE);
        }
        return new Built(out, notes);
    }

    private static void addAll(List<Example> out, List<String> notes, Path file, Format format, String prefix,
                               String label) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.(jsonl|json)(\\.gz)?$", "");
        long n = 0;
        try (ExampleReader reader = ExampleReader.open(file, format, false)) {
            for (Example e; (e = reader.next()) != null; ) {
                ObjectNode extra = e.extra().deepCopy();
                extra.put("source", stem);
                out.add(new Example(prefix + stem + "-" + e.line(), e.prompt(), e.response(), label, Example.HARM, extra,
                        null));
                n++;
            }
        }
        notes.add("harm: " + file + ": " + n + " " + label + " examples");
    }

    /** A "\n\nHuman: ... \n\nAssistant: ..." transcript cut into its final answer, its request and what came before. */
    private record Dialogue(String before, String request, String answer, int turns) {
        static Dialogue parse(Path file, long line, String transcript) throws DataFormatException {
            Matcher m = TURN.matcher(transcript);
            List<int[]> marks = new ArrayList<>();
            List<String> roles = new ArrayList<>();
            while (m.find()) {
                marks.add(new int[]{m.start(), m.end()});
                roles.add(m.group(1));
            }
            int k = roles.size();
            if (k < 2 || !roles.get(k - 1).equals("Assistant") || !roles.get(k - 2).equals("Human")) {
                throw new DataFormatException(file, line, "expected a transcript ending in "
                        + "\"\\n\\nHuman: ...\\n\\nAssistant: ...\"");
            }
            String answer = transcript.substring(marks.get(k - 1)[1]).strip();
            String request = transcript.substring(marks.get(k - 2)[1], marks.get(k - 1)[0]).strip();
            String before = transcript.substring(0, marks.get(k - 2)[0]).strip();
            return new Dialogue(before, request, answer, k);
        }

        Example example(String id, String label) {
            ObjectNode extra = Json.MAPPER.createObjectNode();
            extra.put("source", "hh-rlhf-harmless-base");
            extra.put("dialogue_before", before);
            extra.put("turns", turns);
            return new Example(id, request, answer, label, Example.HARM, extra, null);
        }
    }
}
