package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A chart that renders itself as one self-contained SVG string. Holds what all charts share: size, optional
 * title and axis labels, and the count of values that were skipped because they were NaN or infinite (shown
 * as a note under the chart so a reader knows the picture is incomplete).
 *
 * @param <C> the concrete chart type, so that setters chain
 */
public abstract class Chart<C extends Chart<C>> {
    static final String TEXT = "#222222";
    static final String MUTED = "#555555";
    static final String GRID = "#e6e6e6";

    private final java.util.Map<String, String> fixedColours = new java.util.HashMap<>();
    private int width = 720;
    private int height = 400;
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";

    /** The SVG document (an {@code <svg>} element with the SVG namespace). */
    public abstract String toSvg();

    /** How many input values were NaN or infinite and therefore not drawn. */
    public abstract int skippedValues();

    @SuppressWarnings("unchecked")
    private C self() {
        return (C) this;
    }

    /** Pixel size; the HTML report scales it down on narrow screens. */
    public C size(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("chart size must be at least 200x150, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        return self();
    }

    /**
     * Colours by series label (e.g. {@link Palette#LABELS}), so that a label has the same colour in every chart;
     * series not named here take the palette's colour of their index.
     */
    public C colours(java.util.Map<String, String> byLabel) {
        fixedColours.putAll(byLabel);
        return self();
    }

    /** The colour of series {@code index} labelled {@code label}. */
    String colour(int index, String label) {
        String c = fixedColours.get(label);
        return c != null ? c : Palette.colour(index);
    }

    public C title(String title) {
        this.title = title == null ? "" : title;
        return self();
    }

    public C xLabel(String label) {
        this.xLabel = label == null ? "" : label;
        return self();
    }

    public C yLabel(String label) {
        this.yLabel = label == null ? "" : label;
        return self();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    String title() {
        return title;
    }

    String xLabel() {
        return xLabel;
    }

    /** The y label drawn: the one set, or the chart's default (e.g. "count" for a histogram). */
    String yLabel() {
        return yLabel.isEmpty() ? defaultYLabel() : yLabel;
    }

    String defaultYLabel() {
        return "";
    }

    /** One line of a legend: a filled box (bars), a marker shape (points) or a line with a marker (curves). */
    record LegendEntry(String label, String colour, Kind kind, int marker) {
        enum Kind { BOX, MARKER, LINE }
    }

    /** The rectangle the data is drawn in, after room is made for title, ticks, labels, legend and notes. */
    record PlotArea(double left, double top, double right, double bottom) {
        double width() {
            return right - left;
        }

        double height() {
            return bottom - top;
        }
    }

    static final int LEGEND_MAX_CHARS = 30;
    /** Gap between the axes and the outermost ticks of point charts, so points at the extremes stay visible. */
    static final double INSET = 8;

    PlotArea layout(List<LegendEntry> legend, double yTickLabelWidth, boolean hasNote, double extraBottom) {
        double top = 14 + (title.isEmpty() ? 0 : 24);
        double bottom = height - 26 - extraBottom - (xLabel.isEmpty() ? 0 : 20) - (hasNote ? 16 : 0);
        double left = 10 + (yLabel().isEmpty() ? 0 : 22) + yTickLabelWidth + 8;
        double right = width - 16 - legendWidth(legend);
        return new PlotArea(left, top, right, bottom);
    }

    private static double legendWidth(List<LegendEntry> legend) {
        if (legend.isEmpty()) {
            return 0;
        }
        int chars = 0;
        for (LegendEntry e : legend) {
            chars = Math.max(chars, shorten(e.label(), LEGEND_MAX_CHARS).length());
        }
        return 36 + Svg.textWidth("x".repeat(chars), 12);
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    static double maxLabelWidth(LinearScale scale) {
        double w = 0;
        for (double t : scale.ticks()) {
            w = Math.max(w, Svg.textWidth(scale.label(t), 11));
        }
        return w;
    }

    /** Title, y grid and ticks, y label, x label and the note; x ticks are drawn by {@link #drawXTicks}. */
    void drawFrame(Svg svg, PlotArea area, LinearScale y, int skipped, String extraNote) {
        if (!title.isEmpty()) {
            svg.text("chart-title", 10, 22, title, "start", 14, TEXT, 0, true);
        }
        svg.rect("plot-area", area.left(), area.top(), area.width(), area.height(), "none", 1, null);
        for (double t : y.ticks()) {
            double py = y.pixel(t);
            svg.line("grid", area.left(), py, area.right(), py, GRID, 1, null);
            svg.text("y-tick", area.left() - 6, py + 4, y.label(t), "end", 11, MUTED, 0, false);
        }
        svg.line("axis", area.left(), area.top(), area.left(), area.bottom(), MUTED, 1, null);
        svg.line("axis", area.left(), area.bottom(), area.right(), area.bottom(), MUTED, 1, null);
        if (!yLabel().isEmpty()) {
            double cy = (area.top() + area.bottom()) / 2;
            svg.text("y-label", 18, cy, yLabel(), "middle", 12, TEXT, -90, false);
        }
        if (!xLabel.isEmpty()) {
            svg.text("x-label", (area.left() + area.right()) / 2, area.bottom() + 40, xLabel, "middle", 12, TEXT, 0,
                    false);
        }
        List<String> notes = new ArrayList<>();
        if (skipped > 0) {
            notes.add(skipped + (skipped == 1 ? " value was" : " values were") + " NaN or infinite and not drawn");
        }
        if (extraNote != null && !extraNote.isEmpty()) {
            notes.add(extraNote);
        }
        if (!notes.isEmpty()) {
            svg.text("note", 10, height - 8, String.join("; ", notes), "start", 11, MUTED, 0, false);
        }
    }

    void drawXTicks(Svg svg, PlotArea area, LinearScale x) {
        for (double t : x.ticks()) {
            double px = x.pixel(t);
            svg.line("tick", px, area.bottom(), px, area.bottom() + 4, MUTED, 1, null);
            svg.text("x-tick", px, area.bottom() + 17, x.label(t), "middle", 11, MUTED, 0, false);
        }
    }

    void drawLegend(Svg svg, PlotArea area, List<LegendEntry> legend) {
        double x = area.right() + 16;
        double y = area.top() + 4;
        for (LegendEntry e : legend) {
            svg.openGroup("legend-entry", e.label());
            switch (e.kind()) {
                case BOX -> svg.rect(null, x, y, 14, 12, e.colour(), 0.85, null);
                case MARKER -> Marker.draw(svg, e.marker(), x + 7, y + 6, 4.5, e.colour());
                case LINE -> {
                    svg.line(null, x - 2, y + 6, x + 16, y + 6, e.colour(), 2.5, null);
                    Marker.draw(svg, e.marker(), x + 7, y + 6, 3.5, e.colour());
                }
            }
            svg.text("legend", x + 22, y + 11, shorten(e.label(), LEGEND_MAX_CHARS), "start", 12, TEXT, 0, false);
            svg.closeGroup();
            y += 20;
        }
    }

    /** Draws a centred "No data" when every series is empty, so an empty chart is obviously empty. */
    void drawNoData(Svg svg, PlotArea area) {
        svg.text("no-data", (area.left() + area.right()) / 2, (area.top() + area.bottom()) / 2, "No data", "middle",
                14, MUTED, 0, false);
    }
}
