package org.forgetfilter.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    private static final List<String> WRITTEN = List.of("kept.jsonl", "removed.jsonl", "stages");

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    private OutputFolder open(Path out, Path... inputs) throws Exception {
        return OutputFolder.open(out, "filter", List.of(inputs), WRITTEN, notices::add);
    }

    @Test
    void anInputTheCommandWouldOverwriteIsRefusedByItsRealPath() throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Path kept = Files.writeString(out.resolve("kept.jsonl"), "customer data\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), kept);
        for (Path input : List.of(kept, dir.resolve("x/../run/kept.jsonl"), link)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(out, input));
            assertTrue(e.getMessage().contains("would overwrite its input " + input) && e.getMessage().contains(
                    out.resolve("kept.jsonl").toString()), e.getMessage());
        }
        Path cached = Files.createDirectories(out.resolve("stages")).resolve("m1.json");
        assertThrows(IllegalArgumentException.class, () -> open(out, Files.writeString(cached, "{}")));
        assertEquals("customer data\n", Files.readString(kept));
        assertFalse(Files.exists(out.resolve(OutputFolder.LOCK_FILE)), "nothing locked when refused");
        try (OutputFolder f = open(out, Files.writeString(out.resolve("customer.jsonl"), "x"))) {
            assertEquals(out, f.dir(), "other files in the folder are not the command's outputs");
        }
    }

    @Test
    void theSameFolderCannotBeOpenedTwiceAndIsFreeAgainAfterClose() throws Exception {
        Path out = dir.resolve("run");
        try (OutputFolder first = open(out)) {
            String lock = Files.readString(out.resolve(OutputFolder.LOCK_FILE));
            assertTrue(lock.contains("pid=" + ProcessHandle.current().pid()) && lock.contains("command=filter"), lock);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(out));
            assertTrue(e.getMessage().contains("is in use by process " + ProcessHandle.current().pid()), e.getMessage());
        }
        assertEquals("", Files.readString(out.resolve(OutputFolder.LOCK_FILE)), "released: emptied");
        open(out).close();
        assertEquals(List.of(), notices, "a released lock is not stale");
    }

    @Test
    void aSecondProcessIsRefusedAndTheLockOfAKilledOneIsTakenOver() throws Exception {
        Path out = dir.resolve("run");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), out.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(out));
            assertTrue(e.getMessage().contains("is in use by process " + holder.pid() + " (forgetfilter filter"),
                    e.getMessage());
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertTrue(Files.readString(out.resolve(OutputFolder.LOCK_FILE)).contains("pid=" + holder.pid()),
                "a killed holder leaves its lock file");
        try (OutputFolder taken = open(out)) {
            assertEquals(1, notices.size());
            assertTrue(notices.get(0).contains("taking over the lock of " + out + " left by process " + holder.pid()),
                    notices.get(0));
        }
    }

    @Test
    void aReplacedFolderRefusesAnyInputInsideAndLocksBesideIt() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Path data = Files.writeString(model.resolve("train.jsonl"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.openReplaced(model, "finetune", List.of(data), notices::add));
        assertTrue(e.getMessage().contains("finetune would overwrite its input " + data), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.openReplaced(model, "finetune", List.of(model), notices::add));
        try (OutputFolder f = OutputFolder.openReplaced(model, "finetune", List.of(dir.resolve("elsewhere")), notices::add)) {
            assertEquals(dir.resolve(".model.forgetfilter.lock"), f.lockFile());
            assertThrows(IllegalArgumentException.class,
                    () -> OutputFolder.openReplaced(model, "finetune", List.of(), notices::add));
        }
        assertEquals("", Files.readString(dir.resolve(".model.forgetfilter.lock")));
    }

    @Test
    void aFileOutputMayNotBeAnInputNorLieInAnInputFolder() throws Exception {
        Path input = Files.writeString(dir.resolve("in.jsonl"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.refuseInputAsOutput(dir.resolve("./in.jsonl"), "data convert", List.of(input)));
        assertTrue(e.getMessage().contains("data convert would overwrite its input") && e.getMessage().contains(
                "is the input file " + input), e.getMessage());
        Path folder = Files.createDirectories(dir.resolve("bbq"));
        assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.refuseInputAsOutput(folder.resolve("out.jsonl"), "data bbq", List.of(folder)));
        OutputFolder.refuseInputAsOutput(dir.resolve("out.jsonl"), "data convert", List.of(input, folder));
    }

    @Test
    void anExistingFileWhereTheFolderShouldBeIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(dir.resolve("run"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(file));
        assertTrue(e.getMessage().startsWith(file + ": is a file, expected a folder"), e.getMessage());
    }
}
