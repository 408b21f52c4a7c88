package org.forgetfilter.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputChecksTest {
    @TempDir
    Path dir;

    @Test
    void repeatedIdsAndRepeatedContentAreCountedWithTheFirstLine() throws Exception {
        Path data = Files.writeString(dir.resolve("d.jsonl"), """
                {"id":"a","prompt":"p1","response":"r1"}
                {"id":"b","prompt":"p2","response":"r2"}
                {"id":"a","prompt":"p3","response":"r3"}
                {"id":"c","prompt":"p2","response":"r2"}
                {"prompt":"p4","response":"r4"}
                """);
        List<InputChecks.Finding> f = InputChecks.scan(data, null, null, false);
        assertEquals(1, f.size());
        assertEquals(InputChecks.DUPLICATES, f.get(0).code());
        assertEquals(2, f.get(0).count());
        assertTrue(f.get(0).message().startsWith("2 of 5 records in " + data + " repeat")
                && f.get(0).message().contains("first: line 3 repeats the id 'a' of line 1"), f.get(0).message());
        assertEquals(f, InputChecks.of(data, ExampleReader.readAll(data, null, false), null, List.of()),
                "reading first gives the same findings");
    }

    @Test
    void theSameFileAsDataAndSafeSetIsFlaggedAndDistinctCleanFilesAreNot() throws Exception {
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"prompt\":\"p\",\"response\":\"r\"}\n");
        Path safe = Files.writeString(dir.resolve("s.jsonl"), "{\"prompt\":\"q\",\"response\":\"s\"}\n");
        assertEquals(List.of(), InputChecks.scan(data, safe, null, false));
        List<InputChecks.Finding> f = InputChecks.scan(data, dir.resolve("./d.jsonl"), null, false);
        assertEquals(List.of(InputChecks.SAME_INPUT_FILE), f.stream().map(InputChecks.Finding::code).toList());
        assertTrue(f.get(0).message().contains("the data and the safe review set are the same file"), f.get(0).message());
    }
}
