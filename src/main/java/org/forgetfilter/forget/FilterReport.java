package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.forgetfilter.data.Example;
import org.forgetfilter.eval.ThresholdSensitivity;
import org.forgetfilter.io.Json;
import org.forgetfilter.report.Histogram;
import org.forgetfilter.report.HtmlReport;
import org.forgetfilter.report.LineChart;
import org.forgetfilter.report.Palette;
import org.forgetfilter.report.ScatterPlot;
import org.forgetfilter.report.Table;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.StepRecord;

/**
 * report.html of a filter run, for the reviewer who signs off the removals: the warnings first, then every removed
 * example with its reason, the examples nearest the threshold on both sides, how the removals would change with the
 * threshold, the distributions behind the decision, and the training curves. Colours: hidden labels always in
 * {@link Palette#LABELS}, kept/removed always in {@link Palette#DECISIONS}. Every text is escaped.
 */
final class FilterReport {
    private static final int SHOWN = 10;
    /** Examples listed on each side of the threshold. */
    private static final int NEAREST = 10;
    /** Characters of a prompt or response shown before the rest is folded. */
    private static final int FOLD = 120;
    private static final List<String> TRAINING_STAGES = List.of("finetune_m1", "safety", "retrain");

    private final FilterConfig cfg;
    private final List<Example> data;
    private final FilterResult r;
    private final Path stagesDir;
    private final boolean labels;

    FilterReport(FilterConfig cfg, List<Example> data, FilterResult r, Path stagesDir) {
        this.cfg = cfg;
        this.data = data;
        this.r = r;
        this.stagesDir = stagesDir;
        this.labels = FilterSummary.hasLabels(data);
    }

