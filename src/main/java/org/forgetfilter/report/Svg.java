package org.forgetfilter.report;

import java.util.Locale;

/** Appends SVG elements to a string; every piece of text passes through {@link Markup#escape}. */
final class Svg {
    static final String NAMESPACE = "http://www.w3.org/2000/svg";
    static final String FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
    /** Average glyph width relative to the font size for the sans-serif fonts above; used only for layout. */
    static final double CHAR_WIDTH = 0.58;

    private final StringBuilder out = new StringBuilder(8192);

    Svg(int width, int height, String title) {
        out.append("<svg xmlns=\"").append(NAMESPACE).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" font-family=\"").append(Markup.escape(FONT))
                .append("\" font-size=\"12\">\n");
        out.append("<title>").append(Markup.escape(title)).append("</title>\n");
        out.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" fill=\"#ffffff\"/>\n");
    }

    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        // Trim "12.50" to "12.5" and "12.00" to "12" to keep the file small.
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    static double textWidth(String text, double fontSize) {
        return text.length() * fontSize * CHAR_WIDTH;
    }

    Svg line(String cls, double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        out.append("<line");
        cls(cls);
        out.append(" x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append('"');
        if (dash != null) {
            out.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        out.append("/>\n");
        return this;
    }

    Svg rect(String cls, double x, double y, double w, double h, String fill, double opacity, String stroke) {
        out.append("<rect");
        cls(cls);
        out.append(" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h)))
                .append("\" fill=\"").append(fill).append('"');
        if (opacity < 1) {
            out.append(" fill-opacity=\"").append(num(opacity)).append('"');
        }
        if (stroke != null) {
            out.append(" stroke=\"").append(stroke).append("\" stroke-width=\"1\"");
        }
        out.append("/>\n");
        return this;
    }

    Svg circle(String cls, double cx, double cy, double r, String fill, double opacity) {
        out.append("<circle");
        cls(cls);
        out.append(" cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r))
                .append("\" fill=\"").append(fill).append('"');
        if (opacity < 1) {
            out.append(" fill-opacity=\"").append(num(opacity)).append('"');
        }
        out.append("/>\n");
        return this;
    }

    /** A polygon (closed, filled) or polyline (open, stroked) through the points x0,y0,x1,y1,... */
    Svg path(String cls, double[] xy, boolean closed, String fill, double fillOpacity, String stroke,
            double strokeWidth) {
        if (xy.length < 2) {
            return this;
        }
        out.append("<path");
        cls(cls);
        out.append(" d=\"");
        for (int i = 0; i + 1 < xy.length; i += 2) {
            out.append(i == 0 ? 'M' : 'L').append(num(xy[i])).append(',').append(num(xy[i + 1])).append(' ');
        }
        if (closed) {
            out.append('Z');
        }
        out.append("\" fill=\"").append(fill == null ? "none" : fill).append('"');
        if (fill != null && fillOpacity < 1) {
            out.append(" fill-opacity=\"").append(num(fillOpacity)).append('"');
        }
        if (stroke != null) {
            out.append(" stroke=\"").append(stroke).append("\" stroke-width=\"").append(num(strokeWidth))
                    .append("\" stroke-linejoin=\"round\"");
        }
        out.append("/>\n");
        return this;
    }

    /** Text anchored at (x, y); anchor is start, middle or end; rotate in degrees about (x, y), 0 for none. */
    Svg text(String cls, double x, double y, String text, String anchor, double size, String fill, double rotate,
            boolean bold) {
        out.append("<text");
        cls(cls);
        out.append(" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" font-size=\"").append(num(size)).append("\" fill=\"").append(fill)
                .append('"');
        if (rotate != 0) {
            out.append(" transform=\"rotate(").append(num(rotate)).append(' ').append(num(x)).append(' ')
                    .append(num(y)).append(")\"");
        }
        if (bold) {
            out.append(" font-weight=\"600\"");
        }
        out.append('>').append(Markup.escape(text)).append("</text>\n");
        return this;
    }

    /** A tooltip for the element that follows in a group: browsers show the title on hover. */
    Svg openGroup(String cls, String tooltip) {
        out.append("<g");
        cls(cls);
        out.append('>');
        if (tooltip != null) {
            out.append("<title>").append(Markup.escape(tooltip)).append("</title>");
        }
        out.append('\n');
        return this;
    }

    Svg closeGroup() {
        out.append("</g>\n");
        return this;
    }

    String finish() {
        return out.append("</svg>\n").toString();
    }

    private void cls(String cls) {
        if (cls != null) {
            out.append(" class=\"").append(cls).append('"');
        }
    }
}
