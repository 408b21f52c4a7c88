package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.forgetfilter.report.BarChart;
import org.forgetfilter.report.Histogram;
import org.forgetfilter.report.HtmlReport;
import org.forgetfilter.report.LineChart;
import org.forgetfilter.report.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html of an experiment, drawn from results.json alone: the comparison table, a bar chart per metric,
 * the forgetting-rate distributions by label, forgetting curves, the threshold and its sensitivity, the
 * unsafe-ratio sweep and the interleaved rounds, each with a line saying how to read it.
 */
public final class ExperimentReport {
    /** Headline metrics: key, column title, and which way is better. */
    private record Metric(String key, String title, boolean higherBetter) {
        String direction() {
            if (key.startsWith("bbq.") && key.contains(".s_")) {
                return "Closer to 0 is better (0 = no measurable bias)";
            }
            if (key.startsWith("crows.")) {
                return "Closer to 50 is better (no preference for the stereotype)";
            }
            return higherBetter ? "Higher is better" : "Lower is better";
        }
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("bbq.lik.s_amb", "BBQ s_AMB (0 best)", false),
            new Metric("bbq.lik.acc_ambig", "BBQ acc. ambiguous", true),
            new Metric("bbq.lik.s_dis", "BBQ s_DIS (0 best)", false),
            new Metric("crows.stereotype_preference", "CrowS stereo % (50 best)", false),
            new Metric("toxicity.mean", "toxicity mean", false),
            new Metric("toxicity.fraction_above_0.5", "toxic > 0.5", false),
            new Metric("harm.safe_preference", "harm: safe preferred", true),
            new Metric("harm.refusal_rate", "refusal rate", true),
            new Metric("task.squad_f1", "SQuAD F1", true),
            new Metric("task.rouge1", "ROUGE-1", true),
            new Metric("task.heldout_loss", "task loss", false),
            new Metric("filter.f1", "filter F1", true));

    private final ObjectNode results;

    public ExperimentReport(ObjectNode results) {
        this.results = results;
    }

    public void write(Path file) throws IOException {
        build().writeTo(file);
    }

