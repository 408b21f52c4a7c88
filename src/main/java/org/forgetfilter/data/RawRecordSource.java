package org.forgetfilter.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Streams the records of a JSON Lines file or of a file holding one JSON array (told apart by the first
 * non-blank byte), optionally gzip-compressed ({@code .gz}). A UTF-8 byte order mark is skipped.
 */
abstract class RawRecordSource implements Closeable {
    protected final Path file;

    RawRecordSource(Path file) {
        this.file = file;
    }

    /** The next record, or null at the end of the file. */
    abstract RawRecord next() throws IOException;

    static RawRecordSource open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, 0, "file not found");
        }
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
            skipByteOrderMark(buffered);
            int first = firstNonBlank(buffered, file);
            if (first < 0) {
                throw new DataFormatException(file, 0, "empty file; expected JSON Lines records or a JSON array");
            }
            return first == '[' ? new JsonArraySource(file, buffered) : new JsonLinesSource(file, buffered);
        } catch (IOException | RuntimeException e) {
            raw.close();
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(file, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void skipByteOrderMark(BufferedInputStream in) throws IOException {
        in.mark(3);
        if (!(in.read() == 0xEF && in.read() == 0xBB && in.read() == 0xBF)) {
            in.reset();
        }
    }

    /** Peeks at the first byte that is not JSON whitespace, leaving the stream where it was; -1 if none. */
    private static int firstNonBlank(BufferedInputStream in, Path file) throws IOException {
        int limit = 1 << 20;
        in.mark(limit + 1);
        for (int i = 0; i <= limit; i++) {
            int b = in.read();
            if (b < 0 || !(b == ' ' || b == '\t' || b == '\n' || b == '\r')) {
                in.reset();
                return b;
            }
        }
        throw new DataFormatException(file, 0, "more than 1 MiB of blank space before the first record");
    }
}
