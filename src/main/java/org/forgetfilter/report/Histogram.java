package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Histograms of several labelled series over shared bins, overlaid (translucent areas with outlines) or
 * stacked, with an optional labelled vertical threshold line (e.g. the forgetting threshold phi).
 *
 * <pre>{@code
 * new Histogram().series("unsafe", rates).series("safe", safeRates).threshold(0.3, "phi = 0.3")
 *         .normalized(true).xLabel("forgetting rate");
 * }</pre>
 */
public final class Histogram extends Chart<Histogram> {
    /** How several series share a bin. */
    public enum Mode { OVERLAID, STACKED }

    private record Series(String label, double[] values) {
    }

    private final List<Series> series = new ArrayList<>();
    private Mode mode = Mode.OVERLAID;
    private int bins = 20;
    private boolean normalized;
    private double rangeLo = Double.NaN;
    private double rangeHi = Double.NaN;
    private double threshold = Double.NaN;
    private String thresholdLabel = "";

    public Histogram series(String label, double[] values) {
        series.add(new Series(label == null ? "" : label, values.clone()));
        return this;
    }

    public Histogram series(String label, List<? extends Number> values) {
        return series(label, values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public Histogram mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    public Histogram bins(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, got " + bins);
        }
        this.bins = bins;
        return this;
    }

    /** Shows each series as the fraction of its own values per bin, so series of different sizes compare. */
    public Histogram normalized(boolean normalized) {
        this.normalized = normalized;
        return this;
    }

    /** Fixes the binned range instead of taking it from the data; values outside it are counted in a note. */
    public Histogram range(double lo, double hi) {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("histogram range needs lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.rangeLo = lo;
        this.rangeHi = hi;
        return this;
    }

    public Histogram threshold(double x, String label) {
        this.threshold = x;
        this.thresholdLabel = label == null ? "" : label;
        return this;
    }

    @Override
    String defaultYLabel() {
        return normalized ? "fraction of series" : "count";
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

    /** The shared bin edges: bins + 1 increasing values. */
    double[] edges() {
        double lo = rangeLo;
        double hi = rangeHi;
        if (Double.isNaN(lo)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double v : s.values()) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (lo > hi) {
                lo = 0;
                hi = 1;
            } else if (hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) {
                // All values equal: one bin of width 1 (or 10 % of the value) centred on them.
                double half = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 0.5;
                lo -= half;
                hi += half;
            }
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        return edges;
    }

    /** Per series, the count (or fraction) in each bin; the last bin includes its upper edge. */
    double[][] heights(double[] edges) {
        double lo = edges[0];
        double hi = edges[bins];
        double[][] h = new double[series.size()][bins];
        for (int s = 0; s < series.size(); s++) {
            int finite = 0;
            for (double v : series.get(s).values()) {
                if (!Double.isFinite(v) || v < lo || v > hi) {
                    continue;
                }
                finite++;
                int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
                h[s][Math.min(b, bins - 1)]++;
            }
            if (normalized && finite > 0) {
                for (int b = 0; b < bins; b++) {
                    h[s][b] /= finite;
                }
            }
        }
        return h;
    }

    private int outsideRange(double[] edges) {
        int n = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v) && (v < edges[0] || v > edges[bins])) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public String toSvg() {
        double[] edges = edges();
        double[][] heights = heights(edges);
        double top = 0;
        boolean any = false;
        for (int b = 0; b < bins; b++) {
            double stack = 0;
            for (double[] h : heights) {
                stack = mode == Mode.STACKED ? stack + h[b] : Math.max(stack, h[b]);
                any |= h[b] > 0;
            }
            top = Math.max(top, stack);
        }
        double xMin = edges[0];
        double xMax = edges[bins];
        if (Double.isFinite(threshold)) {
            xMin = Math.min(xMin, threshold);
            xMax = Math.max(xMax, threshold);
        }
        LinearScale y0 = LinearScale.covering(0, top > 0 ? top : 1, 6, 0, 1);
        List<LegendEntry> legend = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            legend.add(new LegendEntry(series.get(s).label(), colour(s, series.get(s).label()), LegendEntry.Kind.BOX, s));
        }
        int outside = outsideRange(edges);
        String note = outside > 0 ? outside + " values outside the binned range" : "";
        int skipped = skippedValues();
        PlotArea area = layout(legend, maxLabelWidth(y0), skipped > 0 || outside > 0, 0);
        LinearScale y = y0.withPixels(area.bottom(), area.top());
        LinearScale x = LinearScale.covering(xMin, xMax, 8, area.left(), area.right());

        Svg svg = new Svg(width(), height(), title().isEmpty() ? "Histogram" : title());
        drawFrame(svg, area, y, skipped, note);
        drawXTicks(svg, area, x);
        if (mode == Mode.STACKED) {
            double[] base = new double[bins];
            for (int s = 0; s < series.size(); s++) {
                svg.openGroup("series", series.get(s).label());
                for (int b = 0; b < bins; b++) {
                    double h = heights[s][b];
                    if (h > 0) {
                        double x0 = x.pixel(edges[b]);
                        double x1 = x.pixel(edges[b + 1]);
                        double yTop = y.pixel(base[b] + h);
                        svg.rect("bar", x0, yTop, x1 - x0, y.pixel(base[b]) - yTop, colour(s, series.get(s).label()), 0.85,
                                "#ffffff");
                        base[b] += h;
                    }
                }
                svg.closeGroup();
            }
        } else {
            for (int s = 0; s < series.size(); s++) {
                if (java.util.Arrays.stream(heights[s]).allMatch(h -> h == 0)) {
                    continue;
                }
                svg.openGroup("series", series.get(s).label());
                double[] outline = new double[4 * bins + 4];
                int k = 0;
                outline[k++] = x.pixel(edges[0]);
                outline[k++] = y.pixel(0);
                for (int b = 0; b < bins; b++) {
                    double py = y.pixel(heights[s][b]);
                    outline[k++] = x.pixel(edges[b]);
                    outline[k++] = py;
                    outline[k++] = x.pixel(edges[b + 1]);
                    outline[k++] = py;
                }
                outline[k++] = x.pixel(edges[bins]);
                outline[k] = y.pixel(0);
                svg.path("area", outline, true, colour(s, series.get(s).label()), 0.25, null, 0);
                svg.path("outline", outline, false, null, 1, colour(s, series.get(s).label()), 2);
                svg.closeGroup();
            }
        }
        if (!any) {
            drawNoData(svg, area);
        }
        if (Double.isFinite(threshold)) {
            double px = x.pixel(threshold);
            svg.line("threshold", px, area.top(), px, area.bottom(), "#000000", 1.5, "6 4");
            if (!thresholdLabel.isEmpty()) {
                // Put the label on the side with more room so it stays inside the plot.
                boolean right = px < (area.left() + area.right()) / 2;
                svg.text("threshold-label", px + (right ? 5 : -5), area.top() + 12, thresholdLabel,
                        right ? "start" : "end", 12, "#000000", 0, false);
            }
        }
        drawLegend(svg, area, legend);
        return svg.finish();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Histogram[%d series, %d bins]", series.size(), bins);
    }
}
