package org.forgetfilter.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.PromptTemplate;
import picocli.CommandLine.Option;

/**
 * The options every command that reads finetuning data shares ({@code --format}, {@code --skip-invalid},
 * {@code --template}); add with {@code @Mixin ExampleInputOptions input;}.
 */
public final class ExampleInputOptions {
    @Option(names = "--format", description = "record format: canonical, alpaca, chat, prompt-completion, text "
            + "(default: detected per file from its first record)")
    String format;

    @Option(names = "--skip-invalid", description = "skip invalid records (counted, first reasons reported) "
            + "instead of failing")
    boolean skipInvalid;

    @Option(names = "--template", defaultValue = "instruction", description = "prompt template: instruction, "
            + "plain, raw, or a file with {prompt} and {response} (default: ${DEFAULT-VALUE})")
    String template;

    /** The format given, or null to detect it. */
    public Format format() {
        return format == null ? null : Format.parse(format);
    }

    public boolean skipInvalid() {
        return skipInvalid;
    }

    public PromptTemplate template() throws IOException {
        return PromptTemplate.named(template);
    }

    public ExampleReader open(Path file) throws IOException {
        return ExampleReader.open(file, format(), skipInvalid);
    }
}
