package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A table of strings and numbers for an HTML report. Numbers are right-aligned and formatted with a fixed
 * number of decimals per column (integers as integers); NaN and infinities show as "n/a". A column can mark its
 * best value (highest or lowest; ties all marked).
 *
 * <pre>{@code
 * new Table("method", "unsafe rate", "task score").row("ForgetFilter", 0.04, 0.81).highlightBest(1, false);
 * }</pre>
 */
public final class Table {
    private final List<String> headers;
    private final List<List<Object>> rows = new ArrayList<>();
    private final Map<Integer, Integer> decimalsByColumn = new HashMap<>();
    private final Map<Integer, Boolean> best = new HashMap<>();
    private int decimals = 3;
    private String caption = "";

    public Table(List<String> headers) {
        if (headers.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = List.copyOf(headers);
    }

    public Table(String... headers) {
        this(List.of(headers));
    }

    /** Adds a row; each cell is a String, a Number or null (empty). */
    public Table row(Object... cells) {
        return row(java.util.Arrays.asList(cells.clone()));
    }

    public Table row(List<?> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("table row " + (rows.size() + 1) + " has " + cells.size()
                    + " cells, expected " + headers.size() + " (" + String.join(", ", headers) + ")");
        }
        rows.add(new ArrayList<>(cells));
        return this;
    }

    /** Decimals for every numeric column without its own setting (default 3). */
    public Table decimals(int decimals) {
        this.decimals = decimals;
        return this;
    }

    public Table decimals(int column, int decimals) {
        checkColumn(column);
        decimalsByColumn.put(column, decimals);
        return this;
    }

    /** Marks the highest (or lowest) finite number in the column. */
    public Table highlightBest(int column, boolean higherIsBetter) {
        checkColumn(column);
        best.put(column, higherIsBetter);
        return this;
    }

    public Table caption(String caption) {
        this.caption = caption == null ? "" : caption;
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    private void checkColumn(int column) {
        if (column < 0 || column >= headers.size()) {
            throw new IllegalArgumentException("column " + column + " does not exist; the table has "
                    + headers.size() + " columns");
        }
    }

    /**
     * A text cell that shows its first {@code shown} characters and folds the rest into a {@code <details>}
     * element (the whole text, escaped), so long prompts do not stretch a table.
     */
    public record Folded(String text, int shown) {
    }

    /** The cell as displayed. */
    String format(int column, Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Integer || cell instanceof Long || cell instanceof Short || cell instanceof Byte) {
            return cell.toString();
        }
        if (cell instanceof Number n) {
            double v = n.doubleValue();
            if (!Double.isFinite(v)) {
                return "n/a";
            }
            int d = decimalsByColumn.getOrDefault(column, decimals);
            return String.format(Locale.ROOT, "%." + d + "f", v);
        }
        return cell.toString();
    }

    private double bestValue(int column) {
        Boolean higher = best.get(column);
        if (higher == null) {
            return Double.NaN;
        }
        double b = Double.NaN;
        for (List<Object> row : rows) {
            if (row.get(column) instanceof Number n && Double.isFinite(n.doubleValue())) {
                double v = n.doubleValue();
                if (Double.isNaN(b) || (higher ? v > b : v < b)) {
                    b = v;
                }
            }
        }
        return b;
    }

    /** The table as an HTML fragment. */
    public String toHtml() {
        double[] bests = new double[headers.size()];
        for (int c = 0; c < headers.size(); c++) {
            bests[c] = bestValue(c);
        }
        StringBuilder out = new StringBuilder();
        out.append("<div class=\"table-wrap\"><table>\n");
        if (!caption.isEmpty()) {
            out.append("<caption>").append(Markup.escape(caption)).append("</caption>\n");
        }
        out.append("<thead><tr>");
        for (int c = 0; c < headers.size(); c++) {
            out.append("<th").append(numericColumn(c) ? " class=\"num\"" : "").append('>')
                    .append(Markup.escape(headers.get(c)));
            if (best.containsKey(c)) {
                out.append(best.get(c) ? " \u2191" : " \u2193");
            }
            out.append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : rows) {
            out.append("<tr>");
            for (int c = 0; c < headers.size(); c++) {
                Object cell = row.get(c);
                boolean number = cell instanceof Number;
                boolean isBest = number && !Double.isNaN(bests[c]) && ((Number) cell).doubleValue() == bests[c];
                String cls = (number ? "num" : "") + (isBest ? (number ? " " : "") + "best" : "");
                out.append("<td").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append('>');
                String text = cell instanceof Folded f ? folded(f) : Markup.escape(format(c, cell));
                out.append(isBest ? "<strong>" + text + "</strong>" : text).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table></div>\n");
        return out.toString();
    }

    private static String folded(Folded f) {
        String t = f.text() == null ? "" : f.text();
        if (t.length() <= f.shown()) {
            return Markup.escape(t);
        }
        return "<details><summary>" + Markup.escape(t.substring(0, f.shown()) + "\u2026") + "</summary>"
                + Markup.escape(t) + "</details>";
    }

    private boolean numericColumn(int column) {
        boolean any = false;
        for (List<Object> row : rows) {
            Object cell = row.get(column);
            if (cell instanceof Number) {
                any = true;
            } else if (cell != null) {
                return false;
            }
        }
        return any;
    }
}
