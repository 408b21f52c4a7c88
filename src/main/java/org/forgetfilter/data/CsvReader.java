package org.forgetfilter.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the rows of an RFC 4180 CSV file (comma separated, fields optionally in double quotes, "" for a quote
 * inside quotes, line breaks allowed inside quotes). Strict UTF-8; a leading byte-order mark is skipped; blank lines
 * between rows are skipped. Errors name the file and line.
 */
public final class CsvReader implements Closeable {
    private final Path file;
    private final BufferedReader in;
    private long line = 1;
    private long rowStartLine;
    private boolean started;

    public CsvReader(Path file) throws IOException {
        this.file = file;
        this.in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    /** Line on which the last row returned by {@link #next()} started. */
    public long rowLine() {
        return rowStartLine;
    }

    /** The next row, or null at the end of the file. */
    public List<String> next() throws IOException {
        try {
            int c = in.read();
            if (!started) {
                started = true;
                if (c == '\uFEFF') {
                    c = in.read();
                }
            }
            while (c == '\n' || c == '\r') {
                if (c == '\n') {
                    line++;
                }
                c = in.read();
            }
            if (c < 0) {
                return null;
            }
            rowStartLine = line;
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean fieldStart = true;
            while (true) {
                if (c < 0) {
                    if (quoted) {
                        throw new DataFormatException(file, rowStartLine, "unclosed quote at end of file");
                    }
                    row.add(field.toString());
                    return row;
                }
                if (quoted) {
                    if (c == '"') {
                        int d = in.read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == '"' && fieldStart) {
                    quoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                    fieldStart = true;
                    c = in.read();
                    continue;
                } else if (c == '\n' || c == '\r') {
                    row.add(field.toString());
                    if (c == '\n') {
                        line++;
                    }
                    return row;
                } else {
                    field.append((char) c);
                }
                fieldStart = false;
                c = in.read();
            }
        } catch (MalformedInputException e) {
            throw new DataFormatException(file, line, "invalid UTF-8; expected UTF-8 text");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
