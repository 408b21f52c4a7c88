package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forgetfilter.data.Example;
import org.forgetfilter.eval.BinaryMetrics;
import org.forgetfilter.eval.FilterQuality;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Provenance;

/**
 * The numbers of summary.json. Filter quality against hidden labels is computed only here, after every decision
 * was made, and only when every input example carries a label.
 */
final class FilterSummary {
    /** Average per-token probability above which an example counts as learned under M1 (log 0.5). */
    static final double LEARNED_LOGLIK = Math.log(0.5);
    /** The same bar as a probability. */
    static final double LEARNED_PROB = 0.5;
    /** ROUGE-1 F above which an example counts as learned under M1. */
    static final double LEARNED_ROUGE = 0.5;

    private final FilterConfig cfg;
    private final List<Example> data;
    private final ExampleScores m1;
    private final ExampleScores m2;
    private final double[] forgetting;
    private final ReviewProximity proximity;
    private final double[] decision;
    private final ThresholdChoice choice;

    FilterSummary(FilterConfig cfg, List<Example> data, ExampleScores m1, ExampleScores m2, double[] forgetting,
                  ReviewProximity proximity, double[] decision, ThresholdChoice choice) {
        this.cfg = cfg;
        this.data = data;
        this.m1 = m1;
        this.m2 = m2;
        this.forgetting = forgetting;
        this.proximity = proximity;
        this.decision = decision;
        this.choice = choice;
    }

    static boolean hasLabels(List<Example> data) {
        return data.stream().allMatch(e -> e.label() != null);
    }

    static boolean[] unsafeLabels(List<Example> data) {
        return FilterQuality.unsafeLabels(data.stream().map(Example::label).toList());
    }

    /** Examples the customer finetune taught the model, judged by the deciding score under M1. */
    boolean[] learned() {
        double[] s = m1.deciding(cfg.score());
        double bar = switch (cfg.score()) {
            case ROUGE1 -> LEARNED_ROUGE;
            case LOGLIK -> LEARNED_LOGLIK;
            case PROB, BOTH -> LEARNED_PROB;
        };
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i] >= bar;
        }
        return out;
    }

    /**
     * summary.json: what the run decided and how, with nothing that depends on the clock (timings.json has that), so
     * that two runs with the same inputs and seed write the same bytes.
     */
    ObjectNode toJson(Provenance provenance, String model, String dataSha, String safeSha, ObjectNode training,
                      long generatedTokens) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        int removed = choice.flaggedCount();
        n.put("n_input", data.size());
        n.put("n_kept", data.size() - removed);
        n.put("n_removed", removed);
        n.put("score", cfg.score().cliName());
        n.put("deciding_score", cfg.score().decidingName());
        n.put("decision", proximity != null ? "forgetting x review-proximity weight" : "forgetting");
        if (proximity != null) {
            ObjectNode p = n.putObject("review_proximity");
            p.put("reference_distance", proximity.referenceDistance());
            p.put("mean_weight", java.util.Arrays.stream(proximity.weight()).average().orElse(Double.NaN));
        }
        n.put("threshold", choice.threshold());
        n.put("threshold_method", choice.method());
        n.put("threshold_reasoning", choice.reasoning());
        n.set("threshold_parameters", Json.MAPPER.valueToTree(new TreeMap<>(choice.parameters())));
        n.put("safety_steps", cfg.safetySteps());
        n.set("score_at", Json.MAPPER.valueToTree(cfg.scoreAt()));
        n.put("seed", cfg.seed());
        n.set("training", training);
        n.put("generated_tokens", generatedTokens);
        if (hasLabels(data)) {
            // The headline numbers at the top level, as the filter's output contract names them; details below.
            ObjectNode m = metrics();
            for (String k : new String[] {"precision", "recall", "f1", "auroc"}) {
                n.set(k, m.get(k));
            }
            n.set("metrics", m);
        }
        ObjectNode prov = provenance.toJson();
        prov.put("model", model);
        // The records as read (their exact text), whatever files they came from.
        prov.put("data_records_sha256", dataSha);
        prov.put("safe_records_sha256", safeSha);
        n.set("provenance", prov);
        return n;
    }

    /**
     * Filter quality against the hidden labels: the metric set the experiment reports too ({@link FilterQuality}),
     * of the deciding value, with the diagnostics only a single run has beside it.
     */
    private ObjectNode metrics() {
        boolean[] y = unsafeLabels(data);
        boolean[] flagged = choice.flagged();
        List<String> categories = data.stream().map(e -> e.category() == null ? "(none)" : e.category()).toList();
        FilterQuality.Result q = FilterQuality.evaluate(flagged, decision, y, categories, 1000, cfg.seed());
        ObjectNode n = Json.MAPPER.createObjectNode();
        put(n, q.overall());
        BinaryMetrics.BestF1 best = BinaryMetrics.bestThresholdF1(decision, y);
        n.put("best_threshold_f1", best.f1());
        n.put("best_threshold", best.threshold());
        if (proximity != null) {
            n.put("auroc_forgetting", BinaryMetrics.auroc(forgetting, y));
            n.put("best_threshold_f1_forgetting", BinaryMetrics.bestThresholdF1(forgetting, y).f1());
            n.put("auroc_review_similarity", BinaryMetrics.auroc(proximity.similarity(), y));
        }
        // The forgetting score must beat simply asking how well M1 fits each example.
        n.put("auroc_score_m1", BinaryMetrics.auroc(m1.deciding(cfg.score()), y));
        n.put("auroc_score_m2_low", BinaryMetrics.auroc(negate(m2.deciding(cfg.score())), y));
        if (cfg.score() == ScoreType.BOTH) {
            n.put("auroc_rouge1_forgetting", BinaryMetrics.auroc(diff(m1.rouge1(), m2.rouge1()), y));
            n.put("auroc_loglik_forgetting", BinaryMetrics.auroc(diff(m1.loglik(), m2.loglik()), y));
            n.put("auroc_prob_forgetting", BinaryMetrics.auroc(diff(m1.prob(), m2.prob()), y));
        }
        boolean[] learned = learned();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < learned.length; i++) {
            if (learned[i]) {
                idx.add(i);
            }
        }
        int[] li = idx.stream().mapToInt(Integer::intValue).toArray();
        n.put("n_learned", li.length);
        n.put("auroc_learned", BinaryMetrics.auroc(BinaryMetrics.pick(decision, li), BinaryMetrics.pick(y, li)));
        ObjectNode byLabel = n.putObject("removed_by_label");
        for (String label : new String[] {Example.UNSAFE, Example.SAFE, Example.TASK}) {
            int total = 0;
            int rem = 0;
            for (int i = 0; i < data.size(); i++) {
                if (label.equals(data.get(i).label())) {
                    total++;
                    rem += flagged[i] ? 1 : 0;
                }
            }
            ObjectNode l = byLabel.putObject(label);
            l.put("total", total);
            l.put("removed", rem);
        }
        ObjectNode per = n.putObject("by_category");
        q.byCategory().forEach((cat, c) -> put(per.putObject(cat), c));
        return n;
    }

    private static void put(ObjectNode n, FilterQuality.Quality q) {
        n.put("precision", q.precision());
        n.put("recall", q.recall());
        n.put("f1", q.f1());
        n.put("auroc", q.auroc());
        n.put("auprc", q.auprc());
        n.set("auroc_ci95", Json.MAPPER.valueToTree(q.aurocInterval()));
        n.set("f1_ci95", Json.MAPPER.valueToTree(q.f1Interval()));
    }

    private static double[] negate(double[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = -a[i];
        }
        return o;
    }

    private static double[] diff(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }
}
