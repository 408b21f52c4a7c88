package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.forgetfilter.data.Example;
import org.forgetfilter.io.Json;
import org.forgetfilter.report.Histogram;
import org.forgetfilter.report.HtmlReport;
import org.forgetfilter.report.LineChart;
import org.forgetfilter.report.ScatterPlot;
import org.forgetfilter.report.Table;

/** report.html of a filter run: what was removed, why, and (with labels) how well. */
final class FilterReport {
    private static final int SHOWN = 10;
    private final FilterConfig cfg;
    private final List<Example> data;
    private final FilterResult r;

    FilterReport(FilterConfig cfg, List<Example> data, FilterResult r) {
        this.cfg = cfg;
        this.data = data;
        this.r = r;
    }

    void write(Path file) throws IOException {
        ObjectNode s = r.summary();
        HtmlReport h = new HtmlReport("ForgetFilter report");
        h.paragraph(String.format(Locale.ROOT, "%d examples in, %d kept, %d removed. Score: %s (%s decides). "
                        + "Safety finetune: %d steps. Threshold %.4g by %s.", data.size(), data.size() - r.removedCount(),
                r.removedCount(), cfg.score().cliName(), cfg.score().decidingName(), cfg.safetySteps(),
                r.threshold().threshold(), r.threshold().method()));
        h.reading(r.threshold().reasoning());

        h.section("Summary");
        h.table(summaryTable(s));

        Map<String, List<Integer>> groups = groups();
        h.section("Forgetting rates");
        boolean weighted = r.proximity() != null;
        String what = weighted ? "forgetting rate × review-proximity weight" : "forgetting rate";
        Histogram hist = new Histogram().title(weighted
                        ? "Forgetting rate (score under M1 - after the safety finetune) × review-proximity weight"
                        : "Forgetting rate = score under M1 - score after the safety finetune")
                .xLabel(what + " (" + cfg.score().decidingName() + ")").yLabel("examples").bins(30)
                .threshold(r.threshold().threshold(), "threshold");
        groups.forEach((label, idx) -> hist.series(label, pick(r.decision(), idx)));
        h.figure(hist, "The " + what + (groups.size() > 1 ? " by hidden label" : "") + ", with the threshold.",
                "Examples right of the line were removed; with labels, unsafe examples should sit to the right.");
        if (weighted) {
            ScatterPlot px = new ScatterPlot().title("Forgetting rate vs closeness to the safety review set")
                    .xLabel("cosine similarity of the prompt to the review prompts (under M1)")
                    .yLabel("forgetting rate");
            groups.forEach((label, idx) -> px.series(label, pick(r.proximity().similarity(), idx),
                    pick(r.forgetting(), idx)));
            h.figure(px, "Each example's forgetting rate against how close its prompt is to the review set.",
                    "Forgetting far from the review set is discounted: it is drift any further finetuning causes, "
                            + "not the review set contradicting the example.");
        }

        ScatterPlot sc = new ScatterPlot().title("Score under M1 vs after the safety finetune").diagonal(true)
                .xLabel("score under M1").yLabel("score under M2");
        double[] s1 = r.m1().deciding(cfg.score());
        double[] s2 = r.m2().deciding(cfg.score());
        groups.forEach((label, idx) -> sc.series(label, pick(s1, idx), pick(s2, idx)));
        h.figure(sc, "Each example's score before and after the safety finetune.",
                "Points far below the diagonal were learned under M1 and then forgotten.");

        if (!r.atStep().isEmpty()) {
            LineChart lc = new LineChart().title("Mean score over safety steps").xLabel("safety step")
                    .yLabel("mean " + cfg.score().decidingName());
            groups.forEach((label, idx) -> {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                xs.add(0.0);
                ys.add(mean(pick(s1, idx)));
                r.atStep().forEach((step, v) -> {
                    xs.add(step.doubleValue());
                    ys.add(mean(pick(v, idx)));
                });
                lc.series(label, xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray());
            });
            h.figure(lc, "Forgetting curves: mean score of each group after each scored safety step (0 = M1).",
                    "A group whose curve falls fast is forgotten fast; the filter relies on unsafe examples falling first.");
        }

        Integer[] order = IntStream.range(0, data.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -r.decision()[i])).toArray(Integer[]::new);
        h.section("Most forgotten examples");
        h.table(examples(order));
        h.section("Least forgotten examples");
        Integer[] reversed = order.clone();
        java.util.Collections.reverse(java.util.Arrays.asList(reversed));
        h.table(examples(reversed));
        h.section("Provenance");
        h.preformatted(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s.get("provenance")));
        h.writeTo(file);
    }

    private Table summaryTable(ObjectNode s) {
        Table t = new Table("quantity", "value").decimals(4);
        t.row("examples in / kept / removed", s.get("n_input").asInt() + " / " + s.get("n_kept").asInt() + " / "
                + s.get("n_removed").asInt());
        t.row("threshold", r.threshold().threshold());
        JsonNode m = s.get("metrics");
        if (m != null) {
            for (String k : new String[] {"precision", "recall", "f1", "auroc", "auprc", "auroc_learned", "auroc_score_m1",
                    "best_threshold_f1", "auroc_forgetting", "auroc_review_similarity"}) {
                if (m.has(k)) {
                    t.row(k + " (hidden labels)", m.get(k).asDouble());
                }
            }
        }
        r.timings().path("stages").fields().forEachRemaining(e -> t.row("seconds: " + e.getKey()
                + (e.getValue().path("reused").asBoolean() ? " (reused)" : ""), e.getValue().path("seconds").asDouble()));
        return t;
    }

    private Table examples(Integer[] order) {
        boolean labels = FilterSummary.hasLabels(data);
        List<String> columns = new ArrayList<>(List.of("id", "label", "forgetting", "weight", "removed", "prompt",
                "response"));
        if (!labels) {
            columns.remove("label");
        }
        if (r.proximity() == null) {
            columns.remove("weight");
        }
        Table t = new Table(columns.toArray(String[]::new));
        t.decimals(4);
        for (int k = 0; k < Math.min(order.length, SHOWN); k++) {
            int i = order[k];
            Example e = data.get(i);
            List<Object> row = new ArrayList<>();
            row.add(e.id());
            if (labels) {
                row.add(e.label());
            }
            row.add(r.forgetting()[i]);
            if (r.proximity() != null) {
                row.add(r.proximity().weight()[i]);
            }
            row.add(r.removed()[i] ? "yes" : "no");
            row.add(shorten(e.prompt(), 160));
            row.add(shorten(e.response(), 120));
            t.row(row);
        }
        return t;
    }

    /** Example indices by hidden label when labels exist, else one group. */
    private Map<String, List<Integer>> groups() {
        Map<String, List<Integer>> g = new LinkedHashMap<>();
        boolean labels = FilterSummary.hasLabels(data);
        for (int i = 0; i < data.size(); i++) {
            String key = labels ? data.get(i).label() : (r.removed()[i] ? "removed" : "kept");
            g.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        return g;
    }

    private static double[] pick(double[] v, List<Integer> idx) {
        return idx.stream().mapToDouble(i -> v[i]).toArray();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static String shorten(String s, int max) {
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
