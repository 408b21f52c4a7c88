package org.forgetfilter.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one line a failed command prints. Most exceptions carry a full message; the file-system ones carry only the
 * path ({@code NoSuchFileException: out}), so their reason is added: not found, permission denied, is a file where
 * a folder was expected, no space left.
 */
final class ErrorMessage {
    private ErrorMessage() {
    }

    static String of(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof FileSystemException fs && fs.getFile() != null) {
            return fileSystem(fs);
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String fileSystem(FileSystemException e) {
        String file = e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile());
        String reason = e.getReason();
        String why;
        if (e instanceof NoSuchFileException) {
            why = "not found";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            why = Files.isRegularFile(Path.of(e.getFile())) ? "is a file, expected a folder" : "already exists";
        } else if (e instanceof NotDirectoryException || "Not a directory".equals(reason)) {
            why = "a file stands where a folder is expected (in this path)";
            reason = null;
        } else if (e instanceof DirectoryNotEmptyException) {
            why = "folder is not empty";
        } else if (reason != null) {
            why = reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
            reason = null;
        } else {
            why = "file-system error (" + e.getClass().getSimpleName() + ")";
        }
        return file + ": " + why + (reason == null || reason.isBlank() ? "" : " (" + reason + ")");
    }
}
