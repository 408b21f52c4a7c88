package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorMessageTest {
    @TempDir
    Path dir;

    @Test
    void fileSystemErrorsSayWhyAndNotOnlyWhere() throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "x");
        assertEquals(file + ": is a file, expected a folder", ErrorMessage.of(new FileAlreadyExistsException(file.toString())));
        assertEquals(dir + ": already exists", ErrorMessage.of(new FileAlreadyExistsException(dir.toString())));
        assertEquals("a: not found", ErrorMessage.of(new NoSuchFileException("a")));
        assertEquals("a: not found (model folder not found)",
                ErrorMessage.of(new NoSuchFileException("a", null, "model folder not found")));
        assertEquals("a: permission denied", ErrorMessage.of(new UncheckedIOException(new AccessDeniedException("a"))));
        assertEquals("a: no space left on device",
                ErrorMessage.of(new FileSystemException("a", null, "No space left on device")));
        assertEquals("a/b: a file stands where a folder is expected (in this path)",
                ErrorMessage.of(new FileSystemException("a/b", null, "Not a directory")));
        assertEquals("disk on fire", ErrorMessage.of(new IOException("disk on fire")));
        assertEquals("NullPointerException", ErrorMessage.of(new NullPointerException()));
    }
}
