package org.forgetfilter.data.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/**
 * Serialises template values as Python's {@code json.dumps(x, ensure_ascii=False, indent=indent)} does, which is
 * what transformers' {@code tojson} filter calls: separators {@code ", "} and {@code ": "} on one line, {@code ","}
 * and {@code ": "} with an indent; non-ASCII characters as they are; keys in insertion order.
 */
final class PythonJson {
    private PythonJson() {
    }

    /** {@code indent} below zero means one line (Python's {@code indent=None}). */
    static String dumps(Object value, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Number n) {
            sb.append(number(n));
        } else if (v instanceof CharSequence || v instanceof Character) {
            string(sb, v.toString());
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                separator(sb, first, indent, depth + 1);
                first = false;
                string(sb, key(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), indent, depth + 1);
            }
            close(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof Iterable<?> list) {
            Iterator<?> it = list.iterator();
            if (!it.hasNext()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            while (it.hasNext()) {
                separator(sb, first, indent, depth + 1);
                first = false;
                write(sb, it.next(), indent, depth + 1);
            }
            close(sb, indent, depth);
            sb.append(']');
        } else if (v instanceof Object[] array) {
            write(sb, java.util.Arrays.asList(array), indent, depth);
        } else {
            string(sb, v.toString());
        }
    }

    private static void separator(StringBuilder sb, boolean first, int indent, int depth) {
        if (indent >= 0) {
            sb.append(first ? "\n" : ",\n").append(" ".repeat(indent * depth));
        } else if (!first) {
            sb.append(", ");
        }
    }

    private static void close(StringBuilder sb, int indent, int depth) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /** Python turns non-string keys into strings: True -> "true", None -> "null", numbers as written. */
    private static String key(Object k) {
        if (k == null) {
            return "null";
        }
        if (k instanceof Boolean b) {
            return b ? "true" : "false";
        }
        return k instanceof Number n ? number(n) : k.toString();
    }

    /** Python's repr of an int or float (float('inf') and nan as json.dumps writes them). */
    static String number(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger) {
            return n.toString();
        }
        if (n instanceof BigDecimal d) {
            return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(1e16)) < 0
                    ? d.toBigInteger() + ".0" : number(d.doubleValue());
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return floatRepr(d);
    }

    /** repr(float): the shortest round-trip digits, positional for exponents -5..15, else d.ddde+XX. */
    static String floatRepr(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent >= -5 && exponent < 16) {
            String plain = shortest.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = shortest.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(exponent));
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
