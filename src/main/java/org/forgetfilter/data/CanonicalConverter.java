package org.forgetfilter.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Rewrites a file of any {@link Format} as canonical JSON Lines, streaming. On a read error the output is not
 * created (the writer is never committed).
 */
public final class CanonicalConverter {
    private CanonicalConverter() {
    }

    /** What a conversion did. */
    public record Result(long written, Format format, InvalidRecords invalid) {
    }

    public static Result convert(Path input, Format format, boolean skipInvalid, Path output) throws IOException {
        try (ExampleReader reader = ExampleReader.open(input, format, skipInvalid);
             ExampleWriter writer = ExampleWriter.create(output)) {
            for (Example e; (e = reader.next()) != null; ) {
                writer.write(e);
            }
            writer.commit();
            return new Result(writer.written(), reader.format(), reader.invalid());
        }
    }
}
