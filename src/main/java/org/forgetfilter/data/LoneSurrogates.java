package org.forgetfilter.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Finds text that is not valid Unicode: a JSON {@code \}{@code ud800} escape decodes to half of a UTF-16 surrogate
 * pair, which no UTF-8 file can hold, so writing it back would silently turn it into '?'. Records holding one are
 * rejected on read instead.
 */
final class LoneSurrogates {
    private LoneSurrogates() {
    }

    /** A description of the first lone surrogate in the record (field and position), or null when there is none. */
    static String find(JsonNode node) {
        return find(node, "");
    }

    private static String find(JsonNode node, String path) {
        if (node.isTextual()) {
            int at = firstLone(node.textValue());
            return at < 0 ? null : describe(path.isEmpty() ? "the record" : "field '" + path + "'", node.textValue(), at);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = find(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                int at = firstLone(field.getKey());
                if (at >= 0) {
                    return describe("a field name", field.getKey(), at);
                }
                String found = find(field.getValue(), name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Index of the first unpaired surrogate, or -1. */
    static int firstLone(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(String where, String text, int at) {
        return String.format(Locale.ROOT, "%s holds a lone UTF-16 surrogate \\u%04x at character %d, which is not "
                + "valid Unicode; expected text that UTF-8 can hold (fix the escape, or remove the record)",
                where, (int) text.charAt(at), at + 1);
    }
}
