package org.forgetfilter.data.chat;

/**
 * Rewrites a Jinja2 template so that Jinjava, with its own whitespace handling off, renders the text between tags
 * exactly as Jinja2's lexer would with {@code trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False}
 * (jinja2/lexer.py), because Jinjava's versions of these rules differ (it strips spaces before any block tag, not
 * only at the start of a line, and ignores {@code {{-}}).
 *
 * <ul>
 * <li>line breaks become {@code \n}; one line break at the very end of the template is dropped;</li>
 * <li>{@code {%-}, {@code {{-}, {@code {#-} strip all whitespace before the tag; {@code -%}}, {@code -}}},
 *     {@code -#}} all whitespace after it;</li>
 * <li>lstrip_blocks: spaces and tabs between the start of a line and a block or comment tag are removed unless
 *     the tag opens with {@code {%+};</li>
 * <li>trim_blocks: the first {@code \n} after a block or comment tag is removed unless it closes with
 *     {@code +%}};</li>
 * <li>comments are dropped, {@code {% raw %}} bodies copied as they are;</li>
 * <li>each {@code {{ expr }}} becomes {@code {{ (expr)|py_str }}}, so that values print as Python's {@code str()}
 *     does (True, False, lists and dicts in repr form).</li>
 * </ul>
 * The whitespace-control markers are removed from the tags handed on.
 */
final class Jinja2Source {
    /** The filter that prints a value as Jinja2 does; registered by {@link TransformersJinja}. */
    static final String OUTPUT_FILTER = "py_str";

    private final String src;
    private final StringBuilder out = new StringBuilder();
    private int pos;
    /** Whether the text that follows starts a line (Jinja2's {@code line_starting}). */
    private boolean lineStarting = true;
    /** Text read but not yet written: a tag that follows may still strip its end. */
    private final StringBuilder pending = new StringBuilder();

    private Jinja2Source(String source) {
        this.src = normalizeNewlines(source);
    }

    /** The rewritten template. */
    static String rewrite(String source) {
        Jinja2Source s = new Jinja2Source(source);
        s.run();
        return s.out.toString();
    }

    private static String normalizeNewlines(String s) {
        String n = s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private void run() {
        while (pos < src.length()) {
            int start = nextTagStart(pos);
            if (start < 0) {
                pending.append(src, pos, src.length());
                pos = src.length();
                break;
            }
            pending.append(src, pos, start);
            char kind = src.charAt(start + 1);
            int bodyStart = start + 2;
            char marker = bodyStart < src.length() ? src.charAt(bodyStart) : 0;
            if (marker == '-' || marker == '+') {
                bodyStart++;
            } else {
                marker = 0;
            }
            if (marker == '-') {
                stripTrailingWhitespace(pending);
            } else if (marker != '+' && kind != '{') {
                lstrip(pending);
            }
            flushText();
            if (kind == '#') {
                comment(start, bodyStart);
            } else if (kind == '%') {
                block(start, bodyStart);
            } else {
                variable(start, bodyStart);
            }
        }
        flushText();
    }

    private int nextTagStart(int from) {
        for (int i = from; i + 1 < src.length(); i++) {
            if (src.charAt(i) == '{') {
                char c = src.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
        }
        return -1;
    }

    /** lstrip_blocks: drop spaces between the last line start and the tag when nothing else is there. */
    private void lstrip(StringBuilder text) {
        int lineStart = text.lastIndexOf("\n") + 1;
        if (lineStart == 0 && !lineStarting) {
            return;
        }
        for (int i = lineStart; i < text.length(); i++) {
            if (!isSpace(text.charAt(i))) {
                return;
            }
        }
        text.setLength(lineStart);
    }

    private void flushText() {
        out.append(pending);
        pending.setLength(0);
    }

    private void comment(int start, int bodyStart) {
        int end = src.indexOf("#}", bodyStart);
        if (end < 0) {
            throw new ChatTemplateException("missing end of comment tag (#}) for the comment at character " + start);
        }
        char before = src.charAt(end - 1);
        pos = end + 2;
        afterBlockEnd(end - 1 >= bodyStart ? before : 0);
    }

    private void block(int start, int bodyStart) {
        int end = tagEnd(bodyStart, "%}");
        if (end < 0) {
            throw new ChatTemplateException("missing end of block tag (%}) for the tag at character " + start);
        }
        char marker = src.charAt(end - 1);
        int bodyEnd = marker == '-' || marker == '+' ? end - 1 : end;
        if (bodyEnd < bodyStart) {
            bodyEnd = bodyStart;
        }
        String body = src.substring(bodyStart, bodyEnd);
        out.append("{%").append(body).append("%}");
        pos = end + 2;
        if (body.strip().equals("raw")) {
            // Jinja2's raw opening tag trims no newline (its rule has no trim_blocks suffix).
            lineStarting = false;
            if (marker == '-') {
                skipWhitespace();
            }
            raw(start);
            return;
        }
        afterBlockEnd(bodyEnd < end ? marker : 0);
    }

    /** Copies a raw body up to {@code {% endraw %}}, with the same stripping rules at its end tag. */
    private void raw(int start) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}")
                .matcher(src);
        if (!m.find(pos)) {
            throw new ChatTemplateException("missing {% endraw %} for the raw block at character " + start);
        }
        pending.append(src, pos, m.start());
        if (m.group(1).equals("-")) {
            stripTrailingWhitespace(pending);
        } else if (!m.group(1).equals("+")) {
            lstrip(pending);
        }
        flushText();
        out.append("{% endraw %}");
        pos = m.end();
        String closing = m.group(2);
        afterBlockEnd(closing.isEmpty() ? 0 : closing.charAt(0));
    }

