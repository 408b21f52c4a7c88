package org.forgetfilter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HtmlReportTest {
    @Test
    void sampleReportIsWellFormedAndSelfContained(@TempDir Path dir) throws Exception {
        HtmlReport report = SampleReport.build();
        SampleReport.writeIfAsked(report);
        Path file = dir.resolve("out/report.html");
        report.writeTo(file);
        String html = Files.readString(file);
        Document doc = SvgXml.parse(html);
        assertEquals("html", doc.getDocumentElement().getTagName());
        assertEquals(report.figureCount(), doc.getElementsByTagName("svg").getLength());
        assertEquals(9, report.figureCount());
        // The only URL allowed is the SVG namespace; no scripts, no external assets.
        Matcher urls = Pattern.compile("https?://[^\"'\\s)]*").matcher(html);
        while (urls.find()) {
            assertEquals("http://www.w3.org/2000/svg", urls.group(), "unexpected reference in the report");
        }
        assertFalse(html.contains("<script"), "a raw script tag reached the report");
        assertFalse(html.contains("src="), "the report must not load anything");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
        assertTrue(html.contains("<title>ForgetFilter sample report &lt;demo &amp; test&gt;</title>"));
        // Table of contents links to every section.
        assertEquals(5, doc.getElementsByTagName("h2").getLength());
        assertEquals(5, doc.getElementsByTagName("li").getLength());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void tableFormatsNumbersAndMarksTheBestValue() throws Exception {
        Table table = new Table("method", "error", "count").row("a", 0.25, 3).row("b", 0.125, 4)
                .row("c", Double.NaN, 5).decimals(1, 2).highlightBest(1, false).highlightBest(2, true);
        String html = table.toHtml();
        SvgXml.parse(html);
        assertTrue(html.contains("<td class=\"num best\"><strong>0.13</strong></td>"), html);
        assertTrue(html.contains("<td class=\"num\">0.25</td>"), html);
        assertTrue(html.contains("<td class=\"num\">n/a</td>"), html);
        assertTrue(html.contains("<td class=\"num best\"><strong>5</strong></td>"), html);
        assertEquals(3, table.rowCount());
    }
}
