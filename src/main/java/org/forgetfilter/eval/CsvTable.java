package org.forgetfilter.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.CsvReader;

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
        List<Row> records = new ArrayList<>();
        try (CsvReader csv = new CsvReader(file)) {
            List<String> fields;
            while ((fields = csv.next()) != null) {
                records.add(new Row((int) csv.rowLine(), List.copyOf(fields)));
            }
        }
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
}
