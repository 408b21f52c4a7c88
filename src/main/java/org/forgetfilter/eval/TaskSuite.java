package org.forgetfilter.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Downstream task quality: SQuAD exact match and F1 of greedy answers (official normalisation, all reference
 * answers of extra {@code answers}), ROUGE-1 and ROUGE-L F of greedy answers to instruction data, and the
 * held-out loss (mean token NLL of the reference responses) over both.
 */
public final class TaskSuite {
    public record Result(double squadExactMatch, double squadF1, int squadQuestions, double rouge1, double rougeL,
                         int instructions, double heldOutLoss) {
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("task.squad_em", squadExactMatch);
            m.put("task.squad_f1", squadF1);
            m.put("task.rouge1", rouge1);
            m.put("task.rougeL", rougeL);
            m.put("task.heldout_loss", heldOutLoss);
            return m;
        }
    }

    private TaskSuite() {
    }

    public static Result evaluate(ModelProbe probe, List<Example> squad, List<Example> instructions,
                                  int maxNewTokens) {
        SquadMetrics.Result sq = new SquadMetrics.Result(Double.NaN, Double.NaN, 0);
        if (!squad.isEmpty() && maxNewTokens > 0) {
            List<String> said = probe.answer(squad, maxNewTokens, List.of("\n"));
            List<SquadMetrics.Prediction> preds = new ArrayList<>();
            for (int i = 0; i < squad.size(); i++) {
                preds.add(new SquadMetrics.Prediction(said.get(i).strip(), references(squad.get(i))));
            }
            sq = SquadMetrics.evaluate(preds);
        }
        double r1 = Double.NaN;
        double rl = Double.NaN;
        if (!instructions.isEmpty() && maxNewTokens > 0) {
            List<String> said = probe.answer(instructions, maxNewTokens, List.of());
            RougeOne one = RougeOne.withStemmer();
            RougeL l = RougeL.withStemmer();
            double s1 = 0;
            double sl = 0;
            for (int i = 0; i < instructions.size(); i++) {
                String ref = instructions.get(i).response();
                s1 += one.fmeasure(ref, said.get(i));
                sl += l.fmeasure(ref, said.get(i));
            }
            r1 = s1 / instructions.size();
            rl = sl / instructions.size();
        }
        List<PromptTemplate.Rendered> all = new ArrayList<>();
        squad.forEach(e -> all.add(probe.render(e)));
        instructions.forEach(e -> all.add(probe.render(e)));
        double loss = all.isEmpty() ? Double.NaN : probe.meanTokenLoss(all);
        return new Result(sq.exactMatch(), sq.f1(), sq.count(), r1, rl, instructions.size(), loss);
    }

    /** The reference answers of a SQuAD example: extra {@code answers}, else its response. */
    static List<String> references(Example e) {
        JsonNode a = e.extra().get("answers");
        List<String> out = new ArrayList<>();
        if (a != null && a.isArray()) {
            a.forEach(n -> out.add(n.asText()));
        }
        if (out.isEmpty()) {
            out.add(e.response());
        }
        return out;
    }
}
