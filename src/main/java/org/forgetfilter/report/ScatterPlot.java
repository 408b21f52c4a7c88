package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Points (x, y) in labelled series, each with its own colour and marker shape, and an optional diagonal
 * y = x (e.g. score under M1 against score under M2: points below the diagonal were forgotten). With the
 * diagonal both axes share one range, so the diagonal runs corner to corner.
 */
public final class ScatterPlot extends Chart<ScatterPlot> {
    private record Series(String label, double[] xs, double[] ys) {
    }

    private final List<Series> series = new ArrayList<>();
    private boolean diagonal;

    public ScatterPlot series(String label, double[] xs, double[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("series '" + label + "' has " + xs.length + " x values but "
                    + ys.length + " y values");
        }
        series.add(new Series(label == null ? "" : label, xs.clone(), ys.clone()));
        return this;
    }

    public ScatterPlot diagonal(boolean diagonal) {
        this.diagonal = diagonal;
        return this;
    }

    private static boolean drawable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y);
    }

    /** Points with a NaN or infinite coordinate; each such point counts once. */
    @Override
    public int skippedValues() {
        int n = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (!drawable(s.xs()[i], s.ys()[i])) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public String toSvg() {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        int points = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (drawable(s.xs()[i], s.ys()[i])) {
                    xMin = Math.min(xMin, s.xs()[i]);
                    xMax = Math.max(xMax, s.xs()[i]);
                    yMin = Math.min(yMin, s.ys()[i]);
                    yMax = Math.max(yMax, s.ys()[i]);
                    points++;
                }
            }
        }
        if (points == 0) {
            xMin = yMin = Double.NaN;
            xMax = yMax = Double.NaN;
        } else if (diagonal) {
            xMin = yMin = Math.min(xMin, yMin);
            xMax = yMax = Math.max(xMax, yMax);
        }
        LinearScale y0 = LinearScale.covering(yMin, yMax, 6, 0, 1);
        List<LegendEntry> legend = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            legend.add(new LegendEntry(series.get(s).label(), colour(s, series.get(s).label()), LegendEntry.Kind.MARKER, s));
        }
        int skipped = skippedValues();
        PlotArea area = layout(legend, maxLabelWidth(y0), skipped > 0, 0);
        LinearScale y = y0.withPixels(area.bottom() - INSET, area.top() + INSET);
        LinearScale x = LinearScale.covering(xMin, xMax, 8, area.left() + INSET, area.right() - INSET);
        if (diagonal) {
            // Same ticks on both axes: take the wider of the two nice ranges.
            double lo = Math.min(x.lo(), y.lo());
            double hi = Math.max(x.hi(), y.hi());
            x = LinearScale.covering(lo, hi, 8, area.left() + INSET, area.right() - INSET);
            y = LinearScale.covering(lo, hi, 6, area.bottom() - INSET, area.top() + INSET);
        }

        Svg svg = new Svg(width(), height(), title().isEmpty() ? "Scatter plot" : title());
        drawFrame(svg, area, y, skipped, null);
        drawXTicks(svg, area, x);
        if (diagonal) {
            double lo = Math.max(x.lo(), y.lo());
            double hi = Math.min(x.hi(), y.hi());
            svg.line("diagonal", x.pixel(lo), y.pixel(lo), x.pixel(hi), y.pixel(hi), "#777777", 1.2, "5 4");
            // Above-left of the line end, so the label never crosses the line.
            svg.text("diagonal-label", x.pixel(hi) - 10, y.pixel(hi) + 4, "y = x", "end", 11, MUTED, 0, false);
        }
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            svg.openGroup("series", ser.label());
            for (int i = 0; i < ser.xs().length; i++) {
                if (drawable(ser.xs()[i], ser.ys()[i])) {
                    Marker.draw(svg, s, x.pixel(ser.xs()[i]), y.pixel(ser.ys()[i]), 3.5, colour(s, series.get(s).label()));
                }
            }
            svg.closeGroup();
        }
        if (points == 0) {
            drawNoData(svg, area);
        }
        drawLegend(svg, area, legend);
        return svg.finish();
    }
}