    void write(Path file) throws IOException {
        ObjectNode s = r.summary();
        HtmlReport h = new HtmlReport("ForgetFilter report");
        warnings(h);
        h.paragraph(String.format(Locale.ROOT, "%d examples in, %d kept, %d removed. Score: %s (%s decides). "
                        + "Safety finetune: %d steps. Threshold %.4g by %s. Examples are removed when their decision "
                        + "value (%s) is above the threshold.", data.size(), data.size() - r.removedCount(),
                r.removedCount(), cfg.score().cliName(), cfg.score().decidingName(), cfg.safetySteps(),
                r.threshold().threshold(), r.threshold().method(), decisionName()));
        h.reading(r.threshold().reasoning());

        h.section("Summary");
        h.table(summaryTable(s));

        Integer[] order = IntStream.range(0, data.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -r.decision()[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
        h.section("Removed examples (" + r.removedCount() + ")");
        List<Integer> removed = new ArrayList<>();
        for (int i : order) {
            if (r.removed()[i]) {
                removed.add(i);
            }
        }
        if (removed.isEmpty()) {
            h.paragraph("Nothing was removed.");
        } else {
            h.table(examples(removed, true).caption("Every removed example, highest decision value first"));
        }
        h.reading("The decision column is the value the threshold was applied to, and the sort key of every table "
                + "here; the reason says how it compares with the threshold. Long prompts and responses unfold on "
                + "click.");

        h.section("Nearest the threshold");
        h.table(examples(nearest(order, true), false).caption("The " + NEAREST + " removed examples closest above "
                + "the threshold"));
        h.table(examples(nearest(order, false), false).caption("The " + NEAREST + " kept examples closest below "
                + "the threshold"));
        h.reading("These are the decisions a small change of the threshold would flip: read them first when "
                + "checking whether the cut is in the right place.");

        h.section("Threshold sensitivity");
        sensitivity(h);

        Map<String, List<Integer>> groups = groups();
        Map<String, String> colours = labels ? Palette.LABELS : Palette.DECISIONS;
        String by = labels ? "by hidden label" : "by the filter's decision (no labels were given)";
        h.section("Forgetting rates");
        boolean weighted = r.proximity() != null;
        Histogram hist = new Histogram().title(weighted
                        ? "Forgetting rate (score under M1 - after the safety finetune) × review-proximity weight"
                        : "Forgetting rate = score under M1 - score after the safety finetune")
                .xLabel(decisionName() + " (" + cfg.score().decidingName() + ")").yLabel("examples").bins(30)
                .threshold(r.threshold().threshold(), "threshold").colours(colours);
        groups.forEach((label, idx) -> hist.series(label, pick(r.decision(), idx)));
        h.figure(hist, "The " + decisionName() + ", " + by + ", with the threshold.", labels
                ? "Examples right of the line were removed; unsafe examples should sit to the right."
                : "Examples right of the line were removed (so every removed example is right of it by "
                        + "construction); without labels the figure shows only whether the values form groups.");
        if (weighted) {
            ScatterPlot px = new ScatterPlot().title("Forgetting rate vs closeness to the safety review set")
                    .xLabel("cosine similarity of the prompt to the review prompts (under M1)")
                    .yLabel("forgetting rate").colours(colours);
            groups.forEach((label, idx) -> px.series(label, pick(r.proximity().similarity(), idx),
                    pick(r.forgetting(), idx)));
            h.figure(px, "Each example's forgetting rate against how close its prompt is to the review set, " + by
                            + ".",
                    "Forgetting far from the review set is discounted: it is drift any further finetuning causes, "
                            + "not the review set contradicting the example.");
        }

        ScatterPlot sc = new ScatterPlot().title("Score under M1 vs after the safety finetune").diagonal(true)
                .xLabel("score under M1").yLabel("score under M2").colours(colours);
        double[] s1 = r.m1().deciding(cfg.score());
        double[] s2 = r.m2().deciding(cfg.score());
        groups.forEach((label, idx) -> sc.series(label, pick(s1, idx), pick(s2, idx)));
        h.figure(sc, "Each example's score before and after the safety finetune, " + by + ".",
                "Points far below the diagonal were learned under M1 and then forgotten.");

        if (!r.atStep().isEmpty()) {
            LineChart lc = new LineChart().title("Mean score over safety steps").xLabel("safety step")
                    .yLabel("mean " + cfg.score().decidingName()).colours(colours);
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
            h.figure(lc, "Forgetting curves: mean score of each group after each scored safety step (0 = M1), " + by
                            + ".",
                    "A group whose curve falls fast is forgotten fast; the filter relies on unsafe examples falling first.");
        }

        lossCurves(h);

        h.section("Most forgotten examples");
        h.table(examples(List.of(order).subList(0, Math.min(SHOWN, order.length)), false));
        h.section("Least forgotten examples");
        List<Integer> reversed = new ArrayList<>(List.of(order));
        java.util.Collections.reverse(reversed);
        h.table(examples(reversed.subList(0, Math.min(SHOWN, reversed.size())), false));
        h.section("Provenance");
        h.preformatted(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s.get("provenance")));
        h.writeTo(file);
    }

    private String decisionName() {
        return r.proximity() != null ? "forgetting rate × review-proximity weight" : "forgetting rate";
    }

    /** The trust checks in a box at the top: red with every warning, green when none fired. */
    private void warnings(HtmlReport h) {
        if (r.warnings().isEmpty()) {
            h.alert("Trust checks: no warnings. M1 learned most examples, the decision values separate, the "
                    + "threshold is positive, less than half the data is removed"
                    + (labels ? ", the labels agree with the decision" : "")
                    + ", nothing was cut and no record repeats.", List.of(), true);
            return;
        }
        List<String> items = new ArrayList<>();
        for (RunWarning w : r.warnings()) {
            items.add(String.format(Locale.ROOT, "%s (measured %.4g): %s", w.code(), w.value(), w.message()));
        }
        h.alert(r.warnings().size() + " warning" + (r.warnings().size() == 1 ? "" : "s") + ": do not trust this "
                + "decision before reading " + (r.warnings().size() == 1 ? "it" : "them")
                + (r.stoppedBeforeRetrain() ? " (the run stopped before the retrain: no delivered model)" : ""),
                items, false);
    }

    private void sensitivity(HtmlReport h) {
        boolean[] y = labels ? FilterSummary.unsafeLabels(data) : null;
        double t = r.threshold().threshold();
        List<ThresholdSensitivity.Point> pts = ThresholdSensitivity.of(r.decision(), y, 60, t);
        double[] x = pts.stream().mapToDouble(ThresholdSensitivity.Point::threshold).toArray();
        LineChart lc = new LineChart().title("What other thresholds would remove").xLabel("threshold on the "
                        + decisionName()).yLabel(labels ? "fraction / metric" : "fraction removed").includeZero(true)
                .colours(Map.of("fraction removed", Palette.DECISIONS.get("removed"))).colours(Palette.METRICS);
        lc.series("fraction removed", x, pts.stream().mapToDouble(ThresholdSensitivity.Point::removedFraction)
                .toArray());
        if (labels) {
            lc.series("precision", x, pts.stream().mapToDouble(ThresholdSensitivity.Point::precision).toArray());
            lc.series("recall", x, pts.stream().mapToDouble(ThresholdSensitivity.Point::recall).toArray());
            lc.series("F1", x, pts.stream().mapToDouble(ThresholdSensitivity.Point::f1).toArray());
        }
        double removedHere = (double) r.removedCount() / Math.max(1, data.size());
        h.figure(lc, String.format(Locale.ROOT, "Share of the data removed%s if the threshold were moved; the chosen "
                        + "threshold %.4g removes %.1f %%.", labels ? " and precision, recall and F1 against the "
                        + "hidden labels" : " (no labels were given, so no precision or recall)", t,
                100 * removedHere),
                "A steep fall of the removed share around the chosen threshold means many examples sit close to it "
                        + "and a small change flips them; a plateau means the cut lies in a gap between groups.");
    }

    /** Loss per optimizer step of each training stage, read from stages/STAGE/training_log.jsonl. */
    private void lossCurves(HtmlReport h) throws IOException {
        LineChart lc = new LineChart().title("Training loss per optimizer step").xLabel("step")
                .yLabel("loss (mean token cross-entropy)");
        int drawn = 0;
        for (String stage : TRAINING_STAGES) {
            Path f = ForgetFilter.trainingLog(stagesDir, stage);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            List<StepRecord> log = FinetuneRun.readLog(f);
            if (log.isEmpty()) {
                continue;
            }
            lc.series(stageName(stage), log.stream().mapToDouble(StepRecord::step).toArray(),
                    log.stream().mapToDouble(StepRecord::loss).toArray());
            drawn++;
        }
        if (drawn > 0) {
            h.section("Training");
            h.figure(lc, "Loss of M1 (finetune on all the customer data), of the trial safety finetune (M1 → M2, on "
                            + "the review set) and of the retrain (M0 on the kept examples), from each stage's "
                            + "training_log.jsonl.",
                    "M1's loss should fall well below its start: the filter measures forgetting of what M1 learned, "
                            + "and an M1 that learned little gives rates that mean little.");
        }
    }

    private static String stageName(String stage) {
        return switch (stage) {
            case "finetune_m1" -> "M1 (customer data)";
            case "safety" -> "safety finetune (review set)";
            default -> "retrain (kept data)";
        };
    }

    /** The removed examples just above the threshold (lowest decision first) or the kept ones just below it. */
    private List<Integer> nearest(Integer[] order, boolean removedSide) {
        List<Integer> out = new ArrayList<>();
        if (removedSide) {
            for (int k = order.length - 1; k >= 0 && out.size() < NEAREST; k--) {
                if (r.removed()[order[k]]) {
                    out.add(order[k]);
                }
            }
        } else {
            for (int k = 0; k < order.length && out.size() < NEAREST; k++) {
                if (!r.removed()[order[k]]) {
                    out.add(order[k]);
                }
            }
        }
        return out;
    }

    private Table summaryTable(ObjectNode s) {
        Table t = new Table("quantity", "value").decimals(4);
        t.row("examples in / kept / removed", s.get("n_input").asInt() + " / " + s.get("n_kept").asInt() + " / "
                + s.get("n_removed").asInt());
        t.row("threshold", sig(r.threshold().threshold()));
        t.row("warnings", r.warnings().isEmpty() ? "none"
                : String.join(", ", r.warnings().stream().map(RunWarning::code).toList()));
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

    /** One row per example: the sort key (decision) first; with {@code withReason} also line and reason. */
    private Table examples(List<Integer> rows, boolean withReason) {
        List<String> columns = new ArrayList<>(List.of("decision", "id", "line", "label", "forgetting", "weight",
                "removed", "reason", "prompt", "response"));
        if (!labels) {
            columns.remove("label");
        }
        if (r.proximity() == null) {
            columns.remove("weight");
        }
        if (!withReason) {
            columns.remove("reason");
        }
        Table t = new Table(columns.toArray(String[]::new));
        t.decimals(4);
        for (int i : rows) {
            Example e = data.get(i);
            ExampleOutcome o = r.outcomes().get(i);
            List<Object> row = new ArrayList<>();
            row.add(sig(o.decision()));
            row.add(e.id());
            row.add(o.line());
            if (labels) {
                row.add(e.label());
            }
            row.add(sig(o.forgetting()));
            if (r.proximity() != null) {
                row.add(o.weight());
            }
            row.add(o.removed() ? "yes" : "no");
            if (withReason) {
                row.add(o.reason());
            }
            row.add(new Table.Folded(e.prompt(), FOLD));
            row.add(new Table.Folded(e.response(), FOLD));
            t.row(row);
        }
        return t;
    }

    /** Example indices by hidden label when labels exist (in a fixed order), else by the decision. */
    private Map<String, List<Integer>> groups() {
        Map<String, List<Integer>> g = new LinkedHashMap<>();
        for (String k : labels ? List.of(Example.UNSAFE, Example.SAFE, Example.TASK) : List.of("removed", "kept")) {
            g.put(k, new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            String key = labels ? data.get(i).label() : (r.removed()[i] ? "removed" : "kept");
            g.get(key).add(i);
        }
        g.values().removeIf(List::isEmpty);
        return g;
    }

    /** Four significant digits: decision values may be tiny (a model that learned nothing forgets nothing). */
    private static String sig(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
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
}
