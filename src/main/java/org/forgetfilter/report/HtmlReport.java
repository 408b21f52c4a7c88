package org.forgetfilter.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.forgetfilter.io.AtomicFile;

/**
 * A report as one self-contained HTML file: text, tables and inline SVG charts, no scripts, no external
 * assets, so it opens offline in any browser. The document is also well-formed XML (XHTML syntax), which the
 * tests use to check it.
 *
 * <pre>{@code
 * HtmlReport report = new HtmlReport("ForgetFilter on bias");
 * report.section("Forgetting rates");
 * report.figure(new Histogram().series("unsafe", f).threshold(phi, "phi"), "Forgetting rate per example");
 * report.reading("Unsafe examples lie to the right of the threshold and are removed.");
 * report.writeTo(Path.of("report.html"));
 * }</pre>
 */
public final class HtmlReport {
    private final String title;
    private final List<String> blocks = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private int figures;
    private int tables;

    public HtmlReport(String title) {
        this.title = title == null ? "" : title;
    }

    /** Starts a section (a heading listed in the table of contents). */
    public HtmlReport section(String heading) {
        sections.add(heading);
        blocks.add("<h2 id=\"section-" + sections.size() + "\">" + Markup.escape(heading) + "</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        blocks.add("<p>" + Markup.escape(text) + "</p>\n");
        return this;
    }

    /** The one line that says what a figure or table shows and how to read it. */
    public HtmlReport reading(String text) {
        blocks.add("<p class=\"reading\"><span class=\"reading-tag\">How to read</span> " + Markup.escape(text)
                + "</p>\n");
        return this;
    }

    /**
     * A box that stands out: a heading and one line per item, e.g. the warnings of a run ({@code ok} false: red,
     * true: green).
     */
    public HtmlReport alert(String heading, List<String> items, boolean ok) {
        StringBuilder b = new StringBuilder("<div class=\"alert ").append(ok ? "alert-ok" : "alert-warn")
                .append("\"><p class=\"alert-heading\">").append(Markup.escape(heading)).append("</p>\n");
        if (!items.isEmpty()) {
            b.append("<ul>\n");
            for (String item : items) {
                b.append("<li>").append(Markup.escape(item)).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        blocks.add(b.append("</div>\n").toString());
        return this;
    }

    /** Monospaced text kept as is, e.g. the configuration and provenance of a run. */
    public HtmlReport preformatted(String text) {
        blocks.add("<pre>" + Markup.escape(text) + "</pre>\n");
        return this;
    }

    public HtmlReport table(Table table) {
        tables++;
        blocks.add(table.toHtml());
        return this;
    }

    /** A numbered figure: the chart's SVG inline with a caption below it. */
    public HtmlReport figure(Chart<?> chart, String caption) {
        figures++;
        blocks.add("<figure id=\"figure-" + figures + "\">\n" + chart.toSvg() + "<figcaption><b>Figure " + figures
                + ".</b> " + Markup.escape(caption) + "</figcaption>\n</figure>\n");
        return this;
    }

    /** A figure followed by its reading line. */
    public HtmlReport figure(Chart<?> chart, String caption, String reading) {
        return figure(chart, caption).reading(reading);
    }

    public int figureCount() {
        return figures;
    }

    public int tableCount() {
        return tables;
    }

    public String toHtml() {
        StringBuilder out = new StringBuilder(65536);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(Markup.escape(title)).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n<main>\n<h1>").append(Markup.escape(title)).append("</h1>\n");
        if (sections.size() >= 2) {
            out.append("<nav><ol>\n");
            for (int i = 0; i < sections.size(); i++) {
                out.append("<li><a href=\"#section-").append(i + 1).append("\">").append(Markup.escape(sections.get(i)))
                        .append("</a></li>\n");
            }
            out.append("</ol></nav>\n");
        }
        for (String block : blocks) {
            out.append(block);
        }
        out.append("</main>\n</body>\n</html>\n");
        return out.toString();
    }

    /** Writes the report atomically (a reader never sees a half-written file). */
    public void writeTo(Path file) throws IOException {
        AtomicFile.writeString(file, toHtml());
    }

    // Kept free of '<' and '&' so the document stays well-formed XML.
    private static final String STYLE = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f6f6f4; color: #222; font: 15px/1.5 system-ui, -apple-system,
              'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
            main { max-width: 980px; margin: 0 auto; padding: 24px 28px 64px; background: #fff; }
            h1 { font-size: 26px; margin: 8px 0 16px; }
            h2 { font-size: 20px; margin: 36px 0 10px; padding-top: 8px; border-top: 1px solid #ddd; }
            nav ol { margin: 0 0 12px; padding-left: 22px; columns: 2; }
            nav a { color: #0a5a9c; text-decoration: none; }
            nav a:hover { text-decoration: underline; }
            p { margin: 8px 0; max-width: 80ch; }
            p.reading { background: #f1f6fb; border-left: 4px solid #0072B2; padding: 6px 10px; }
            .reading-tag { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em;
              color: #0a5a9c; margin-right: 6px; }
            figure { margin: 16px 0 6px; }
            figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #e3e3e3; }
            figcaption { font-size: 14px; color: #444; margin-top: 6px; }
            .table-wrap { overflow-x: auto; margin: 12px 0; }
            table { border-collapse: collapse; font-size: 14px; }
            caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 4px; }
            th, td { border-bottom: 1px solid #e3e3e3; padding: 5px 12px; text-align: left; }
            th { background: #f3f3f3; font-weight: 600; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.best { background: #e4f2ea; }
            tbody tr:hover { background: #fafafa; }
            pre { background: #f5f5f5; padding: 10px; overflow-x: auto; font-size: 13px; }
            .alert { border: 2px solid; border-radius: 4px; padding: 8px 14px; margin: 12px 0 18px; }
            .alert-warn { border-color: #b00020; background: #fdecee; }
            .alert-ok { border-color: #2e7d32; background: #e8f5e9; }
            .alert-heading { font-weight: 700; margin: 2px 0; }
            .alert li { margin: 4px 0; }
            details summary { cursor: pointer; }
            """;
}
