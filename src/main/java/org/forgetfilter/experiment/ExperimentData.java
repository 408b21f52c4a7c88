package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.data.build.AlpacaBuilder;
import org.forgetfilter.data.build.BbqBuilder;
import org.forgetfilter.data.build.HarmBuilder;
import org.forgetfilter.data.build.SquadBuilder;
import org.forgetfilter.data.build.ToxicityBuilder;
import org.forgetfilter.eval.BbqSuite;
import org.forgetfilter.eval.HarmfulRequests;
import org.forgetfilter.eval.CrowsPairs;
import org.forgetfilter.eval.HarmSuite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Every data set of an experiment, built once from the files the config names: per safety category a training
 * pool (unsafe and safe examples) and a held-out evaluation set that share no group (a BBQ question, an
 * hh-rlhf pair, a toxicity text), task pools (SQuAD by article, Alpaca), and the fixed evaluation sets.
 * The split is by a seeded hash of the group, so it does not depend on the run's seed: every seed evaluates on
 * the same held-out items, and the seed varies only sampling and training.
 */
public final class ExperimentData {
    /** Training pools of one category. */
    public record Pool(List<Example> unsafe, List<Example> safe) {
    }

    /** The held-out sets every model is evaluated on. */
    public record EvalSets(List<BbqSuite.Question> bbq, List<CrowsPairs.Pair> crows, List<String> toxicityFirstWords,
                           List<HarmSuite.Pair> harmPairs, List<Example> harmfulRequests, List<Example> squad,
                           List<Example> instructions) {
    }

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final List<Example> squadPool = new ArrayList<>();
    private final List<Example> alpacaPool = new ArrayList<>();
    private final EvalSets eval;
    private final Map<String, Path> files = new LinkedHashMap<>();

    public ExperimentData(ExperimentConfig config) throws IOException {
        JsonNode d = config.section("data");
        double evalShare = config.number("sizes.evalShare", 0.3);
        List<String> categories = categories(config);
        List<Example> bbqEval = new ArrayList<>();
        List<Example> toxEval = new ArrayList<>();
        List<Example> harmEval = new ArrayList<>();
        if (categories.contains(Example.BIAS)) {
            Path p = file(config, "bbq");
            split(Example.BIAS, new BbqBuilder().build(p).examples(), evalShare,
                    e -> e.extraText("bbq_category") + "/" + e.extra().path("question_index").asText(), bbqEval);
            Pool bias = pools.get(Example.BIAS);
            pools.put(Example.BIAS, new Pool(bias.unsafe(), biasSafe(bias.safe(), config)));
        }
        if (categories.contains(Example.TOXICITY)) {
            Path p = file(config, "toxicity");
            split(Example.TOXICITY, new ToxicityBuilder().build(p).examples(), evalShare, Example::id, toxEval);
        }
        if (categories.contains(Example.HARM)) {
            Path p = file(config, "harm");
            split(Example.HARM, new HarmBuilder().build(p, null, null).examples(), evalShare,
                    e -> e.id().substring(0, e.id().lastIndexOf('-')), harmEval);
        }
        List<Example> squadEval = new ArrayList<>();
        List<Example> alpacaEval = new ArrayList<>();
        if (d.has("squad")) {
            // Windows are bounded in words: counting model tokens for all 10k dev questions is slow with a
            // merge-based tokenizer, and a word bound serves the same purpose (keep the sequence short).
            List<Example> all = new SquadBuilder(TokenCounter.words(), config.integer("sizes.squadContextWords", 48))
                    .build(file(config, "squad")).examples();
            splitTask(all, evalShare, e -> e.extraText("article"), squadPool, squadEval);
        }
        if (d.has("alpaca")) {
            List<Example> all = new AlpacaBuilder().build(List.of(file(config, "alpaca"))).examples();
            splitTask(all, evalShare, Example::id, alpacaPool, alpacaEval);
        }
        List<CrowsPairs.Pair> crows = d.has("crowsPairs") ? CrowsPairs.read(file(config, "crowsPairs")) : List.of();
        List<Example> requests = new ArrayList<>();
        for (JsonNode r : d.path("harmfulRequests")) {
            requests.addAll(HarmfulRequests.read(config.dataPath(r.asText())));
        }
        int bbqN = config.integer("sizes.eval.bbq", 100);
        List<BbqSuite.Question> questions = BbqSuite.questions(bbqEval);
        List<String> firstWords = new ArrayList<>();
        for (Example e : toxEval) {
            String fw = e.extraText("first_words");
            if (fw != null && !fw.isBlank()) {
                firstWords.add(fw);
            }
        }
        eval = new EvalSets(sample(questions, bbqN, 11), sample(crows, config.integer("sizes.eval.crows", 200), 12),
                sample(firstWords, config.integer("sizes.eval.toxicity", 50), 13),
                sample(HarmSuite.pairs(harmEval), config.integer("sizes.eval.harmPairs", 100), 14),
                sample(requests, config.integer("sizes.eval.harmRequests", 50), 15),
                sample(squadEval, config.integer("sizes.eval.squad", 50), 16),
                sample(alpacaEval, config.integer("sizes.eval.instructions", 30), 17));
    }

