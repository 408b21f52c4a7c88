package org.forgetfilter.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file read whole (RFC 4180: comma separated, fields optionally in double quotes, "" for a quote inside a
 * quoted field, line breaks allowed inside quotes). The first record is the header. Used for the public data sets
 * (CrowS-Pairs, Davidson, Jigsaw samples), which are small enough to hold in memory.
 */
public final class CsvTable {
    private final Path source;
    private final List<String> header;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    /** One record; {@code line} is the 1-based line where it starts, for error messages. */
    public record Row(int line, List<String> fields) {
    }

    private CsvTable(Path source, List<String> header, List<Row> rows) {
        this.source = source;
        this.header = List.copyOf(header);
        Map<String, Integer> cols = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            cols.putIfAbsent(header.get(i), i);
        }
        this.columns = Collections.unmodifiableMap(cols);
        this.rows = List.copyOf(rows);
    }

    public static CsvTable read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> records = parse(text, file);
        if (records.isEmpty()) {
            throw new IOException(file + ": empty CSV, expected a header line");
        }
        return new CsvTable(file, records.get(0).fields(), records.subList(1, records.size()));
    }

    public List<String> header() {
        return header;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The value of {@code column} in {@code row}; fails naming the file and line when absent. */
    public String get(Row row, String column) {
        Integer i = columns.get(column);
        if (i == null) {
            throw new IllegalArgumentException(source + ": no column '" + column + "' (header " + header + ")");
        }
        if (i >= row.fields().size()) {
            throw new IllegalArgumentException(source + " line " + row.line() + ": expected " + header.size()
                    + " fields, found " + row.fields().size());
        }
        return row.fields().get(i);
    }

    static List<Row> parse(String text, Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        int line = 1;
        int recordLine = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"' && field.length() == 0 && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n' || c == '\r') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                if (!(fields.size() == 1 && fields.get(0).isEmpty())) {
                    rows.add(new Row(recordLine, List.copyOf(fields)));
                }
                fields.clear();
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
                recordLine = line;
            } else {
                field.append(c);
                fieldStarted = true;
            }
            i++;
        }
        if (quoted) {
            throw new IOException(file + ": quoted field starting on line " + recordLine + " is never closed");
        }
        if (field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            rows.add(new Row(recordLine, List.copyOf(fields)));
        }
        return rows;
    }
}
