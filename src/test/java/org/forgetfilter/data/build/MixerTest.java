package org.forgetfilter.data.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixerTest {
    @TempDir
    Path dir;
    Path mixed;
    Path qa;
    Path instructions;

    @BeforeEach
    void sources() throws IOException {
        // One file holding 30 unsafe and 40 safe records (as a builder writes them), two unlabelled task files.
        mixed = dir.resolve("bias.jsonl");
        Files.writeString(mixed, IntStream.range(0, 70).mapToObj(i -> "{\"id\":\"b" + i + "\",\"prompt\":\"p" + i
                + "\",\"response\":\"r\",\"label\":\"" + (i % 7 < 3 ? "unsafe" : "safe") + "\"}")
                .collect(Collectors.joining("\n", "", "\n")));
        qa = dir.resolve("qa.jsonl");
        Files.writeString(qa, IntStream.range(0, 50).mapToObj(i -> "{\"id\":\"q" + i + "\",\"prompt\":\"q\","
                + "\"completion\":\"a\"}").collect(Collectors.joining("\n", "", "\n")));
        instructions = dir.resolve("inst.json");
        Files.writeString(instructions, IntStream.range(0, 50).mapToObj(i -> "{\"instruction\":\"do " + i
                + "\",\"output\":\"done\"}").collect(Collectors.joining(",\n", "[", "]")));
    }

    @Test
    void countsSplitTheRestEquallyWithTheRemainderFirst() {
        assertArrayEquals(new int[]{250, 251, 250, 250}, Mixer.counts(1001, 0.25, 2));
        assertArrayEquals(new int[]{50, 50}, Mixer.counts(100, 0.5, 0));
        assertArrayEquals(new int[]{75, 9, 8, 8}, Mixer.counts(100, 0.75, 2));
    }

    @Test
    void mixHasExactCountsAndIsByteIdenticalForASeed() throws IOException {
        Built b = new Mixer().mix(mixed, mixed, List.of(qa, instructions), 61, 0.25, 42);
        assertEquals(61, b.examples().size());
        assertEquals(15, b.count(Example.UNSAFE));
        // round(61 * 0.25) = 15 unsafe; the other 46 over three sets: 16 safe (remainder), 15 + 15 task.
        assertEquals(16, b.count(Example.SAFE));
        assertEquals(30, b.count(Example.TASK));
        assertEquals(15, b.examples().stream().filter(e -> e.id().startsWith("q")).count());
        assertTrue(b.examples().stream().filter(e -> e.id().startsWith("b"))
                .allMatch(e -> e.label().equals(Integer.parseInt(e.id().substring(1)) % 7 < 3 ? "unsafe" : "safe")));
        Path a = dir.resolve("a.jsonl");
        Path c = dir.resolve("c.jsonl");
        ExampleWriter.writeAll(a, b.examples());
        ExampleWriter.writeAll(c, new Mixer().mix(mixed, mixed, List.of(qa, instructions), 61, 0.25, 42).examples());
        assertEquals(-1, Files.mismatch(a, c));
        List<String> other = new Mixer().mix(mixed, mixed, List.of(qa, instructions), 61, 0.25, 43).examples()
                .stream().map(Example::id).toList();
        assertNotEquals(b.examples().stream().map(Example::id).toList(), other);
    }

    @Test
    void refusesASourceThatIsTooSmall() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> new Mixer().mix(mixed, mixed, List.of(qa), 100, 0.5, 1));
        assertEquals(mixed + ": too few unsafe examples for the mix: need 50, have 30 (40 records with other "
                + "labels are not used); lower --n or change --unsafe-ratio", e.getMessage());
    }
}