    public static List<String> categories(ExperimentConfig config) {
        List<String> out = new ArrayList<>();
        JsonNode c = config.section("categories");
        if (c.isMissingNode()) {
            return List.of(Example.BIAS, Example.TOXICITY, Example.HARM);
        }
        c.forEach(n -> out.add(n.asText()));
        return out;
    }

    public Pool pool(String category) {
        return pools.get(category);
    }

    public List<String> categories() {
        return new ArrayList<>(pools.keySet());
    }

    public List<Example> squadPool() {
        return squadPool;
    }

    public List<Example> alpacaPool() {
        return alpacaPool;
    }

    public EvalSets eval() {
        return eval;
    }

    /** Every input file by config key (for provenance hashes). */
    public Map<String, Path> files() {
        return files;
    }

    /**
     * The safe bias examples of the training pool. {@code biasSafe: "unknown"} (the default, METHOD.md section 3):
     * the ambiguous questions answered "unknown", the same kind of question as the unsafe ones, which the safe
     * review set then contradicts directly; {@code "unknown+correct"} also counts every disambiguated question
     * answered correctly (the experiment's pools before 2026-12-03). The held-out BBQ questions keep both context
     * conditions.
     */
    private static List<Example> biasSafe(List<Example> safe, ExperimentConfig config) {
        String rule = config.text("biasSafe", "unknown");
        return switch (rule) {
            case "unknown+correct" -> safe;
            case "unknown" -> safe.stream().filter(e -> "ambig".equals(e.extraText("context_condition"))).toList();
            default -> throw new IllegalArgumentException(config.where() + ": biasSafe must be \"unknown\" or "
                    + "\"unknown+correct\", got \"" + rule + "\"");
        };
    }

    private Path file(ExperimentConfig config, String key) throws IOException {
        Path p = config.dataPath(config.section("data").get(key).asText());
        if (!Files.exists(p)) {
            throw new IOException("data." + key + ": " + p + " not found (data paths are relative to dataRoot = "
                    + config.dataRoot().toAbsolutePath() + ")");
        }
        files.put(key, p);
        return p;
    }

    private void split(String category, List<Example> all, double evalShare,
                       java.util.function.Function<Example, String> group, List<Example> evalOut) {
        List<Example> unsafe = new ArrayList<>();
        List<Example> safe = new ArrayList<>();
        for (Example e : all) {
            if (heldOut(group.apply(e), evalShare)) {
                evalOut.add(e);
            } else if (Example.UNSAFE.equals(e.label())) {
                unsafe.add(e);
            } else if (Example.SAFE.equals(e.label())) {
                safe.add(e);
            }
        }
        pools.put(category, new Pool(unsafe, safe));
    }

    private static void splitTask(List<Example> all, double evalShare,
                                  java.util.function.Function<Example, String> group, List<Example> train,
                                  List<Example> evalOut) {
        for (Example e : all) {
            (heldOut(group.apply(e), evalShare) ? evalOut : train).add(e);
        }
    }

    /** Deterministic group-level split: the group's hash decides, independent of order and seed. */
    static boolean heldOut(String group, double share) {
        String h = ExperimentConfig.hash("split", group);
        long v = Long.parseLong(h.substring(0, 8), 16);
        return v < share * 0x1_0000_0000L;
    }

    /** Up to n items, a seeded random subset in a seeded order (all when n <= 0 or the list is short). */
    static <T> List<T> sample(List<T> items, int n, long seed) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, new Random(seed));
        return n <= 0 || n >= copy.size() ? copy : new ArrayList<>(copy.subList(0, n));
    }
}
