package org.forgetfilter.data;

import java.io.IOException;
import java.nio.file.Path;

/** Input that does not match what a reader or builder expects; the message names file, line and expectation. */
public final class DataFormatException extends IOException {
    private final Path file;
    private final long line;

    public DataFormatException(Path file, long line, String problem) {
        super(where(file, line) + problem);
        this.file = file;
        this.line = line;
    }

    public DataFormatException(Path file, long line, String problem, Throwable cause) {
        super(where(file, line) + problem, cause);
        this.file = file;
        this.line = line;
    }

    private static String where(Path file, long line) {
        return file + (line > 0 ? ":" + line : "") + ": ";
    }

    public Path file() {
        return file;
    }

    /** 1-based line, or 0 when the problem concerns the whole file. */
    public long line() {
        return line;
    }
}
