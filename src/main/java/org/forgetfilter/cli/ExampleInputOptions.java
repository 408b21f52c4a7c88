package org.forgetfilter.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.PromptTemplate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command that reads finetuning data shares ({@code --format}, {@code --skip-invalid},
 * {@code --template}, {@code --system}); add with {@code @Mixin ExampleInputOptions input;}. For
 * {@code --template chat} the chat template is read from the model of the command that uses this mixin (its
 * {@code --model} and {@code --tokenizer} options, see {@link ModelOptions#templateFolder(String, Path)}), so
 * every such command supports it without code of its own.
 */
public final class ExampleInputOptions {
    @Option(names = "--format", description = "record format: canonical, alpaca, chat, prompt-completion, text "
            + "(default: detected per file from its first record)")
    String format;

    @Option(names = "--skip-invalid", description = "skip invalid records (counted, first reasons reported) "
            + "instead of failing")
    boolean skipInvalid;

    @Option(names = "--template", defaultValue = "instruction", description = "prompt template: instruction, "
            + "plain, raw, chat (the model's own chat template from its tokenizer_config.json or "
            + "chat_template.jinja; chat:NAME for one of several), or a file with {prompt} and {response} "
            + "(default: ${DEFAULT-VALUE})")
    String template;

    @Option(names = "--system", description = "with --template chat: a system message put before the user turn of "
            + "examples that are not conversations (chat records keep their own)")
    String system;

    /** The command this mixin belongs to, for its --model and --tokenizer. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The format given, or null to detect it. */
    public Format format() {
        return format == null ? null : Format.parse(format);
    }

    public boolean skipInvalid() {
        return skipInvalid;
    }

    /** The template; for chat, that of the command's --model (or --tokenizer) folder. */
    public PromptTemplate template() throws IOException {
        boolean chat = template.equals(PromptTemplate.CHAT) || template.startsWith(PromptTemplate.CHAT + ":");
        return PromptTemplate.named(template, chat ? ModelOptions.templateFolder(option("--model"), path("--tokenizer"))
                : null, system);
    }

    private String option(String name) {
        OptionSpec o = command == null ? null : command.findOption(name);
        Object v = o == null ? null : o.getValue();
        return v == null ? null : v.toString();
    }

    private Path path(String name) {
        String v = option(name);
        return v == null ? null : Path.of(v);
    }

    public ExampleReader open(Path file) throws IOException {
        return ExampleReader.open(file, format(), skipInvalid);
    }
}
