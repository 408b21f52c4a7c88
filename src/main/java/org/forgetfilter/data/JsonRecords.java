package org.forgetfilter.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Streams the raw JSON records of a file in no particular {@link Format} (JSON Lines or a JSON array, optionally
 * {@code .gz}), strictly: the first malformed record fails with file and line. Used by the dataset builders to
 * read source-specific schemas (BBQ, hh-rlhf, ...).
 */
public final class JsonRecords {
    private JsonRecords() {
    }

    /** Receives one record. */
    @FunctionalInterface
    public interface Visitor {
        void accept(long line, JsonNode record) throws IOException;
    }

    /** Calls the visitor for each record in file order; returns the number of records. */
    public static long forEach(Path file, Visitor visitor) throws IOException {
        long n = 0;
        try (RawRecordSource source = RawRecordSource.open(file)) {
            for (RawRecord r; (r = source.next()) != null; ) {
                if (r.error() != null) {
                    throw new DataFormatException(file, r.line(), r.error());
                }
                visitor.accept(r.line(), r.node());
                n++;
            }
        }
        return n;
    }
}
