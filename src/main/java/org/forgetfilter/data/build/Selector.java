package org.forgetfilter.data.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.data.Format;

/**
 * Keeps the records whose fields equal given values (e.g. label=safe, context_condition=ambig), optionally a seeded
 * random sample of n of them, written as they came in input order. Fields are looked up like {@link Splitter}'s.
 */
public final class Selector {

    /** The number of matching records and of records written. */
    public record Result(long matched, long written) {
    }

    public Result select(Path in, Format format, Map<String, String> where, int n, long seed, Path out)
            throws IOException {
        List<Example> matched = new ArrayList<>();
        try (ExampleReader r = ExampleReader.open(in, format, false)) {
            Example e;
            while ((e = r.next()) != null) {
                boolean ok = true;
                for (Map.Entry<String, String> w : where.entrySet()) {
                    String v = Splitter.key(in, e, List.of(w.getKey()));
                    ok &= v.substring(0, v.length() - 1).equals(w.getValue());
                }
                if (ok) {
                    matched.add(e);
                }
            }
        }
        if (n > 0 && n > matched.size()) {
            throw new IllegalArgumentException(in + ": only " + matched.size() + " records match " + where
                    + ", " + n + " were asked for");
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < matched.size(); i++) {
            keep.add(i);
        }
        if (n > 0) {
            Collections.shuffle(keep, new Random(seed));
            keep = new ArrayList<>(keep.subList(0, n));
            Collections.sort(keep);
        }
        try (ExampleWriter w = ExampleWriter.create(out)) {
            for (int i : keep) {
                w.writeAsRead(matched.get(i));
            }
            w.commit();
        }
        return new Result(matched.size(), keep.size());
    }
}
