package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.data.Example;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.MemoryEstimate;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.train.TrainingConfig;

/**
 * What a filter run will do and need, known before any weight is read: the effective settings of its three
 * trainings (M1, the safety finetune, the delivered model), the data's size in examples and tokens, and the memory
 * estimate ({@link MemoryEstimate#trainingRun}). {@code filter} prints it before it starts and refuses a run that
 * cannot fit; {@code filter --dry-run} prints it as JSON and stops.
 *
 * @param model    the model's config and tokenizer, without weights
 * @param settings the settings with every "auto" resolved for this model
 * @param tokens   tokens of the customer examples as they will be trained (after the cut to max length)
 * @param cut      customer examples longer than the max length
 * @param longest  tokens of the longest example to be trained on (customer or safe), after the cut: with the batch
 *                 size it sets the activations
 */
public record FilterPlan(Checkpoint model, FilterSettings settings, FilterConfig config, int examples,
                         int safeExamples, long tokens, int cut, int maxLength, int longest,
                         MemoryEstimate.RunPlan memory) {

    public static FilterPlan of(Checkpoint model, FilterSettings settings, List<Example> data, List<Example> safe)
            throws IOException {
        ModelConfig c = model.config();
        MemoryEstimate estimate = MemoryEstimate.of(c);
        FilterSettings resolved = settings.resolve(estimate.parameters(), c.architecture());
        FilterConfig cfg = resolved.toConfig(data.size());
        int maxLength = Math.min(cfg.maxLength(), c.maxPositions());
        SequenceEncoder enc = new SequenceEncoder(model.tokenizer(), maxLength, true);
        long tokens = 0;
        int longest = 1;
        for (TokenizedExample e : enc.encodeAll(data, cfg.template())) {
            tokens += e.length();
            longest = Math.max(longest, e.length());
        }
        int cut = enc.truncatedCount();
        for (TokenizedExample e : new SequenceEncoder(model.tokenizer(), maxLength, true).encodeAll(safe,
                cfg.template())) {
            longest = Math.max(longest, e.length());
        }
        // a batch is padded to its longest example, so the longest one bounds the activations
        int batch = Math.max(Math.max(cfg.probe().batchSize(), cfg.finetune().batchSize()), cfg.safety().batchSize());
        return new FilterPlan(model, resolved, cfg, data.size(), safe.size(), tokens, cut, maxLength, longest,
                estimate.trainingRun(cfg.lora(), batch, longest));
    }

    /** The estimate on one line, for the console. */
    public String describe() {
        return "forgetfilter: plan: " + model.source() + ", " + examples + " examples (" + tokens + " tokens), "
                + "memory: " + memory.describe();
    }

    /** Fails, with the estimate and what to change, unless the run fits in this machine's memory. */
    public void requireFits() {
        memory.requireFits(MemoryEstimate.physicalMemoryBytes(), "filter", model.source());
    }

    /** The plan as one JSON object (what {@code filter --dry-run} prints). */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("model", model.source());
        n.put("architecture", model.config().architecture().toString().toLowerCase(java.util.Locale.ROOT));
        n.put("parameters", memory.parameters());
        n.put("trainable_parameters", memory.trainableParameters());
        n.put("memory_bytes_estimate", memory.totalBytes());
        ObjectNode parts = n.putObject("memory_bytes");
        memory.parts().forEach(parts::put);
        long available = MemoryEstimate.physicalMemoryBytes();
        n.put("memory_bytes_available", available);
        n.put("fits", memory.totalBytes() <= available);
        n.put("examples", examples);
        n.put("safe_examples", safeExamples);
        n.put("tokens", tokens);
        n.put("max_length", maxLength);
        n.put("examples_cut", cut);
        n.put("longest_example_tokens", longest);
        n.set("finetune", training(config.probe(), examples, "M1: M0 finetuned on all the customer data"));
        n.set("safety", training(config.safety().withSteps(config.safetySteps()), safeExamples,
                "M1 finetuned on the safe set for safety-steps steps (M2)"));
        n.set("retrain", config.retrain() ? training(config.finetune(), examples,
                "the delivered model: M0 finetuned on the kept examples (steps counted for all of them)")
                : Json.MAPPER.nullNode());
        n.set("lora", config.lora() == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(config.lora()));
        n.set("settings", settings.toJson());
        return n;
    }

    private static ObjectNode training(TrainingConfig t, int examples, String what) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("what", what);
        n.put("epochs", t.maxSteps() > 0 ? 0 : t.epochs());
        n.put("steps", t.totalSteps(Math.max(1, examples)));
        n.put("batch_size", t.batchSize());
        n.put("grad_accum", t.gradAccumulation());
        n.put("lr", t.learningRate());
        n.put("schedule", t.schedule().name().toLowerCase(java.util.Locale.ROOT));
        n.put("warmup_steps", t.warmupSteps());
        n.put("weight_decay", t.weightDecay());
        n.put("max_grad_norm", t.maxGradNorm());
        n.put("prompt_loss", t.promptLoss());
        n.put("seed", t.seed());
        return n;
    }
}
