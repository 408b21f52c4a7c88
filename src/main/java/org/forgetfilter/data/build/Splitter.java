package org.forgetfilter.data.build;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.data.Format;

/**
 * Splits a file into disjoint parts by a grouping key, so that the parts never share a group (a BBQ question:
 * {@code bbq_category,question_index}; a SQuAD article: {@code article}). Groups are sorted, shuffled with the
 * seed and dealt out in that order, each to the part whose share of the records its middle falls into, so part
 * sizes follow the fractions up to one group. Two streaming passes; records are written as they came.
 * A key field is {@code id}, {@code label}, {@code category} or any extra field; several fields, comma
 * separated, form one key.
 */
public final class Splitter {

    /** Records and groups per part. */
    public record Result(long[] records, long[] groups) {
    }

    public Result split(Path input, Format format, List<String> byFields, double[] fractions, long seed,
                        List<Path> outputs) throws IOException {
        if (fractions.length != outputs.size() || fractions.length < 2) {
            throw new IllegalArgumentException("give at least two fractions and one output per fraction; got "
                    + fractions.length + " fraction(s) and " + outputs.size() + " output(s)");
        }
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0)) {
                throw new IllegalArgumentException("fractions must be non-negative, got " + f);
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("fractions must sum to 1, got " + sum);
        }
        Map<String, Long> sizes = new TreeMap<>();
        long total = 0;
        try (ExampleReader reader = ExampleReader.open(input, format, false)) {
            for (Example e; (e = reader.next()) != null; ) {
                sizes.merge(key(input, e, byFields), 1L, Long::sum);
                total++;
            }
        }
        List<String> groups = new ArrayList<>(sizes.keySet());
        Collections.shuffle(groups, new Random(seed));
        Map<String, Integer> part = new HashMap<>();
        long[] groupCounts = new long[fractions.length];
        long before = 0;
        for (String g : groups) {
            long size = sizes.get(g);
            double middle = (before + size / 2.0) / total;
            int p = 0;
            double edge = fractions[0];
            while (middle >= edge && p < fractions.length - 1) {
                p++;
                edge += fractions[p];
            }
            part.put(g, p);
            groupCounts[p]++;
            before += size;
        }
        long[] recordCounts = new long[fractions.length];
        List<ExampleWriter> writers = new ArrayList<>();
        try (ExampleReader reader = ExampleReader.open(input, format, false)) {
            for (Path out : outputs) {
                writers.add(ExampleWriter.create(out));
            }
            for (Example e; (e = reader.next()) != null; ) {
                int p = part.get(key(input, e, byFields));
                writers.get(p).writeAsRead(e);
                recordCounts[p]++;
            }
            for (ExampleWriter w : writers) {
                w.commit();
            }
        } finally {
            writers.forEach(ExampleWriter::close);
        }
        return new Result(recordCounts, groupCounts);
    }

    /** The grouping key of a record; fails with file and line when a field is missing. */
    static String key(Path file, Example e, List<String> fields) throws DataFormatException {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            String v = switch (f) {
                case "id" -> e.id();
                case "label" -> e.label();
                case "category" -> e.category();
                default -> {
                    JsonNode n = e.extra().get(f);
                    yield n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
                }
            };
            if (v == null) {
                throw new DataFormatException(file, e.line(), "record has no value for split field '" + f + "'");
            }
            sb.append(v).append('\u0001');
        }
        return sb.toString();
    }
}
