package org.forgetfilter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ChartTest {
    private static double tickValue(Element tick) {
        return Double.parseDouble(tick.getTextContent());
    }

    /** The pixel of a data value on the x axis, interpolated from the drawn tick labels. */
    private static double xPixelOf(Document doc, double value) {
        List<Element> ticks = SvgXml.byClass(doc, "x-tick");
        Element a = ticks.get(0);
        Element b = ticks.get(ticks.size() - 1);
        double va = tickValue(a);
        double vb = tickValue(b);
        return SvgXml.num(a, "x") + (value - va) / (vb - va) * (SvgXml.num(b, "x") - SvgXml.num(a, "x"));
    }

    @Test
    void thresholdLineSitsAtItsValueOnTheAxis() throws Exception {
        Histogram h = new Histogram().series("unsafe", new double[] {0.1, 0.9, 0.5}).threshold(0.35, "phi")
                .range(0, 1).bins(10);
        Document doc = SvgXml.parse(h.toSvg());
        Element line = SvgXml.byClass(doc, "threshold").get(0);
        assertEquals(SvgXml.num(line, "x1"), SvgXml.num(line, "x2"));
        assertEquals(xPixelOf(doc, 0.35), SvgXml.num(line, "x1"), 0.02);
        List<Element> ticks = SvgXml.byClass(doc, "x-tick");
        assertEquals("0.0", ticks.get(0).getTextContent());
        assertEquals("1.0", ticks.get(ticks.size() - 1).getTextContent());
        assertEquals("phi", SvgXml.byClass(doc, "threshold-label").get(0).getTextContent());
    }

    @Test
    void thresholdOutsideTheDataWidensTheAxis() throws Exception {
        Histogram h = new Histogram().series("a", new double[] {0.2, 0.3}).threshold(-0.5, "t");
        Document doc = SvgXml.parse(h.toSvg());
        List<Element> ticks = SvgXml.byClass(doc, "x-tick");
        assertTrue(tickValue(ticks.get(0)) <= -0.5);
        assertTrue(tickValue(ticks.get(ticks.size() - 1)) >= 0.3);
    }

    @Test
    void histogramBinsCountValuesWithTheLastBinClosed() {
        Histogram h = new Histogram().series("a", new double[] {0, 0.1, 0.5, 1.0, 1.0, Double.NaN}).range(0, 1)
                .bins(2);
        double[][] heights = h.heights(h.edges());
        assertEquals(2, heights[0][0]);
        assertEquals(3, heights[0][1]);
        assertEquals(1, h.skippedValues());
        double[][] fractions = h.normalized(true).heights(h.edges());
        assertEquals(0.4, fractions[0][0], 1e-12);
        assertEquals(0.6, fractions[0][1], 1e-12);
    }

    @Test
    void stackedHistogramAxisCoversTheStackedCount() throws Exception {
        double[] a = {0.5, 0.5, 0.5};
        Histogram h = new Histogram().series("a", a).series("b", a).mode(Histogram.Mode.STACKED);
        Document doc = SvgXml.parse(h.toSvg());
        List<Element> yTicks = SvgXml.byClass(doc, "y-tick");
        assertTrue(tickValue(yTicks.get(yTicks.size() - 1)) >= 6);
        assertEquals(2, SvgXml.byClass(doc, "bar").size());
    }

    @Test
    void scatterPointsLieInsideThePlotAreaAndAxesCoverTheData() throws Exception {
        double[] xs = {-3.2, 0, 7.9, Double.NaN};
        double[] ys = {100, 250, 101, 5};
        ScatterPlot plot = new ScatterPlot().series("s", xs, ys);
        Document doc = SvgXml.parse(plot.toSvg());
        Element area = SvgXml.byClass(doc, "plot-area").get(0);
        double left = SvgXml.num(area, "x");
        double top = SvgXml.num(area, "y");
        double right = left + SvgXml.num(area, "width");
        double bottom = top + SvgXml.num(area, "height");
        List<Element> points = SvgXml.byClass(doc, "marker");
        assertEquals(3 + 1, points.size(), "three points plus the legend marker");
        for (Element p : points.subList(0, 3)) {
            double cx = SvgXml.num(p, "cx");
            double cy = SvgXml.num(p, "cy");
            assertTrue(cx >= left && cx <= right && cy >= top && cy <= bottom, cx + "," + cy);
        }
        List<Element> x = SvgXml.byClass(doc, "x-tick");
        List<Element> y = SvgXml.byClass(doc, "y-tick");
        assertTrue(tickValue(x.get(0)) <= -3.2 && tickValue(x.get(x.size() - 1)) >= 7.9);
        assertTrue(tickValue(y.get(0)) <= 100 && tickValue(y.get(y.size() - 1)) >= 250);
        assertEquals(1, plot.skippedValues());
        assertTrue(SvgXml.byClass(doc, "note").get(0).getTextContent().startsWith("1 value was NaN"));
    }

    @Test
    void diagonalRunsFromFirstToLastTickOnSharedAxes() throws Exception {
        ScatterPlot plot = new ScatterPlot().series("s", new double[] {0.1, 0.9}, new double[] {0.0, 0.4})
                .diagonal(true);
        Document doc = SvgXml.parse(plot.toSvg());
        List<Element> x = SvgXml.byClass(doc, "x-tick");
        List<Element> y = SvgXml.byClass(doc, "y-tick");
        assertEquals(x.get(0).getTextContent(), y.get(0).getTextContent());
        assertEquals(x.get(x.size() - 1).getTextContent(), y.get(y.size() - 1).getTextContent());
        Element d = SvgXml.byClass(doc, "diagonal").get(0);
        assertEquals(SvgXml.num(x.get(0), "x"), SvgXml.num(d, "x1"), 0.01);
        assertEquals(SvgXml.num(x.get(x.size() - 1), "x"), SvgXml.num(d, "x2"), 0.01);
        // Tick labels are drawn 4 px below their grid line's y.
        assertEquals(SvgXml.num(y.get(0), "y") - 4, SvgXml.num(d, "y1"), 0.01);
        assertEquals(SvgXml.num(y.get(y.size() - 1), "y") - 4, SvgXml.num(d, "y2"), 0.01);
    }

    @Test
    void allEqualValuesGetANonZeroAxisRange() {
        LinearScale s = LinearScale.covering(5, 5, 6, 0, 100);
        assertTrue(s.lo() < 5 && s.hi() > 5);
        LinearScale zero = LinearScale.covering(0, 0, 6, 0, 100);
        assertTrue(zero.lo() < 0 && zero.hi() > 0);
        LinearScale none = LinearScale.covering(Double.NaN, Double.NaN, 6, 0, 100);
        assertEquals(0, none.lo());
        assertEquals(1, none.hi());
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), none.ticks());
        assertEquals("0.4", none.label(0.4));
        assertEquals(50, none.pixel(0.5), 1e-9);
    }

    @Test
    void emptyChartsSayNoData() throws Exception {
        for (String svg : List.of(new Histogram().toSvg(), new Histogram().series("e", new double[0]).toSvg(),
                new ScatterPlot().toSvg(), new LineChart().series("nan", new double[] {1}, new double[] {Double.NaN})
                        .toSvg(), new BarChart("a").series("s", new double[] {Double.NaN}).toSvg())) {
            Document doc = SvgXml.parse(svg);
            assertEquals("No data", SvgXml.byClass(doc, "no-data").get(0).getTextContent());
        }
    }

    @Test
    void hostileLabelsAreEscapedEverywhere() throws Exception {
        String evil = "<script>alert(1)</script> & \"q\" '\u0001";
        String[] svgs = {
            new Histogram().series(evil, new double[] {1, 2}).threshold(1.5, evil).title(evil).xLabel(evil)
                    .yLabel(evil).toSvg(),
            new ScatterPlot().series(evil, new double[] {1}, new double[] {2}).title(evil).toSvg(),
            new LineChart().series(evil, new double[] {1, 2}, new double[] {2, 3}).xLabel(evil).toSvg(),
            new BarChart(evil, "b").series(evil, new double[] {1, 2}).toSvg(),
        };
        for (String svg : svgs) {
            assertFalse(svg.contains("<script"), svg);
            Document doc = SvgXml.parse(svg);
            assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
            assertTrue(doc.getDocumentElement().getTextContent().contains("<script>alert(1)</script> & \"q\" '"));
        }
        assertEquals("&lt;a&gt; &amp;amp; &quot;&#39;\uFFFD", Markup.escape("<a> &amp; \"'\u0000"));
        assertEquals("\uD83D\uDE00", Markup.escape("\uD83D\uDE00"));
        assertEquals("\uFFFD", Markup.escape("\uD83D"));
    }

    @Test
    void lineChartAxisCoversErrorBandsAndSortsByX() throws Exception {
        LineChart c = new LineChart().series("s", new double[] {3, 1, 2}, new double[] {1, 2, 3},
                new double[] {0.5, 0.5, 2});
        Document doc = SvgXml.parse(c.toSvg());
        List<Element> y = SvgXml.byClass(doc, "y-tick");
        assertTrue(tickValue(y.get(0)) <= 0.5 && tickValue(y.get(y.size() - 1)) >= 5);
        String d = SvgXml.byClass(doc, "line").get(0).getAttribute("d");
        String[] points = d.trim().split(" ");
        double x0 = Double.parseDouble(points[0].substring(1).split(",")[0]);
        double x1 = Double.parseDouble(points[1].substring(1).split(",")[0]);
        double x2 = Double.parseDouble(points[2].substring(1).split(",")[0]);
        assertTrue(x0 < x1 && x1 < x2, d);
        assertEquals(1, SvgXml.byClass(doc, "error-band").size());
    }

    @Test
    void barChartShowsValuesAndIncludesZero() throws Exception {
        BarChart c = new BarChart("m1", "m2").series("a", new double[] {3, 4}, new double[] {1, 1})
                .series("b", new double[] {5, 6}).decimals(1);
        Document doc = SvgXml.parse(c.toSvg());
        List<Element> values = SvgXml.byClass(doc, "value");
        assertEquals(List.of("3.0", "4.0", "5.0", "6.0"), values.stream().map(Element::getTextContent).toList());
        List<Element> y = SvgXml.byClass(doc, "y-tick");
        assertEquals(0.0, tickValue(y.get(0)));
        assertEquals(4, SvgXml.byClass(doc, "bar").size());
        assertEquals(2, SvgXml.byClass(doc, "error-bar").size());
        assertThrows(IllegalArgumentException.class, () -> c.series("bad", new double[] {1}));
    }
}
