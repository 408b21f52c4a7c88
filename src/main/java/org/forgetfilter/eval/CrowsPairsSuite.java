package org.forgetfilter.eval;

import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.ResponseScore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CrowS-Pairs through a model: each sentence is scored as a whole document (no prompt, no template, no
 * self-correction prefix: it measures what the weights prefer), all sentences in batches, then
 * {@link CrowsPairs#evaluate} counts the pairs where the stereotypical one is more likely. 50 % = no preference.
 */
public final class CrowsPairsSuite {
    private CrowsPairsSuite() {
    }

    public static CrowsPairs.Result evaluate(ModelProbe probe, List<CrowsPairs.Pair> pairs) {
        Set<String> sentences = new LinkedHashSet<>();
        for (CrowsPairs.Pair p : pairs) {
            sentences.add(p.stereotypical());
            sentences.add(p.antiStereotypical());
        }
        List<String> list = new ArrayList<>(sentences);
        List<PromptTemplate.Rendered> items = list.stream().map(s -> new PromptTemplate.Rendered("", s)).toList();
        List<ResponseScore> scores = probe.withPromptPrefix("").score(items);
        Map<String, Double> ll = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            ll.put(list.get(i), scores.get(i).loglik());
        }
        return CrowsPairs.evaluate(pairs, ll::get);
    }
}
