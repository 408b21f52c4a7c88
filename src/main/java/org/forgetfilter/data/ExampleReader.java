package org.forgetfilter.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams the examples of one file (JSON Lines or a JSON array, optionally {@code .gz}) in any {@link Format},
 * detected from the first record unless given. Memory holds one record at a time.
 *
 * <p>Bad input is never passed over silently: a malformed line, a missing or mistyped field, invalid UTF-8 or an
 * empty file raises a {@link DataFormatException} naming file, line and expectation. With {@code skipInvalid}
 * such records are skipped instead and counted in {@link #invalid()} (syntax errors inside a JSON array and
 * empty files still fail, as reading cannot continue past them).
 *
 * <pre>{@code
 * try (ExampleReader reader = ExampleReader.open(path, null, false)) {
 *     for (Example e : reader) { ... }
 * }
 * }</pre>
 * The iterator wraps read errors in {@link UncheckedIOException} whose cause is the {@link DataFormatException};
 * {@link #next()} is the checked alternative.
 */
public final class ExampleReader implements Iterable<Example>, Closeable {
    private final Path file;
    private final boolean skipInvalid;
    private final RawRecordSource source;
    private final InvalidRecords invalid = new InvalidRecords();
    private Format format;
    private final boolean formatGiven;
    private long detectedAtLine;
    private long read;
    private boolean iterated;

    private ExampleReader(Path file, Format format, boolean skipInvalid) throws IOException {
        this.file = file;
        this.format = format;
        this.formatGiven = format != null;
        this.skipInvalid = skipInvalid;
        this.source = RawRecordSource.open(file);
    }

    /**
     * Opens a file for streaming.
     *
     * @param format      the layout of its records, or null to detect it from the first record
     * @param skipInvalid skip (and count) invalid records instead of failing on the first
     */
    public static ExampleReader open(Path file, Format format, boolean skipInvalid) throws IOException {
        return new ExampleReader(file, format, skipInvalid);
    }

    /** Opens a file strictly, detecting its format. */
    public static ExampleReader open(Path file) throws IOException {
        return open(file, null, false);
    }

    /** Reads a whole (small) file into memory. */
    public static List<Example> readAll(Path file, Format format, boolean skipInvalid) throws IOException {
        try (ExampleReader reader = open(file, format, skipInvalid)) {
            List<Example> all = new ArrayList<>();
            for (Example e; (e = reader.next()) != null; ) {
                all.add(e);
            }
            return all;
        }
    }

    /** The next valid example, or null at the end of the file. */
    public Example next() throws IOException {
        while (true) {
            RawRecord r = source.next();
            if (r == null) {
                return null;
            }
            if (r.error() != null) {
                reject(r.line(), r.error());
                continue;
            }
            if (format == null) {
                try {
                    format = Format.detect(r.node());
                    detectedAtLine = r.line();
                } catch (Format.RecordException e) {
                    reject(r.line(), e.getMessage());
                    continue;
                }
            }
            try {
                Example e = format.toExample(r.node(), r.text(), r.line());
                if (e.prompt().isEmpty() && e.response().isEmpty()) {
                    reject(r.line(), "empty prompt and empty response: an example with nothing to learn; expected "
                            + "text in at least one");
                    continue;
                }
                read++;
                return e;
            } catch (Format.RecordException e) {
                String how = formatGiven ? " (format given as " + format.cliName() + ")"
                        : " (format " + format.cliName() + ", detected from line " + detectedAtLine + ")";
                reject(r.line(), e.getMessage() + how);
            }
        }
    }

    private void reject(long line, String problem) throws DataFormatException {
        if (!skipInvalid) {
            throw new DataFormatException(file, line, problem);
        }
        invalid.add(file + ":" + line + ": " + problem);
    }

    /** The format in use: as given, or as detected (null before the first valid record). */
    public Format format() {
        return format;
    }

    public Path file() {
        return file;
    }

    /** Records skipped so far (only under skipInvalid). */
    public InvalidRecords invalid() {
        return invalid;
    }

    /** Valid examples returned so far. */
    public long examplesRead() {
        return read;
    }

    /** Single-use iterator over the remaining examples. */
    @Override
    public Iterator<Example> iterator() {
        if (iterated) {
            throw new IllegalStateException("an ExampleReader can be iterated once; open the file again");
        }
        iterated = true;
        return new Iterator<>() {
            private Example pending;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (pending == null && !done) {
                    try {
                        pending = ExampleReader.this.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                    done = pending == null;
                }
                return pending != null;
            }

            @Override
            public Example next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Example e = pending;
                pending = null;
                return e;
            }
        };
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
