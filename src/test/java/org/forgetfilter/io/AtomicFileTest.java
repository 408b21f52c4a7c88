package org.forgetfilter.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    /** The PID of a process that has ended. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void tempFilesOfAKilledRunAreRemovedByTheNextWriteOfTheSameTarget() throws Exception {
        Path target = dir.resolve("scores.jsonl");
        Path killed = dir.resolve(".scores.jsonl." + deadPid() + "-1f.part");
        Path legacy = dir.resolve(".scores.jsonl.8123456789.part");
        Path running = dir.resolve(".scores.jsonl." + ProcessHandle.current().pid() + "-2e.part");
        Path otherTarget = dir.resolve(".kept.jsonl." + deadPid() + "-3d.part");
        for (Path p : List.of(killed, legacy, running, otherTarget)) {
            Files.writeString(p, "partial");
        }
        AtomicFile.writeString(target, "done\n");
        assertEquals("done\n", Files.readString(target));
        assertFalse(Files.exists(killed), "temp file of a dead process");
        assertFalse(Files.exists(legacy), "temp file named by an earlier version");
        assertTrue(Files.exists(running), "a temp file of a live process is its own");
        assertTrue(Files.exists(otherTarget), "temp files of other targets are not this write's business");
    }

    @Test
    void fileGetsTheUsersDefaultPermissionsNotOwnerOnly() throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFile.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void closeWithoutCommitLeavesNoFile() throws Exception {
        Path target = dir.resolve("out.jsonl");
        try (AtomicFile f = AtomicFile.create(target)) {
            f.writer().write("half");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void loneSurrogateIsRefusedInsteadOfWrittenAsQuestionMark() {
        Path target = dir.resolve("out.jsonl");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(target, "a\ud800b"));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("surrogate"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void surrogatePairsSplitAcrossBufferBoundariesAreWritten() throws Exception {
        Path target = dir.resolve("emoji.txt");
        String text = "x".repeat((1 << 16) - 1) + "\uD83D\uDE00".repeat(3);
        AtomicFile.writeString(target, text);
        assertEquals(text, Files.readString(target));
    }
}
