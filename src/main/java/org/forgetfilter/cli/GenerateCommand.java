package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.Callable;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.GreedyGenerator;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forgetfilter generate}: greedy continuation of one prompt; only the generated text goes to stdout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Greedy (argmax) continuation of a prompt, or of BOS when no prompt is given. Prints only the "
                + "generated text on stdout.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt", defaultValue = "", description = "text to continue (default: start from BOS)")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--stop", arity = "1..*", description = "stop at the first of these strings (cut from the output)")
    List<String> stops;

    @Option(names = "--template", description = "render --prompt as training rendered prompts: instruction, plain, "
            + "raw, chat (the model's chat template with its generation prompt), chat:NAME or a template file "
            + "(default: continue the prompt text as it is)")
    String template;

    @Option(names = "--system", description = "with --template chat: a system message before the user turn")
    String system;

    @Override
    public Integer call() throws Exception {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("--max-new-tokens must be positive, got " + maxNewTokens);
        }
        try (NDManager root = device.manager();
             LanguageModel lm = modelOptions.load(root)) {
            int positions = lm.model().config().maxPositions();
            SequenceEncoder encoder = new SequenceEncoder(lm.tokenizer(), positions, false);
            int[] ids;
            if (template == null) {
                ids = encoder.encodePrompt(prompt, maxNewTokens);
            } else {
                boolean chat = template.equals(PromptTemplate.CHAT) || template.startsWith(PromptTemplate.CHAT + ":");
                PromptTemplate t = PromptTemplate.named(template, chat ? modelOptions.templateFolder() : null, system);
                ids = encoder.encodePrompt(t.renderPrompt(new Example("prompt", prompt, "", null, null, null, null)),
                        maxNewTokens);
            }
            GreedyGenerator gen = new GreedyGenerator(lm.model(), lm.tokenizer(), 1);
            String text = gen.generate(List.of(ids), maxNewTokens, stops == null ? List.of() : stops, null).get(0).text();
            spec.commandLine().getOut().println(text);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
