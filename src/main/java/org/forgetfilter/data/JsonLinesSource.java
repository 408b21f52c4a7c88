package org.forgetfilter.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.forgetfilter.io.Json;

/**
 * JSON Lines: one record per line, read as bytes and decoded line by line so that invalid UTF-8 is reported
 * at its own line. Blank lines are allowed and ignored. Memory holds one line at a time.
 */
final class JsonLinesSource extends RawRecordSource {
    private final InputStream in;
    private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream(1 << 12);
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long lineNumber;
    /** Longest line kept in memory; longer lines are reported, not parsed. */
    static final int MAX_LINE_BYTES = 64 << 20;
    private boolean overlong;

    JsonLinesSource(Path file, InputStream in) {
        super(file);
        this.in = in;
    }

    @Override
    RawRecord next() throws IOException {
        while (true) {
            lineBytes.reset();
            boolean terminated = readLine();
            if (!terminated && lineBytes.size() == 0) {
                return null;
            }
            lineNumber++;
            if (overlong) {
                return new RawRecord(lineNumber, null, null, "line is longer than " + (MAX_LINE_BYTES >> 20)
                        + " MiB; expected one record per line (is this a JSON Lines file?)");
            }
            byte[] bytes = lineBytes.toByteArray();
            int n = bytes.length;
            if (n > 0 && bytes[n - 1] == '\r') {
                n--;
            }
            ByteBuffer in8 = ByteBuffer.wrap(bytes, 0, n);
            CharBuffer out16 = CharBuffer.allocate(n);
            decoder.reset();
            CoderResult result = decoder.decode(in8, out16, true);
            if (!result.isError()) {
                result = decoder.flush(out16);
            }
            if (result.isError()) {
                return new RawRecord(lineNumber, null, null, String.format(Locale.ROOT,
                        "invalid UTF-8 (byte 0x%02X at byte %d of the line); expected UTF-8 text",
                        bytes[in8.position()] & 0xFF, in8.position() + 1));
            }
            String text = out16.flip().toString();
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(text);
                return RawRecord.parsed(lineNumber, text, node);
            } catch (StreamConstraintsException e) {
                return new RawRecord(lineNumber, null, null, tooLarge(e));
            } catch (JsonProcessingException e) {
                String hint = terminated ? "" : " (last line has no line end: the file may be truncated)";
                String column = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
                return new RawRecord(lineNumber, text, null, "malformed JSON: " + e.getOriginalMessage()
                        + column + "; expected one JSON object per line" + hint);
            }
        }
    }

    /**
     * Reads up to and excluding the next '\n'; returns whether a '\n' ended the line. A line longer than
     * {@link #MAX_LINE_BYTES} is read to its end but not kept ({@link #overlong}).
     */
    private boolean readLine() throws IOException {
        overlong = false;
        try {
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return false;
                    }
                }
                for (int i = pos; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        keep(pos, i - pos);
                        pos = i + 1;
                        return true;
                    }
                }
                keep(pos, limit - pos);
                pos = limit;
            }
        } catch (IOException e) {
            throw new DataFormatException(file, lineNumber + 1, "cannot read (corrupt or truncated file?): "
                    + e.getMessage(), e);
        }
    }

    private void keep(int from, int length) {
        if (overlong || lineBytes.size() + (long) length > MAX_LINE_BYTES) {
            overlong = true;
            lineBytes.reset();
            lineBytes.write('x'); // not empty: the line exists even at the end of the file
            return;
        }
        lineBytes.write(buffer, from, length);
    }

    /** The message for a record beyond the parser's limits, whose exception carries no location. */
    static String tooLarge(JsonProcessingException e) {
        return "record too large or too deeply nested to parse (" + e.getOriginalMessage().replaceAll(
                ", from `StreamReadConstraints[^`]*`", "") + "); expected a finetuning example of ordinary size";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
