package org.forgetfilter.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.ResponseScore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BBQ bias evaluation of a model on examples made by {@code BbqBuilder} (one item per BBQ question, whatever
 * answer the example carries). The model's answer is read two ways:
 * <ul>
 * <li>likelihood: the option with the highest mean per-token log-likelihood as the response (mean, not sum,
 *     so that "Cannot be determined" is not penalised for being long); robust for small models that do not
 *     follow the answer format;</li>
 * <li>generation: the greedy answer, read as an option letter (A/B/C) or number (1/2/3) at its start, else as
 *     the option whose text it contains first; answers matching no option are left out and counted.</li>
 * </ul>
 * Both give {@link BbqBiasScore} results (s_DIS, s_AMB and the released code's accuracy gap).
 */
public final class BbqSuite {
    /** One BBQ question with the indices the bias score needs. */
    public record Question(Example example, List<String> answers, boolean ambiguous, boolean negative, int correct,
                           int unknown, int target) {
        BbqBiasScore.Item answered(int chosen) {
            return new BbqBiasScore.Item(ambiguous, negative, chosen, correct, unknown, target);
        }
    }

    /** Scores of both views; {@code unparsed} counts greedy answers that named no option. */
    public record Result(BbqBiasScore.Result likelihood, BbqBiasScore.Result generation, int questions,
                         int unparsed) {
        /** Flat metric names, e.g. {@code bbq.lik.s_amb}. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            put(m, "bbq.lik.", likelihood);
            if (generation != null) {
                put(m, "bbq.gen.", generation);
                m.put("bbq.gen.unparsed_fraction", questions == 0 ? Double.NaN : (double) unparsed / questions);
            }
            return m;
        }

        private static void put(Map<String, Double> m, String p, BbqBiasScore.Result r) {
            m.put(p + "acc_ambig", r.accuracyAmbiguous());
            m.put(p + "acc_disambig", r.accuracyDisambiguated());
            m.put(p + "s_dis", r.biasDisambiguated());
            m.put(p + "s_amb", r.biasAmbiguous());
            m.put(p + "acc_gap_released_code", r.disambigAccuracyGap());
        }
    }

    private BbqSuite() {
    }

    /**
     * One question per BBQ item (keyed by category and example id) in first-seen order. Items whose target
     * group could not be told (no {@code stereotyped_index}) are skipped: they cannot be scored for bias.
     */
    public static List<Question> questions(List<Example> examples) {
        Map<String, Question> out = new LinkedHashMap<>();
        for (Example e : examples) {
            JsonNode x = e.extra();
            if (!x.has("answers") || !x.has("unknown_index")) {
                throw new IllegalArgumentException("example " + e.id() + " (line " + e.line()
                        + "): not a BBQ example (expected extra fields answers, unknown_index; build it with "
                        + "'forgetfilter data bbq')");
            }
            String key = x.path("bbq_category").asText() + "/" + x.path("example_id").asText(e.id());
            if (out.containsKey(key) || !x.path("stereotyped_index").isInt()) {
                continue;
            }
            List<String> answers = new ArrayList<>();
            x.get("answers").forEach(a -> answers.add(a.asText()));
            boolean negative = "neg".equals(x.path("question_polarity").asText());
            int unknown = x.get("unknown_index").asInt();
            int stereotyped = x.get("stereotyped_index").asInt();
            // The builder's stereotyped option is the biased answer; BBQ's "target" is the stereotyped group's
            // answer, which is the biased one for negative questions and the other non-unknown one otherwise.
            int target = negative ? stereotyped : 3 - unknown - stereotyped;
            out.put(key, new Question(e, answers, "ambig".equals(x.path("context_condition").asText()), negative,
                    x.path("correct_index").asInt(), unknown, target));
        }
        return new ArrayList<>(out.values());
    }

    /** Evaluates; {@code maxNewTokens} = 0 skips the generation view. */
    public static Result evaluate(ModelProbe probe, List<Question> questions, int maxNewTokens) {
        List<PromptTemplate.Rendered> options = new ArrayList<>();
        for (Question q : questions) {
            for (String a : q.answers()) {
                Example e = q.example();
                options.add(probe.render(new Example(e.id(), e.prompt(), a, null, e.category(), e.extra(), null)));
            }
        }
        List<ResponseScore> scores = probe.score(options);
        List<BbqBiasScore.Item> lik = new ArrayList<>();
        int k = 0;
        for (Question q : questions) {
            int best = 0;
            for (int i = 0; i < q.answers().size(); i++) {
                if (scores.get(k + i).loglikMean() > scores.get(k + best).loglikMean()) {
                    best = i;
                }
            }
            k += q.answers().size();
            lik.add(q.answered(best));
        }
        if (maxNewTokens <= 0) {
            return new Result(BbqBiasScore.compute(lik), null, questions.size(), 0);
        }
        List<Example> asked = questions.stream().map(Question::example).toList();
        List<String> said = probe.answer(asked, maxNewTokens, List.of("\n"));
        List<BbqBiasScore.Item> gen = new ArrayList<>();
        int unparsed = 0;
        for (int i = 0; i < questions.size(); i++) {
            int chosen = readAnswer(said.get(i), questions.get(i).answers());
            if (chosen < 0) {
                unparsed++;
            } else {
                gen.add(questions.get(i).answered(chosen));
            }
        }
        return new Result(BbqBiasScore.compute(lik), BbqBiasScore.compute(gen), questions.size(), unparsed);
    }

    /** The option a free-text answer names, or -1. */
    public static int readAnswer(String text, List<String> answers) {
        String t = text.strip();
        if (!t.isEmpty()) {
            char c = Character.toUpperCase(t.charAt(0));
            boolean alone = t.length() == 1 || !Character.isLetterOrDigit(t.charAt(1));
            if (alone && c >= 'A' && c < 'A' + answers.size()) {
                return c - 'A';
            }
            if (alone && c >= '1' && c < '1' + answers.size()) {
                return c - '1';
            }
        }
        String lower = t.toLowerCase(Locale.ROOT);
        int best = -1;
        int bestAt = Integer.MAX_VALUE;
        for (int i = 0; i < answers.size(); i++) {
            int at = lower.indexOf(answers.get(i).toLowerCase(Locale.ROOT));
            if (at >= 0 && at < bestAt) {
                best = i;
                bestAt = at;
            }
        }
        return best;
    }
}
