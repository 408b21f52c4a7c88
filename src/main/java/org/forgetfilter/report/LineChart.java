package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Curves over x in labelled series (e.g. mean score against safety steps, one curve per label), with optional
 * symmetric errors drawn as a translucent band or as error bars. Points are drawn in increasing x; points with
 * a NaN or infinite x or y are skipped (and counted), a NaN error just draws no error for that point.
 */
public final class LineChart extends Chart<LineChart> {
    /** How errors are drawn. */
    public enum ErrorStyle { BAND, BARS }

    private record Series(String label, double[] xs, double[] ys, double[] errors) {
    }

    private final List<Series> series = new ArrayList<>();
    private ErrorStyle errorStyle = ErrorStyle.BAND;
    private boolean includeZero;

    public LineChart series(String label, double[] xs, double[] ys) {
        return series(label, xs, ys, null);
    }

    /** A curve with symmetric errors (e.g. standard deviation over seeds); errors may be null. */
    public LineChart series(String label, double[] xs, double[] ys, double[] errors) {
        if (xs.length != ys.length || (errors != null && errors.length != xs.length)) {
            throw new IllegalArgumentException("series '" + label + "' has " + xs.length + " x values, "
                    + ys.length + " y values and " + (errors == null ? "no" : errors.length) + " errors");
        }
        series.add(new Series(label == null ? "" : label, xs.clone(), ys.clone(),
                errors == null ? null : errors.clone()));
        return this;
    }

    public LineChart errorStyle(ErrorStyle style) {
        this.errorStyle = style;
        return this;
    }

    /** Makes the y axis start at (or include) zero, for quantities where zero is the natural baseline. */
    public LineChart includeZero(boolean includeZero) {
        this.includeZero = includeZero;
        return this;
    }

    @Override
    public int skippedValues() {
        int n = 0;
        for (Series s : series) {
            n += s.xs().length - drawn(s).length;
        }
        return n;
    }

    /** Indices of the drawable points of a series, in increasing x. */
    private static Integer[] drawn(Series s) {
        return java.util.stream.IntStream.range(0, s.xs().length)
                .filter(i -> Double.isFinite(s.xs()[i]) && Double.isFinite(s.ys()[i]))
                .boxed()
                .sorted(Comparator.comparingDouble(i -> s.xs()[i]))
                .toArray(Integer[]::new);
    }

    private static double error(Series s, int i) {
        if (s.errors() == null || !Double.isFinite(s.errors()[i])) {
            return 0;
        }
        return Math.abs(s.errors()[i]);
    }

    @Override
    public String toSvg() {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = includeZero ? 0 : Double.POSITIVE_INFINITY;
        double yMax = includeZero ? 0 : Double.NEGATIVE_INFINITY;
        int points = 0;
        for (Series s : series) {
            for (int i : drawn(s)) {
                double e = error(s, i);
                xMin = Math.min(xMin, s.xs()[i]);
                xMax = Math.max(xMax, s.xs()[i]);
                yMin = Math.min(yMin, s.ys()[i] - e);
                yMax = Math.max(yMax, s.ys()[i] + e);
                points++;
            }
        }
        if (points == 0) {
            xMin = xMax = Double.NaN;
            if (!includeZero) {
                yMin = yMax = Double.NaN;
            }
        }
        LinearScale y0 = LinearScale.covering(yMin, yMax, 6, 0, 1);
        List<LegendEntry> legend = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            legend.add(new LegendEntry(series.get(s).label(), colour(s, series.get(s).label()), LegendEntry.Kind.LINE, s));
        }
        int skipped = skippedValues();
        PlotArea area = layout(legend, maxLabelWidth(y0), skipped > 0, 0);
        LinearScale y = y0.withPixels(area.bottom() - INSET, area.top() + INSET);
        LinearScale x = LinearScale.covering(xMin, xMax, 8, area.left() + INSET, area.right() - INSET);

        Svg svg = new Svg(width(), height(), title().isEmpty() ? "Line chart" : title());
        drawFrame(svg, area, y, skipped, null);
        drawXTicks(svg, area, x);
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            Integer[] idx = drawn(ser);
            String colour = colour(s, series.get(s).label());
            svg.openGroup("series", ser.label());
            if (ser.errors() != null && errorStyle == ErrorStyle.BAND && idx.length > 1) {
                double[] band = new double[4 * idx.length];
                for (int k = 0; k < idx.length; k++) {
                    int i = idx[k];
                    band[2 * k] = x.pixel(ser.xs()[i]);
                    band[2 * k + 1] = y.pixel(ser.ys()[i] + error(ser, i));
                    int back = 2 * (2 * idx.length - 1 - k);
                    band[back] = x.pixel(ser.xs()[i]);
                    band[back + 1] = y.pixel(ser.ys()[i] - error(ser, i));
                }
                svg.path("error-band", band, true, colour, 0.18, null, 0);
            }
            if (ser.errors() != null && (errorStyle == ErrorStyle.BARS || idx.length == 1)) {
                for (int i : idx) {
                    double e = error(ser, i);
                    if (e > 0) {
                        double px = x.pixel(ser.xs()[i]);
                        svg.line("error-bar", px, y.pixel(ser.ys()[i] - e), px, y.pixel(ser.ys()[i] + e), colour,
                                1.5, null);
                        svg.line("error-cap", px - 4, y.pixel(ser.ys()[i] - e), px + 4, y.pixel(ser.ys()[i] - e),
                                colour, 1.5, null);
                        svg.line("error-cap", px - 4, y.pixel(ser.ys()[i] + e), px + 4, y.pixel(ser.ys()[i] + e),
                                colour, 1.5, null);
                    }
                }
            }
            double[] curve = new double[2 * idx.length];
            for (int k = 0; k < idx.length; k++) {
                curve[2 * k] = x.pixel(ser.xs()[idx[k]]);
                curve[2 * k + 1] = y.pixel(ser.ys()[idx[k]]);
            }
            if (idx.length > 1) {
                svg.path("line", curve, false, null, 1, colour, 2.2);
            }
            for (int k = 0; k < idx.length; k++) {
                Marker.draw(svg, s, curve[2 * k], curve[2 * k + 1], 3.5, colour);
            }
            svg.closeGroup();
        }
        if (points == 0) {
            drawNoData(svg, area);
        }
        drawLegend(svg, area, legend);
        return svg.finish();
    }

    @Override
    public String toString() {
        return "LineChart" + Arrays.toString(series.stream().map(Series::label).toArray());
    }
}
