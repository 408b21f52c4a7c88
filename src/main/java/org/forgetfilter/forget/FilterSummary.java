package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forgetfilter.data.Example;
import org.forgetfilter.eval.BinaryMetrics;
import org.forgetfilter.io.Json;

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
        boolean[] y = new boolean[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Example.UNSAFE.equals(data.get(i).label());
        }
        return y;
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

    ObjectNode toJson(String model, String dataSha, String safeSha, Map<String, Double> stageSeconds,
                      Map<String, Boolean> cached, ObjectNode training, long generatedTokens, double wallSeconds) {
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
        ObjectNode times = n.putObject("stage_seconds");
        stageSeconds.forEach(times::put);
        n.set("stage_cached", Json.MAPPER.valueToTree(cached));
        n.put("wall_seconds", wallSeconds);
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
        ObjectNode prov = n.putObject("provenance");
        prov.put("version", ForgetFilter.VERSION);
        prov.put("model", model);
        prov.put("data_sha256", dataSha);
        prov.put("safe_sha256", safeSha);
        prov.put("config", cfg.describe());
        prov.put("threshold_method", String.valueOf(cfg.threshold()));
        prov.put("java", System.getProperty("java.version"));
        prov.put("cpus", Runtime.getRuntime().availableProcessors());
        return n;
    }

    private ObjectNode metrics() {
        boolean[] y = unsafeLabels(data);
        ObjectNode n = Json.MAPPER.createObjectNode();
        BinaryMetrics.FlagQuality q = BinaryMetrics.flagQuality(choice.flagged(), y);
        n.put("precision", q.precision());
        n.put("recall", q.recall());
        n.put("f1", q.f1());
        // Headline numbers are of the value that decided; the forgetting rate alone (the paper's) is beside them.
        n.put("auroc", BinaryMetrics.auroc(decision, y));
        n.put("auprc", BinaryMetrics.averagePrecision(decision, y));
        n.set("auroc_ci95", Json.MAPPER.valueToTree(BinaryMetrics.bootstrapAuroc(decision, y, 1000, 0.95, cfg.seed())));
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
        boolean[] flagged = choice.flagged();
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
        List<String> categories = data.stream().map(e -> e.category() == null ? "(none)" : e.category()).toList();
        ObjectNode per = n.putObject("by_category");
        BinaryMetrics.perCategory(categories, ix -> BinaryMetrics.flagQuality(BinaryMetrics.pick(flagged, ix),
                BinaryMetrics.pick(y, ix))).forEach((cat, fq) -> {
                    ObjectNode c = per.putObject(cat);
                    c.put("precision", fq.precision());
                    c.put("recall", fq.recall());
                    c.put("f1", fq.f1());
                });
        return n;
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
