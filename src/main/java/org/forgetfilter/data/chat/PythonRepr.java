package org.forgetfilter.data.chat;

import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, which is how Jinja2 prints {@code {{ value }}}:
 * True/False, lists and dicts in repr form with single-quoted strings. A missing value prints as nothing, as an
 * undefined variable does in Jinja2 (Jinjava does not tell undefined from None, and undefined is what templates
 * print: the special tokens a tokenizer lacks).
 */
final class PythonRepr {
    private PythonRepr() {
    }

    static String str(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof CharSequence s) {
            return s.toString();
        }
        return repr(v);
    }

    static String repr(Object v) {
        StringBuilder sb = new StringBuilder();
        repr(sb, v);
        return sb.toString();
    }

    private static void repr(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("None");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "True" : "False");
        } else if (v instanceof Number n) {
            sb.append(PythonJson.number(n));
        } else if (v instanceof CharSequence || v instanceof Character) {
            quoted(sb, v.toString());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ");
                first = false;
                repr(sb, e.getKey());
                sb.append(": ");
                repr(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> list) {
            sb.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                repr(sb, it.next());
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    /** repr(str): single quotes unless the text has a single quote and no double quote. */
    private static void quoted(StringBuilder sb, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append(q);
    }
}
