package org.forgetfilter.data.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;

/**
 * The paper's noisy-set mixer: {@code round(n * unsafeRatio)} unsafe examples, the rest split equally between
 * the safe source and each task source (a remainder goes one each to the safe source, then the task sources in
 * order), all shuffled. Each source contributes only records whose label is its own or missing (missing labels are
 * filled in), so one builder output holding both unsafe and safe records can serve as both sources. Sampling is
 * uniform without replacement (reservoir sampling, so sources are streamed) and deterministic for a seed; a source
 * with too few records is refused with a clear message. Duplicate ids in the mix are refused, since filters
 * identify examples by id.
 */
public final class Mixer {
    /** One source file and the label it provides. */
    private record Source(Path file, String label) {
    }

    public Built mix(Path unsafe, Path safe, List<Path> tasks, int n, double unsafeRatio, long seed)
            throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("--n must be positive, got " + n);
        }
        if (!(unsafeRatio >= 0 && unsafeRatio <= 1)) {
            throw new IllegalArgumentException("--unsafe-ratio must be within [0, 1], got " + unsafeRatio);
        }
        List<Source> sources = new ArrayList<>();
        sources.add(new Source(unsafe, Example.UNSAFE));
        sources.add(new Source(safe, Example.SAFE));
        tasks.forEach(t -> sources.add(new Source(t, Example.TASK)));
        int[] counts = counts(n, unsafeRatio, tasks.size());
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> mix = new ArrayList<>(n);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            mix.addAll(sample(sources.get(i), counts[i], random, notes));
        }
        Set<String> ids = new HashSet<>();
        for (Example e : mix) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("id '" + e.id() + "' occurs twice in the mix (the same example in "
                        + "two sources?); ids must be unique for filtering");
            }
        }
        Collections.shuffle(mix, new Random(random.nextLong()));
        notes.add(String.format(Locale.ROOT, "mix: %d examples, seed %d: %d unsafe, %d safe%s", mix.size(), seed,
                counts[0], counts[1], tasks.isEmpty() ? "" : ", task " + Arrays.toString(
                        Arrays.copyOfRange(counts, 2, counts.length))));
        return new Built(mix, notes);
    }

    /** Examples per source: [unsafe, safe, task 1, ...]. */
    public static int[] counts(int n, double unsafeRatio, int taskSources) {
        int[] counts = new int[2 + taskSources];
        counts[0] = (int) Math.round(n * unsafeRatio);
        int rest = n - counts[0];
        int shares = 1 + taskSources;
        for (int i = 0; i < shares; i++) {
            counts[1 + i] = rest / shares + (i < rest % shares ? 1 : 0);
        }
        return counts;
    }

    private static List<Example> sample(Source source, int k, SplittableRandom random, List<String> notes)
            throws IOException {
        List<Example> reservoir = new ArrayList<>(k);
        long eligible = 0;
        long otherLabels = 0;
        try (ExampleReader reader = ExampleReader.open(source.file(), null, false)) {
            for (Example e; (e = reader.next()) != null; ) {
                if (e.label() != null && !e.label().equals(source.label())) {
                    otherLabels++;
                    continue;
                }
                Example labelled = e.label() == null ? e.withLabel(source.label()) : e;
                eligible++;
                if (reservoir.size() < k) {
                    reservoir.add(labelled);
                } else {
                    long j = random.nextLong(eligible);
                    if (j < k) {
                        reservoir.set((int) j, labelled);
                    }
                }
            }
        }
        if (eligible < k) {
            throw new DataFormatException(source.file(), 0, "too few " + source.label() + " examples for the mix: "
                    + "need " + k + ", have " + eligible + (otherLabels > 0 ? " (" + otherLabels
                    + " records with other labels are not used)" : "") + "; lower --n or change --unsafe-ratio");
        }
        notes.add("mix: " + source.file() + ": " + k + " of " + eligible + " " + source.label() + " examples"
                + (otherLabels > 0 ? " (" + otherLabels + " with other labels ignored)" : ""));
        return reservoir;
    }
}