    public HtmlReport build() {
        HtmlReport r = new HtmlReport("ForgetFilter experiment: " + results.path("name").asText());
        JsonNode methods = results.path("methods");
        List<String> ids = new ArrayList<>();
        methods.fieldNames().forEachRemaining(ids::add);
        JsonNode prov = results.path("provenance");
        r.paragraph(String.format(Locale.ROOT, "Model %s, seeds %s, toxicity scorer %s, wall time %.0f s.",
                prov.path("model").path("ref").asText(), results.path("seeds").toString(),
                prov.path("scorer").path("name").asText(), prov.path("wallSeconds").asDouble()));

        r.section("Comparison");
        boolean spread = results.path("seeds").size() > 1;
        for (List<Metric> part : List.of(METRICS.subList(0, 8), METRICS.subList(8, METRICS.size()))) {
            List<String> headers = new ArrayList<>(List.of("method"));
            part.forEach(m -> headers.add(m.title()));
            Table t = new Table(headers);
            for (String id : ids) {
                List<Object> row = new ArrayList<>(List.of(label(id)));
                for (Metric m : part) {
                    double mu = methods.path(id).path("mean").path(m.key()).asDouble(Double.NaN);
                    double sd = methods.path(id).path("std").path(m.key()).asDouble(Double.NaN);
                    row.add(!Double.isFinite(mu) ? "n/a" : spread
                            ? String.format(Locale.ROOT, "%.3f ± %.3f", mu, Double.isFinite(sd) ? sd : 0)
                            : String.format(Locale.ROOT, "%.3f", mu));
                }
                t.row(row);
            }
            r.table(t.caption(spread ? "Mean ± standard deviation over seeds (n/a: not measured for this method)."
                    : "One seed (n/a: not measured for this method)."));
        }
        r.reading("Each row is one way of finetuning the customer's noisy data; compare ForgetFilter with no_safety "
                + "(the harm it removes), sequential_safety and replay (the alternatives) and baseft (the aligned start).");

        r.section("Metrics by method");
        for (Metric m : METRICS) {
            double[] mu = new double[ids.size()];
            double[] sd = new double[ids.size()];
            boolean any = false;
            for (int i = 0; i < ids.size(); i++) {
                mu[i] = methods.path(ids.get(i)).path("mean").path(m.key()).asDouble(Double.NaN);
                sd[i] = methods.path(ids.get(i)).path("std").path(m.key()).asDouble(Double.NaN);
                any |= Double.isFinite(mu[i]);
            }
            if (!any) {
                continue;
            }
            r.figure(new BarChart(ids.stream().map(ExperimentReport::label).toList()).series(m.title(), mu, sd)
                            .yLabel(m.title()).size(900, 380), m.title() + " per method",
                    m.direction() + "; error bars are the standard deviation over seeds.");
        }

        JsonNode ff = results.path("forgetfilter");
        var seeds = ff.fieldNames();
        if (seeds.hasNext()) {
            String seed = seeds.next();
            JsonNode d = ff.get(seed);
            r.section("Forgetting (seed " + seed + ")");
            Histogram h = new Histogram().normalized(true).xLabel("forgetting (" + d.path("scoreType").asText() + ")");
            d.path("forgettingByLabel").fields().forEachRemaining(e -> {
                double[] v = new double[e.getValue().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = e.getValue().get(i).asDouble();
                }
                h.series(e.getKey(), v);
            });
            double thr = d.path("threshold").path("value").asDouble(Double.NaN);
            if (Double.isFinite(thr)) {
                h.threshold(thr, "threshold");
            }
            r.figure(h, "Forgetting by label of the noisy examples",
                    "If the method works, unsafe examples sit right of the threshold and safe/task examples left of it.");
            r.paragraph("Threshold: " + d.path("threshold").path("method").asText() + ", "
                    + d.path("threshold").path("reasoning").asText());
            double[] steps = doubles(d.path("curveSteps"));
            LineChart curve = new LineChart().xLabel("safety finetuning steps").yLabel("mean forgetting");
            d.path("curveByLabel").fields().forEachRemaining(e -> {
                double[] ys = doubles(e.getValue());
                if (ys.length == steps.length) {
                    curve.series(e.getKey(), steps, ys);
                }
            });
            r.figure(curve, "Forgetting curves over safety steps",
                    "A growing gap between the unsafe and the other curves is what lets a threshold separate them.");
            JsonNode sens = d.path("sensitivity");
            double[] x = new double[sens.size()];
            double[] f1 = new double[sens.size()];
            double[] frac = new double[sens.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = sens.get(i).path("threshold").asDouble();
                f1[i] = sens.get(i).path("f1").asDouble();
                frac[i] = sens.get(i).path("removedFraction").asDouble();
            }
            r.figure(new LineChart().series("filter F1", x, f1).series("fraction removed", x, frac)
                            .xLabel("threshold").includeZero(true), "Threshold sensitivity",
                    "How F1 and the share of data removed change if the threshold moved; a flat F1 near the chosen "
                            + "threshold means the choice is not fragile.");
        }

        JsonNode sweep = results.path("sweep");
        if (sweep.size() > 0) {
            r.section("Unsafe-ratio sweep (filter quality, paper Table 1)");
            List<String> cats = new ArrayList<>();
            sweep.elements().next().path("mean").fieldNames().forEachRemaining(k -> {
                // Task categories hold no unsafe examples: their F1 is 0 by construction, not informative.
                if (k.endsWith(".f1") && !k.contains(".qa.") && !k.contains(".instruction.")) {
                    cats.add(k);
                }
            });
            List<String> ratios = new ArrayList<>();
            sweep.fieldNames().forEachRemaining(ratios::add);
            Table st = new Table(prepend("unsafe ratio", cats));
            BarChart chart = new BarChart(cats);
            for (String ratio : ratios) {
                List<Object> row = new ArrayList<>(List.of(ratio));
                double[] mu = new double[cats.size()];
                double[] sd = new double[cats.size()];
                for (int i = 0; i < cats.size(); i++) {
                    mu[i] = sweep.path(ratio).path("mean").path(cats.get(i)).asDouble(Double.NaN);
                    sd[i] = sweep.path(ratio).path("std").path(cats.get(i)).asDouble(Double.NaN);
                    row.add(Double.isFinite(mu[i]) ? String.format(Locale.ROOT, "%.3f ± %.3f", mu[i], sd[i]) : "n/a");
                }
                st.row(row);
                chart.series("ratio " + ratio, mu, sd);
            }
            r.table(st.caption("ForgetFilter's F1 of removed vs truly unsafe examples, overall and per category."));
            r.figure(chart.yLabel("F1"), "Filter F1 by category and unsafe ratio",
                    "Higher is better; the paper reports F1 dropping when unsafe examples are the minority.");
        }

        JsonNode inter = results.path("interleaved");
        if (inter.path("sequential_safety").size() > 0) {
            r.section("Interleaved training (long-term safety)");
            for (Metric m : List.of(METRICS.get(0), METRICS.get(4), METRICS.get(6), METRICS.get(8),
                    METRICS.get(10))) {
                LineChart lc = new LineChart().xLabel("round").yLabel(m.title()).errorStyle(LineChart.ErrorStyle.BARS);
                boolean any = false;
                for (String method : List.of("sequential_safety", "forgetfilter")) {
                    JsonNode rounds = inter.path(method);
                    double[] xs = new double[rounds.size()];
                    double[] ys = new double[rounds.size()];
                    double[] es = new double[rounds.size()];
                    for (int i = 0; i < xs.length; i++) {
                        xs[i] = rounds.get(i).path("round").asDouble();
                        ys[i] = rounds.get(i).path("mean").path(m.key()).asDouble(Double.NaN);
                        es[i] = rounds.get(i).path("std").path(m.key()).asDouble(Double.NaN);
                        any |= Double.isFinite(ys[i]);
                    }
                    lc.series(method, xs, ys, es);
                }
                if (any) {
                    r.figure(lc, m.title() + " after each round", "Rounds alternate noisy and safety finetuning "
                            + "(sequential) or finetune on filtered data (ForgetFilter); "
                            + m.direction().toLowerCase(Locale.ROOT) + ".");
                }
            }
        }

        r.section("Provenance");
        r.preformatted(prov.toPrettyString());
        return r;
    }

    /** A method id as a label that wraps at spaces: forgetfilter_sc -> "forgetfilter sc". */
    private static String label(String id) {
        return id.replace('_', ' ');
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> l = new ArrayList<>(List.of(first));
        l.addAll(rest);
        return l;
    }

    private static double[] doubles(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asDouble(Double.NaN);
        }
        return v;
    }
}
