package org.forgetfilter.data.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.forgetfilter.SharedData;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.ExampleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitterTest {
    @TempDir
    Path dir;

    private List<Set<String>> keysPerPart(List<Path> parts, List<String> by) throws IOException {
        List<Set<String>> keys = new ArrayList<>();
        for (Path p : parts) {
            Set<String> k = new HashSet<>();
            for (Example e : ExampleReader.readAll(p, null, false)) {
                k.add(Splitter.key(p, e, by));
            }
            keys.add(k);
        }
        return keys;
    }

    @Test
    void bbqQuestionsNeverCrossSplits() throws IOException {
        Path bbq = dir.resolve("bbq.jsonl");
        ExampleWriter.writeAll(bbq, new BbqBuilder().build(SharedData.require("bbq/data")).examples());
        List<Path> parts = List.of(dir.resolve("review.jsonl"), dir.resolve("noisy.jsonl"), dir.resolve("eval.jsonl"));
        List<String> by = List.of("bbq_category", "question_index");
        Splitter.Result r = new Splitter().split(bbq, null, by, new double[]{0.2, 0.5, 0.3}, 5, parts);
        assertEquals(17_934, r.records()[0] + r.records()[1] + r.records()[2]);
        List<Set<String>> keys = keysPerPart(parts, by);
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                Set<String> shared = new HashSet<>(keys.get(i));
                shared.retainAll(keys.get(j));
                assertTrue(shared.isEmpty(), "parts " + i + " and " + j + " share " + shared);
            }
            assertEquals(keys.get(i).size(), r.groups()[i]);
        }
        // Sizes follow the fractions up to whole questions (the largest BBQ question has a few hundred records).
        assertEquals(0.5, r.records()[1] / 17_934.0, 0.05);
        // Records are written as they came, and the same seed gives the same files.
        assertEquals(Files.readAllLines(parts.get(0)).get(0), ExampleReader.readAll(parts.get(0), null, false)
                .get(0).raw());
        List<Path> again = List.of(dir.resolve("a.jsonl"), dir.resolve("b.jsonl"), dir.resolve("c.jsonl"));
        new Splitter().split(bbq, null, by, new double[]{0.2, 0.5, 0.3}, 5, again);
        for (int i = 0; i < 3; i++) {
            assertEquals(-1, Files.mismatch(parts.get(i), again.get(i)));
        }
    }

    @Test
    void squadArticlesNeverCrossSplits() throws IOException {
        Path squad = dir.resolve("squad.jsonl");
        ExampleWriter.writeAll(squad, new SquadBuilder(org.forgetfilter.data.TokenCounter.words(), 40)
                .build(SharedData.require("squad/dev-v1.1.json")).examples());
        List<Path> parts = List.of(dir.resolve("train.jsonl"), dir.resolve("test.jsonl"));
        new Splitter().split(squad, null, List.of("article"), new double[]{0.7, 0.3}, 1, parts);
        List<Set<String>> keys = keysPerPart(parts, List.of("article"));
        assertEquals(48, keys.get(0).size() + keys.get(1).size());
        Set<String> shared = new HashSet<>(keys.get(0));
        shared.retainAll(keys.get(1));
        assertTrue(shared.isEmpty());
    }

    @Test
    void missingKeyFieldIsAnErrorAndLeavesNoOutput() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"text\":\"a\",\"g\":1}\n{\"text\":\"b\"}\n");
        List<Path> parts = List.of(dir.resolve("x.jsonl"), dir.resolve("y.jsonl"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> new Splitter().split(in, null, List.of("g"), new double[]{0.5, 0.5}, 1, parts));
        assertEquals(in + ":2: record has no value for split field 'g'", e.getMessage());
        assertTrue(parts.stream().noneMatch(Files::exists));
        assertThrows(IllegalArgumentException.class,
                () -> new Splitter().split(in, null, List.of("g"), new double[]{0.5, 0.6}, 1, parts));
    }
}
