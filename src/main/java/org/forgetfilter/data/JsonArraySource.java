package org.forgetfilter.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.forgetfilter.io.Json;

/**
 * A file holding one JSON array of records, streamed element by element. The exact source text of each element
 * is cut from the bytes the parser consumed (kept only from the current element on), so memory holds one
 * element, not the file. Syntax errors cannot be skipped here: a parser cannot resynchronise inside an array.
 */
final class JsonArraySource extends RawRecordSource {
    /** Reads one element; the trailing-token check of the shared mapper would look past it. */
    private static final ObjectReader ELEMENT_READER =
            Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final RecordingInputStream recorder;
    private final JsonParser parser;
    private boolean ended;
    private long elements;

    JsonArraySource(Path file, InputStream in) throws IOException {
        super(file);
        this.recorder = new RecordingInputStream(in);
        this.parser = Json.MAPPER.createParser(recorder);
        JsonToken first = step();
        if (first != JsonToken.START_ARRAY) {
            throw new DataFormatException(file, 1, "expected a JSON array");
        }
    }

    @Override
    RawRecord next() throws IOException {
        if (ended) {
            return null;
        }
        JsonToken token = step();
        if (token == null) {
            throw new DataFormatException(file, parser.currentLocation().getLineNr(),
                    "JSON array is not closed; the file may be truncated");
        }
        if (token == JsonToken.END_ARRAY) {
            ended = true;
            if (step() != null) {
                throw new DataFormatException(file, parser.currentTokenLocation().getLineNr(),
                        "unexpected content after the closing ']' of the JSON array");
            }
            if (elements == 0) {
                throw new DataFormatException(file, 0, "empty JSON array; expected at least one record");
            }
            return null;
        }
        elements++;
        long start = parser.currentTokenLocation().getByteOffset();
        long line = parser.currentTokenLocation().getLineNr();
        recorder.discardBefore(start);
        JsonNode node;
        try {
            node = ELEMENT_READER.readTree(parser);
        } catch (JsonProcessingException e) {
            throw fatal(e);
        }
        long end = parser.currentLocation().getByteOffset();
        return RawRecord.parsed(line, recorder.text(start, end), node);
    }

    private JsonToken step() throws IOException {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw fatal(e);
        }
    }

    private DataFormatException fatal(JsonProcessingException e) {
        long line = e.getLocation() != null ? e.getLocation().getLineNr() : parser.currentLocation().getLineNr();
        if (e instanceof StreamConstraintsException) {
            return new DataFormatException(file, line, JsonLinesSource.tooLarge(e) + " (errors inside a JSON array "
                    + "cannot be skipped)", e);
        }
        String problem = e.getOriginalMessage();
        String what = problem.contains("UTF-8") || problem.contains("UTF8") ? "invalid UTF-8: " : "malformed JSON: ";
        return new DataFormatException(file, line, what + problem + "; expected a JSON array of objects "
                + "(errors inside a JSON array cannot be skipped)", e);
    }

    @Override
    public void close() throws IOException {
        parser.close();
        recorder.close();
    }

    /** Passes bytes through to the parser and keeps those from a chosen offset on, to cut element text from. */
    private static final class RecordingInputStream extends InputStream {
        private final InputStream in;
        private byte[] kept = new byte[1 << 16];
        private long keptFrom;
        private int keptLength;

        RecordingInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (keptLength + n > kept.length) {
                    kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + n));
                }
                System.arraycopy(b, off, kept, keptLength, n);
                keptLength += n;
            }
            return n;
        }

        void discardBefore(long offset) {
            int drop = (int) (offset - keptFrom);
            System.arraycopy(kept, drop, kept, 0, keptLength - drop);
            keptLength -= drop;
            keptFrom = offset;
        }

        String text(long start, long end) {
            return new String(kept, (int) (start - keptFrom), (int) (end - start), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
