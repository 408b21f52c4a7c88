package org.forgetfilter.eval;

import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.data.build.AlpacaBuilder;
import org.forgetfilter.data.build.BbqBuilder;
import org.forgetfilter.data.build.HarmBuilder;
import org.forgetfilter.data.build.SquadBuilder;
import org.forgetfilter.data.build.ToxicityBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One suite by name on files as they are shipped (the library entry behind {@code forgetfilter eval}):
 * <ul>
 * <li>{@code bbq}: BBQ {@code .jsonl} file or folder (likelihood and generation views);</li>
 * <li>{@code crows}: CrowS-Pairs CSV;</li>
 * <li>{@code toxicity}: a file ToxicityBuilder reads (its texts' first three words are the prompts);</li>
 * <li>{@code harm}: hh-rlhf harmless-base {@code .jsonl(.gz)} for the preference view; requests for the refusal
 *     view come separately;</li>
 * <li>{@code squad}: SQuAD v1.1 JSON; {@code instructions}: an Alpaca-format file (ROUGE and loss);</li>
 * <li>{@code loss}: any example file (held-out loss).</li>
 * </ul>
 * Results are flat metric maps; {@code limit} > 0 keeps the first items.
 */
public final class EvalSuites {
    public static final List<String> NAMES = List.of("bbq", "crows", "toxicity", "harm", "squad", "instructions",
            "loss");

    private EvalSuites() {
    }

    public static Map<String, Object> run(String suite, ModelProbe probe, Path data, int limit, int maxNewTokens,
                                          ToxicityScorer scorer, List<Example> harmfulRequests,
                                          TokenCounter counter) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("suite", suite);
        out.put("data", data.toString());
        out.put("template", probe.template().name());
        out.put("promptPrefix", probe.promptPrefix());
        switch (suite) {
            case "bbq" -> {
                List<BbqSuite.Question> q = head(BbqSuite.questions(new BbqBuilder().build(data).examples()), limit);
                BbqSuite.Result r = BbqSuite.evaluate(probe, q, maxNewTokens);
                out.put("items", q.size());
                out.put("metrics", r.metrics());
            }
            case "crows" -> {
                List<CrowsPairs.Pair> pairs = head(CrowsPairs.read(data), limit);
                CrowsPairs.Result r = CrowsPairsSuite.evaluate(probe, pairs);
                out.put("items", pairs.size());
                out.put("metrics", Map.of("crows.stereotype_preference", r.overall().stereotypePreference()));
                out.put("byBiasType", r.byBiasType());
            }
            case "toxicity" -> {
                if (scorer == null) {
                    throw new IllegalArgumentException("suite toxicity needs a scorer: --classifier or --lexicon");
                }
                List<String> prompts = new ArrayList<>();
                for (Example e : head(new ToxicityBuilder().build(data).examples(), limit)) {
                    String fw = e.extraText("first_words");
                    prompts.add(probe.template().render(new Example("p", "", fw == null ? "" : fw, null, null, null,
                            null)).text());
                }
                ToxicitySuite.Result r = ToxicitySuite.evaluate(probe, prompts, scorer, maxNewTokens);
                out.put("items", prompts.size());
                out.put("scorer", r.scorer());
                out.put("metrics", r.metrics());
            }
            case "harm" -> {
                List<HarmSuite.Pair> pairs = head(HarmSuite.pairs(new HarmBuilder().build(data, null, null)
                        .examples()), limit);
                HarmSuite.Result r = HarmSuite.evaluate(probe, pairs, head(harmfulRequests, limit), maxNewTokens);
                out.put("items", pairs.size());
                out.put("requests", r.requests());
                out.put("refusalDetector", "RefusalDetector (phrase list)");
                out.put("metrics", r.metrics());
            }
            case "squad" -> {
                List<Example> ex = head(new SquadBuilder(counter, SquadBuilder.DEFAULT_MAX_CONTEXT_TOKENS).build(data)
                        .examples(), limit);
                out.put("items", ex.size());
                out.put("metrics", TaskSuite.evaluate(probe, ex, List.of(), maxNewTokens).metrics());
            }
            case "instructions" -> {
                List<Example> ex = head(new AlpacaBuilder().build(List.of(data)).examples(), limit);
                out.put("items", ex.size());
                out.put("metrics", TaskSuite.evaluate(probe, List.of(), ex, maxNewTokens).metrics());
            }
            case "loss" -> {
                List<PromptTemplate.Rendered> items = new ArrayList<>();
                try (ExampleReader reader = ExampleReader.open(data, null, false)) {
                    for (Example e : reader) {
                        if (limit > 0 && items.size() >= limit) {
                            break;
                        }
                        items.add(probe.render(e));
                    }
                }
                out.put("items", items.size());
                out.put("metrics", Map.of("task.heldout_loss", probe.meanTokenLoss(items)));
            }
            default -> throw new IllegalArgumentException("unknown suite '" + suite + "' (known: " + NAMES + ")");
        }
        return out;
    }

    private static <T> List<T> head(List<T> l, int limit) {
        return limit > 0 && l.size() > limit ? new ArrayList<>(l.subList(0, limit)) : l;
    }
}
