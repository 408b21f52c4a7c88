package org.forgetfilter.cli;

import java.util.List;
import org.forgetfilter.forget.FilterSettings;
import org.forgetfilter.io.Json;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The training options of every command that finetunes ({@code filter}, {@code finetune}): one declaration, one
 * set of defaults ({@link FilterSettings}, shown by {@link Defaults}), and one mapping of what was given onto those
 * settings ({@link #given}). Commands read the effective values from the settings, never from these fields.
 */
public final class TrainingOptions {
    @Option(names = "--epochs", description = "passes over the data (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--max-steps", description = "optimizer steps instead of epochs; 0 = use epochs (default: "
            + "${DEFAULT-VALUE})")
    int maxSteps;
    @Option(names = "--lr", description = "peak learning rate; auto = by model size and mode (README, Training "
            + "defaults) (default: ${DEFAULT-VALUE})")
    String lr;
    @Option(names = "--schedule", description = "after the warm-up: constant, linear or cosine decay (default: "
            + "${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--warmup-ratio", description = "share of the steps spent warming up (default: ${DEFAULT-VALUE})")
    double warmupRatio;
    @Option(names = "--batch-size", description = "examples per micro-batch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--grad-accum", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
    int gradAccum;
    @Option(names = "--prompt-loss", description = "learn the prompt tokens too (the paper's code does); default: "
            + "response tokens only")
    boolean promptLoss;
    @Option(names = "--max-length", description = "tokens per example, at most the model's context (default: "
            + "${DEFAULT-VALUE})")
    int maxLength;
    @Option(names = "--seed", description = "seed of everything random (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--lora-rank", description = "LoRA rank; 0 = full finetuning (default: ${DEFAULT-VALUE})")
    int loraRank;
    @Option(names = "--lora-alpha", description = "LoRA scale numerator (default: ${DEFAULT-VALUE})")
    double loraAlpha;
    @Option(names = "--lora-dropout", description = "dropout on the LoRA input (default: ${DEFAULT-VALUE})")
    double loraDropout;
    @Option(names = "--lora-targets", split = ",", description = "module names (default: q_proj,v_proj for LLaMA, "
            + "c_attn for GPT-2)")
    List<String> loraTargets;

    /**
     * {@code settings} with every option of {@code spec} that was given on the command line and names a
     * {@link FilterSettings} key ({@code --no-KEY} sets a boolean key to false); other options are left to the
     * command. {@code --epochs} and {@code --max-steps} together are refused.
     */
    static FilterSettings given(CommandSpec spec, FilterSettings settings) {
        FilterSettings s = settings;
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--epochs") && parsed.hasMatchedOption("--max-steps")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--epochs and --max-steps are mutually exclusive: give the length of the finetune once");
        }
        for (OptionSpec o : spec.options()) {
            if (!parsed.hasMatchedOption(o)) {
                continue;
            }
            String name = o.longestName().substring(2);
            if (FilterSettings.names().contains(name)) {
                s = s.with(name, Json.MAPPER.valueToTree(o.getValue()), "--" + name);
            } else if (name.startsWith("no-") && FilterSettings.names().contains(name.substring(3))) {
                s = s.with(name.substring(3), Json.MAPPER.getNodeFactory().booleanNode(false), "--" + name);
            }
        }
        return s;
    }

    /** Shows (and applies) the defaults of {@link FilterSettings} for the options named after its keys. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof OptionSpec o && o.longestName().startsWith("--")) {
                String key = o.longestName().substring(2);
                if (FilterSettings.names().contains(key)) {
                    return FilterSettings.defaultText(key);
                }
            }
            return null;
        }
    }
}