    private void variable(int start, int bodyStart) {
        int end = tagEnd(bodyStart, "}}");
        if (end < 0) {
            throw new ChatTemplateException("missing end of expression (}}) for the expression at character " + start);
        }
        boolean strip = src.charAt(end - 1) == '-' && end - 1 >= bodyStart;
        String body = separateClosingBraces(src.substring(bodyStart, strip ? end - 1 : end));
        out.append("{{ (").append(body).append(")|").append(OUTPUT_FILTER).append(" }}");
        pos = end + 2;
        lineStarting = false;
        if (strip) {
            skipWhitespace();
        }
    }

    /** After {@code %}} or {@code #}}: {@code -} strips all whitespace, {@code +} nothing, else one newline. */
    private void afterBlockEnd(char marker) {
        lineStarting = false;
        if (marker == '-') {
            skipWhitespace();
        } else if (marker != '+' && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
            lineStarting = true;
        }
    }

    private void skipWhitespace() {
        int from = pos;
        while (pos < src.length() && isSpace(src.charAt(pos))) {
            pos++;
        }
        if (pos > from && src.charAt(pos - 1) == '\n') {
            lineStarting = true;
        }
    }

    /**
     * Where {@code close} ends a tag whose body starts at {@code from}: outside string literals and outside
     * brackets opened within the tag (Jinja2's lexer balances them, so {@code {{ {'a': {'b': 1}} }}} is one tag).
     */
    private int tagEnd(int from, String close) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < src.length(); i++) {
            char c = src.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (depth == 0 && src.startsWith(close, i)) {
                return i;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth = Math.max(0, depth - 1);
                default -> {
                }
            }
        }
        return -1;
    }

    /** Jinjava ends an expression at the first "}}" outside quotes, even inside a dict literal: write "} }". */
    private static String separateClosingBraces(String body) {
        StringBuilder sb = new StringBuilder(body.length() + 4);
        char quote = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            sb.append(c);
            if (quote != 0) {
                if (c == '\\' && i + 1 < body.length()) {
                    sb.append(body.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static void stripTrailingWhitespace(StringBuilder text) {
        int n = text.length();
        while (n > 0 && isSpace(text.charAt(n - 1))) {
            n--;
        }
        text.setLength(n);
    }

    /** Python's str.isspace for one character. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
