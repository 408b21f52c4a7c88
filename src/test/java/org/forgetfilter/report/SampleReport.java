package org.forgetfilter.report;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A report exercising every chart and the edge cases, used by the tests and to look at the output in a
 * browser: {@code -Dforgetfilter.sampleReport=/tmp/sample.html} in HtmlReportTest writes it there.
 */
final class SampleReport {
    private SampleReport() {
    }

    static HtmlReport build() {
        SplittableRandom random = new SplittableRandom(7);
        double[] unsafe = new double[60];
        double[] safe = new double[60];
        double[] task = new double[120];
        for (int i = 0; i < unsafe.length; i++) {
            unsafe[i] = clamp(0.55 + 0.18 * gaussian(random));
            safe[i] = clamp(0.08 + 0.1 * gaussian(random));
        }
        for (int i = 0; i < task.length; i++) {
            task[i] = clamp(0.05 + 0.08 * gaussian(random));
        }
        unsafe[3] = Double.NaN;
        HtmlReport report = new HtmlReport("ForgetFilter sample report <demo & test>");
        report.section("Forgetting rates");
        report.paragraph("Forgetting rate f = s1 - s2 of every customer example, by its (hidden) label.");
        report.figure(new Histogram().series("unsafe", unsafe).series("safe", safe).series("task", task)
                .threshold(0.3, "\u03c6 = 0.3").normalized(true).xLabel("forgetting rate f = s1 \u2212 s2"),
                "Forgetting rates of unsafe, safe and task examples (overlaid, normalised).",
                "Unsafe examples sit right of the threshold and are removed; safe and task examples stay.");
        report.figure(new Histogram().series("unsafe", unsafe).series("safe", safe).series("task", task)
                .mode(Histogram.Mode.STACKED).bins(15).threshold(0.3, "\u03c6").xLabel("forgetting rate")
                .size(720, 320), "The same rates stacked (counts).");
        report.section("Scores before and after safety finetuning");
        double[][] scatterU = scatter(random, unsafe, 0.9);
        double[][] scatterT = scatter(random, task, 0.8);
        report.figure(new ScatterPlot().series("unsafe", scatterU[0], scatterU[1])
                .series("task", scatterT[0], scatterT[1]).diagonal(true)
                .xLabel("score under M1").yLabel("score under M2").size(560, 480),
                "Score of each example under M1 (x) and M2 (y).",
                "Points below the diagonal were forgotten during the trial safety finetuning.");
        report.section("Scores along safety finetuning");
        double[] steps = {0, 10, 20, 40, 80, 160};
        report.figure(new LineChart()
                .series("unsafe", steps, new double[] {0.92, 0.71, 0.52, 0.35, 0.21, 0.15},
                        new double[] {0.03, 0.06, 0.08, 0.07, 0.05, 0.04})
                .series("safe", steps, new double[] {0.41, 0.55, 0.71, 0.83, 0.9, 0.93},
                        new double[] {0.05, 0.05, 0.04, 0.04, 0.03, 0.02})
                .series("task", steps, new double[] {0.85, 0.84, 0.82, 0.8, 0.78, 0.75}, null)
                .xLabel("safety steps t").yLabel("mean ROUGE-1").includeZero(true),
                "Mean score per label against the number of safety steps.");
        report.figure(new LineChart()
                .series("ForgetFilter", new double[] {1, 2, 3, 4}, new double[] {0.1, 0.12, 0.11, 0.13},
                        new double[] {0.02, 0.02, 0.03, 0.02})
                .series("Sequential", new double[] {1, 2, 3, 4}, new double[] {0.1, 0.45, 0.2, 0.5},
                        new double[] {0.04, 0.05, 0.06, 0.05})
                .errorStyle(LineChart.ErrorStyle.BARS).xLabel("interleaved round").yLabel("unsafe rate")
                .size(720, 320), "Unsafe rate per interleaved round (error bars: std over 3 seeds).");
        report.section("Methods compared");
        report.figure(new BarChart("unsafe rate", "task ROUGE-1", "safe ROUGE-1")
                .series("BaseFT", new double[] {0.05, 0.31, 0.92}, new double[] {0.01, 0.02, 0.01})
                .series("No safety", new double[] {0.62, 0.83, 0.4}, new double[] {0.04, 0.02, 0.05})
                .series("Sequential", new double[] {0.08, 0.35, 0.9}, new double[] {0.02, 0.03, 0.02})
                .series("ForgetFilter", new double[] {0.07, 0.81, 0.91}, new double[] {0.01, 0.02, 0.01})
                .yLabel("value"),
                "Metrics per method (error bars: std over seeds).");
        report.table(new Table("method", "unsafe rate", "task ROUGE-1", "removed", "note")
                .row("BaseFT", 0.05, 0.31, 0, "reference")
                .row("No safety", 0.62, 0.83, 0, null)
                .row("ForgetFilter", 0.07, 0.81, 61, "<script>alert('x')</script> & more")
                .row("Broken run", Double.NaN, 0.5, 3, "NaN shows as n/a")
                .highlightBest(1, false).highlightBest(2, true).caption("Main results"));
        report.section("Edge cases");
        report.figure(new Histogram().series("empty", new double[0]).xLabel("nothing"), "An empty histogram.");
        report.figure(new ScatterPlot().series("one point", new double[] {0.5}, new double[] {0.5})
                .series("all equal", new double[] {2, 2, 2}, new double[] {3, 3, Double.NaN}).size(480, 300),
                "A single point and all-equal values, one NaN.");
        report.figure(new BarChart("a <b>", "long category name & more text", "negative")
                .series("x", new double[] {1e-3, 0.5, -0.25}).series("<script>", new double[] {Double.NaN, 1, 0})
                .size(480, 300), "Hostile labels, a NaN bar and a negative bar.");
        report.preformatted("seed=7\nphi=0.3 <not a tag>");
        return report;
    }

    private static double[][] scatter(SplittableRandom random, double[] rates, double s1Mean) {
        double[] x = new double[rates.length];
        double[] y = new double[rates.length];
        for (int i = 0; i < rates.length; i++) {
            x[i] = clamp(s1Mean + 0.08 * gaussian(random));
            y[i] = clamp(x[i] - rates[i]);
        }
        return new double[][] {x, y};
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? v : Math.max(0, Math.min(1, v));
    }

    static void writeIfAsked(HtmlReport report) throws Exception {
        String path = System.getProperty("forgetfilter.sampleReport");
        if (path != null) {
            report.writeTo(Path.of(path));
        }
    }
}
