package org.forgetfilter.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Doubts about a run's input that do not make any record invalid, reported as warnings: the same record given
 * twice (by id or by prompt and response: it weighs double in training and in the threshold), and the customer
 * data given as its own safe review set (the forgetting signal then means nothing). Commands print them; a filter
 * run can list them in summary.json as {@code {"code", "message", "count"}}.
 */
public final class InputChecks {
    /** Records repeating an earlier record's id, or its prompt and response. */
    public static final String DUPLICATES = "duplicates";
    /** The data file and the safe review file are the same file. */
    public static final String SAME_INPUT_FILE = "same_input_file";

    /** One warning: a stable code, a message naming the file and an example, and how many records it concerns. */
    public record Finding(String code, String message, long count) {
    }

    private InputChecks() {
    }

    /**
     * Checks examples already read.
     *
     * @param safeFile the safe review file, or null when the run has none (then {@code safe} is ignored)
     */
    public static List<Finding> of(Path dataFile, List<Example> data, Path safeFile, List<Example> safe)
            throws IOException {
        List<Finding> out = new ArrayList<>();
        sameFile(dataFile, safeFile, out);
        duplicates(dataFile, data, out);
        if (safeFile != null && !sameFile(dataFile, safeFile)) {
            duplicates(safeFile, safe, out);
        }
        return out;
    }

    /** Reads the files (one record at a time, keeping ids and content hashes only) and checks them. */
    public static List<Finding> scan(Path dataFile, Path safeFile, Format format, boolean skipInvalid)
            throws IOException {
        List<Finding> out = new ArrayList<>();
        sameFile(dataFile, safeFile, out);
        scanFile(dataFile, format, skipInvalid, out);
        if (safeFile != null && !sameFile(dataFile, safeFile)) {
            scanFile(safeFile, format, skipInvalid, out);
        }
        return out;
    }

    private static void scanFile(Path file, Format format, boolean skipInvalid, List<Finding> out) throws IOException {
        Duplicates d = new Duplicates();
        try (ExampleReader reader = ExampleReader.open(file, format, skipInvalid)) {
            for (Example e; (e = reader.next()) != null; ) {
                d.add(e);
            }
        }
        d.report(file.toString(), out);
    }

    private static void duplicates(Path file, List<Example> examples, List<Finding> out) {
        duplicates(file.toString(), examples, out);
    }

    /** Records of {@code examples} (read from {@code source}, which the message names) repeating an earlier one. */
    public static void duplicates(String source, List<Example> examples, List<Finding> out) {
        Duplicates d = new Duplicates();
        examples.forEach(d::add);
        d.report(source, out);
    }

    private static void sameFile(Path dataFile, Path safeFile, List<Finding> out) throws IOException {
        if (safeFile != null && sameFile(dataFile, safeFile)) {
            out.add(new Finding(SAME_INPUT_FILE, "the data and the safe review set are the same file (" + dataFile
                    + (dataFile.equals(safeFile) ? "" : " and " + safeFile) + "): the safe set should be separate, "
                    + "known-safe examples of the same domain, else what the model forgets says nothing about safety",
                    1));
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    }

    /** Records seen so far by id and by content, and the duplicates among them. */
    private static final class Duplicates {
        private final Map<String, Long> lineOfId = new HashMap<>();
        private final Map<String, Long> lineOfContent = new HashMap<>();
        private long records;
        private long repeated;
        private String first;

        void add(Example e) {
            records++;
            Long sameId = lineOfId.putIfAbsent(e.id(), e.line());
            Long sameContent = lineOfContent.putIfAbsent(Example.contentId(e.prompt(), e.response()), e.line());
            if (sameId != null || sameContent != null) {
                repeated++;
                if (first == null) {
                    first = "line " + e.line() + " repeats " + (sameId != null ? "the id '" + e.id() + "' of line "
                            + sameId : "the prompt and response of line " + sameContent);
                }
            }
        }

        void report(String file, List<Finding> out) {
            if (repeated > 0) {
                out.add(new Finding(DUPLICATES, repeated + " of " + records + " records in " + file + " repeat an "
                        + "earlier record's id or its prompt and response (first: " + first + "); a repeated record "
                        + "weighs double in training and in the threshold", repeated));
            }
        }
    }
}
