package org.forgetfilter.data;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record as found in a file, before it is mapped onto an {@link Example}: its line, exact text, and either
 * the parsed JSON or the reason it could not be parsed.
 */
record RawRecord(long line, String text, JsonNode node, String error) {

    /** A parsed record, or an invalid one when its text is not valid Unicode ({@link LoneSurrogates}). */
    static RawRecord parsed(long line, String text, JsonNode node) {
        String lone = LoneSurrogates.find(node);
        return lone == null ? new RawRecord(line, text, node, null) : new RawRecord(line, text, null, lone);
    }
}
