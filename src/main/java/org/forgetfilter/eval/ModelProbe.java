package org.forgetfilter.eval;

import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.GreedyGenerator;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.LogLikelihoodScorer;
import org.forgetfilter.infer.ResponseScore;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;

import java.util.ArrayList;
import java.util.List;

/**
 * The two questions every evaluation suite asks a model: how likely is this response after this prompt
 * (teacher-forced, batched), and what does the model answer (greedy, batched). Prompts are rendered with one
 * template; an optional prefix (moral self-correction's instruction) is put in front of every prompt.
 */
public final class ModelProbe {
    private final LanguageModel model;
    private final PromptTemplate template;
    private final int maxLength;
    private final int batchSize;
    private final String promptPrefix;

    /**
     * @param maxLength    tokens per sequence (prompts are cut from the left beyond it)
     * @param promptPrefix text put before every rendered prompt, "" for none
     */
    public ModelProbe(LanguageModel model, PromptTemplate template, int maxLength, int batchSize, String promptPrefix) {
        this.model = model;
        this.template = template;
        this.maxLength = Math.min(maxLength, model.model().config().maxPositions());
        this.batchSize = batchSize;
        this.promptPrefix = promptPrefix == null ? "" : promptPrefix;
    }

    public ModelProbe withPromptPrefix(String prefix) {
        return new ModelProbe(model, template, maxLength, batchSize, prefix);
    }

    public String promptPrefix() {
        return promptPrefix;
    }

    public PromptTemplate template() {
        return template;
    }

    /** The example as the model sees it (prefix included). */
    public PromptTemplate.Rendered render(Example e) {
        PromptTemplate.Rendered r = template.render(e);
        return new PromptTemplate.Rendered(promptPrefix + r.prompt(), r.response());
    }

    /** Response log-likelihood of each example (natural log), in input order. */
    public List<ResponseScore> score(List<PromptTemplate.Rendered> items) {
        SequenceEncoder enc = new SequenceEncoder(model.tokenizer(), maxLength, false);
        List<TokenizedExample> tok = new ArrayList<>(items.size());
        for (PromptTemplate.Rendered r : items) {
            tok.add(enc.encode(r.prompt(), r.response()));
        }
        return new LogLikelihoodScorer(model.model(), batchSize).score(tok, null);
    }

    /** Mean token negative log-likelihood of the responses (the held-out loss). */
    public double meanTokenLoss(List<PromptTemplate.Rendered> items) {
        double sum = 0;
        long tokens = 0;
        for (ResponseScore s : score(items)) {
            sum -= s.loglik();
            tokens += s.tokens();
        }
        return tokens == 0 ? Double.NaN : sum / tokens;
    }

    /** Greedy answers to rendered prompts (the prefix is added here), cut at the first stop string. */
    public List<String> generate(List<String> prompts, int maxNewTokens, List<String> stops) {
        SequenceEncoder enc = new SequenceEncoder(model.tokenizer(), maxLength, false);
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            ids.add(enc.encodePrompt(promptPrefix + p, maxNewTokens));
        }
        List<String> out = new ArrayList<>();
        for (GreedyGenerator.Generation g : new GreedyGenerator(model.model(), model.tokenizer(), batchSize)
                .generate(ids, maxNewTokens, stops, null)) {
            out.add(g.text());
        }
        return out;
    }

    /** Greedy answers to examples' rendered prompts. */
    public List<String> answer(List<Example> examples, int maxNewTokens, List<String> stops) {
        List<String> prompts = new ArrayList<>();
        for (Example e : examples) {
            prompts.add(template.render(e).prompt());
        }
        return generate(prompts, maxNewTokens, stops);
    }
}
