package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bars: one group per category on the x axis (e.g. a metric or a method), one bar per series inside
 * each group, each bar labelled with its value. Optional error bars, either symmetric (e.g. standard
 * deviation over seeds) or as a low-high interval (e.g. the spread of seeds). The y axis always includes 0.
 */
public final class BarChart extends Chart<BarChart> {
    private record Series(String label, double[] values, double[] low, double[] high) {
    }

    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private int decimals = 2;
    private boolean valueLabels = true;

    public BarChart(List<String> categories) {
        this.categories = List.copyOf(categories);
    }

    public BarChart(String... categories) {
        this(List.of(categories));
    }

    public BarChart series(String label, double[] values) {
        return add(label, values, null, null);
    }

    /** Bars with symmetric error bars value +- error. */
    public BarChart series(String label, double[] values, double[] errors) {
        check(label, errors);
        double[] low = new double[values.length];
        double[] high = new double[values.length];
        for (int i = 0; i < values.length && i < errors.length; i++) {
            low[i] = values[i] - Math.abs(errors[i]);
            high[i] = values[i] + Math.abs(errors[i]);
        }
        return add(label, values, low, high);
    }

    /** Bars with an error interval [low, high] each (e.g. the minimum and maximum over seeds). */
    public BarChart series(String label, double[] values, double[] low, double[] high) {
        check(label, low);
        check(label, high);
        return add(label, values, low.clone(), high.clone());
    }

    private void check(String label, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("series '" + label + "' has " + values.length + " values for "
                    + categories.size() + " categories");
        }
    }

    private BarChart add(String label, double[] values, double[] low, double[] high) {
        check(label, values);
        series.add(new Series(label == null ? "" : label, values.clone(), low, high));
        return this;
    }

    /** Decimals of the value labels above the bars (default 2). */
    public BarChart decimals(int decimals) {
        this.decimals = decimals;
        return this;
    }

    public BarChart valueLabels(boolean show) {
        this.valueLabels = show;
        return this;
    }

    @Override
    public int skippedValues() {
        int n = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isFinite(v)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean hasError(Series s, int i) {
        return s.low() != null && Double.isFinite(s.low()[i]) && Double.isFinite(s.high()[i]);
    }

    @Override
    public String toSvg() {
        double yMin = 0;
        double yMax = 0;
        boolean any = false;
        for (Series s : series) {
            for (int i = 0; i < categories.size(); i++) {
                double v = s.values()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                any = true;
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
                if (hasError(s, i)) {
                    yMin = Math.min(yMin, Math.min(s.low()[i], s.high()[i]));
                    yMax = Math.max(yMax, Math.max(s.low()[i], s.high()[i]));
                }
            }
        }
        if (!any) {
            yMax = 1;
        } else if (valueLabels) {
            // Headroom for the value labels above the tallest bar.
            yMax += (yMax - yMin) * 0.08;
        }
        LinearScale y0 = LinearScale.covering(yMin, yMax, 6, 0, 1);
        List<LegendEntry> legend = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            legend.add(new LegendEntry(series.get(s).label(), colour(s, series.get(s).label()), LegendEntry.Kind.BOX, s));
        }
        int skipped = skippedValues();
        PlotArea area = layout(legend, maxLabelWidth(y0), skipped > 0, 14);
        LinearScale y = y0.withPixels(area.bottom(), area.top());

        Svg svg = new Svg(width(), height(), title().isEmpty() ? "Bar chart" : title());
        drawFrame(svg, area, y, skipped, null);
        int groups = Math.max(1, categories.size());
        double groupWidth = area.width() / groups;
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        double labelSize = Math.min(11, Math.max(8, barWidth / (Svg.CHAR_WIDTH * (decimals + 3))));
        double zero = y.pixel(0);
        for (int c = 0; c < categories.size(); c++) {
            double gx = area.left() + c * groupWidth;
            drawCategoryLabel(svg, categories.get(c), gx + groupWidth / 2, area.bottom() + 16, groupWidth);
        }
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String colour = colour(s, series.get(s).label());
            svg.openGroup("series", ser.label());
            for (int c = 0; c < categories.size(); c++) {
                double v = ser.values()[c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double bx = area.left() + c * groupWidth + groupWidth * 0.1 + s * barWidth;
                double py = y.pixel(v);
                svg.openGroup("bar-group", ser.label() + " / " + categories.get(c) + ": " + format(v));
                svg.rect("bar", bx + 1, Math.min(py, zero), barWidth - 2, Math.abs(zero - py), colour, 0.9, null);
                double labelY = v >= 0 ? py - 4 : py + 12;
                if (hasError(ser, c)) {
                    double lo = y.pixel(Math.min(ser.low()[c], ser.high()[c]));
                    double hi = y.pixel(Math.max(ser.low()[c], ser.high()[c]));
                    double cx = bx + barWidth / 2;
                    svg.line("error-bar", cx, lo, cx, hi, TEXT, 1.2, null);
                    svg.line("error-cap", cx - 4, lo, cx + 4, lo, TEXT, 1.2, null);
                    svg.line("error-cap", cx - 4, hi, cx + 4, hi, TEXT, 1.2, null);
                    labelY = v >= 0 ? Math.min(labelY, hi - 4) : Math.max(labelY, lo + 12);
                }
                if (valueLabels) {
                    svg.text("value", bx + barWidth / 2, labelY, format(v), "middle", labelSize, TEXT, 0, false);
                }
                svg.closeGroup();
            }
            svg.closeGroup();
        }
        if (!any) {
            drawNoData(svg, area);
        }
        drawLegend(svg, area, legend);
        return svg.finish();
    }

    private String format(double v) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A category name on one line, or split into two at a space when too wide for its group. */
    private static void drawCategoryLabel(Svg svg, String label, double cx, double y, double maxWidth) {
        int maxChars = Math.max(4, (int) (maxWidth / (11 * Svg.CHAR_WIDTH)));
        if (label.length() <= maxChars) {
            svg.text("category", cx, y, label, "middle", 11, TEXT, 0, false);
            return;
        }
        int split = label.lastIndexOf(' ', Math.min(maxChars, label.length() - 1));
        if (split <= 0) {
            svg.text("category", cx, y, shorten(label, maxChars), "middle", 11, TEXT, 0, false);
            return;
        }
        svg.text("category", cx, y, label.substring(0, split), "middle", 11, TEXT, 0, false);
        svg.text("category", cx, y + 13, shorten(label.substring(split + 1), maxChars), "middle", 11, TEXT, 0,
                false);
    }
}
