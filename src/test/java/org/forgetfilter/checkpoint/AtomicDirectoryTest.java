package org.forgetfilter.checkpoint;

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

class AtomicDirectoryTest {
    @TempDir
    Path dir;

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void replacesTheFolderAndRemovesWhatAKilledRunLeft() throws Exception {
        Path target = dir.resolve("model");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.txt"), "old");
        Path killedTemp = Files.createDirectories(dir.resolve(".model." + deadPid() + "-ab.tmp"));
        Files.writeString(killedTemp.resolve("w.safetensors"), "partial");
        Path legacyTemp = Files.createDirectories(dir.resolve(".model.tmp-123456"));
        Path legacyOld = Files.createDirectories(dir.resolve(".model.old-1a2b"));
        AtomicDirectory.write(target, tmp -> Files.writeString(tmp.resolve("new.txt"), "new"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList());
        }
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(List.of(target.resolve("new.txt")), s.toList());
        }
        assertFalse(Files.exists(killedTemp) || Files.exists(legacyTemp) || Files.exists(legacyOld));
    }

    @Test
    void folderGetsTheUsersDefaultPermissions() throws Exception {
        Path plain = Files.createDirectory(dir.resolve("plain"));
        Path target = dir.resolve("model");
        AtomicDirectory.write(target, tmp -> Files.writeString(tmp.resolve("a"), "a"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    @Test
    void anExistingFileAtTheTargetIsNamedAsAFile() throws Exception {
        Path target = Files.writeString(dir.resolve("model"), "not a folder");
        IOException e = assertThrows(IOException.class, () -> AtomicDirectory.write(target, tmp -> { }));
        assertTrue(e.getMessage().contains("is a file, expected a folder"), e.getMessage());
        assertEquals("not a folder", Files.readString(target));
    }
}
