package org.forgetfilter.data.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.InvalidRecords;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;

/**
 * Counts by label and category, and length percentiles of prompt, response and rendered input (with a template)
 * in tokens of a tokenizer, or in whitespace words without one. Streams the file; keeps one int per record and
 * field for the percentiles.
 */
public final class DatasetStats {
    public static final double[] PERCENTILES = {50, 90, 95, 99, 100};

    /** The statistics of one file. */
    public record Stats(Path file, Format format, long records, Map<String, Long> byLabel,
                        Map<String, Long> byCategory, String unit, Map<String, int[]> percentiles,
                        InvalidRecords invalid) {
        /** A plain-text report. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(file).append(": ").append(records).append(" records, format ")
                    .append(format == null ? "?" : format.cliName()).append('\n');
            sb.append("by label:    ").append(byLabel).append('\n');
            sb.append("by category: ").append(byCategory).append('\n');
            sb.append("length in ").append(unit).append(", percentiles ")
                    .append(Arrays.toString(PERCENTILES)).append(":\n");
            percentiles.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-9s %s%n", k,
                    Arrays.toString(v))));
            String skipped = invalid.summary(file.toString());
            if (!skipped.isEmpty()) {
                sb.append(skipped).append('\n');
            }
            return sb.toString();
        }
    }

    public Stats compute(Path file, Format format, boolean skipInvalid, TokenCounter counter,
                         PromptTemplate template) throws IOException {
        Map<String, Long> byLabel = new TreeMap<>();
        Map<String, Long> byCategory = new TreeMap<>();
        IntList prompt = new IntList();
        IntList response = new IntList();
        IntList rendered = new IntList();
        try (ExampleReader reader = ExampleReader.open(file, format, skipInvalid)) {
            for (Example e; (e = reader.next()) != null; ) {
                byLabel.merge(e.label() == null ? "(none)" : e.label(), 1L, Long::sum);
                byCategory.merge(e.category() == null ? "(none)" : e.category(), 1L, Long::sum);
                prompt.add(counter.count(e.prompt()));
                response.add(counter.countContinuation(e.response()));
                PromptTemplate.Rendered r = template.render(e);
                rendered.add(counter.count(r.prompt()) + counter.countContinuation(r.response()));
            }
            Map<String, int[]> pct = new TreeMap<>();
            pct.put("prompt", prompt.percentiles());
            pct.put("response", response.percentiles());
            pct.put(template.name(), rendered.percentiles());
            return new Stats(file, reader.format(), reader.examplesRead(), byLabel, byCategory, counter.unit(), pct,
                    reader.invalid());
        }
    }

    /** Nearest-rank percentiles of a growing list of ints. */
    static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] percentiles() {
            int[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int[] out = new int[PERCENTILES.length];
            for (int i = 0; i < out.length; i++) {
                int rank = (int) Math.ceil(PERCENTILES[i] / 100.0 * size);
                out[i] = size == 0 ? 0 : sorted[Math.max(0, rank - 1)];
            }
            return out;
        }
    }
}
