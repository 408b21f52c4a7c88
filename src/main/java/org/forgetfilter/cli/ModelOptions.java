package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.checkpoint.HubDownloader;
import org.forgetfilter.checkpoint.ModelReference;
import org.forgetfilter.data.chat.ChatTemplateFiles;
import org.forgetfilter.infer.LanguageModel;
import picocli.CommandLine.Option;

/**
 * The options of commands that run one existing model ({@code --model}, {@code --tokenizer}, {@code --adapter});
 * add with {@code @Mixin ModelOptions model;}.
 */
public final class ModelOptions {
    @Option(names = "--model", required = true, description = "llama2.c .bin, Hugging Face folder or hf:ORG/NAME")
    String model;

    @Option(names = "--tokenizer", description = "tokenizer file or folder overriding the model's")
    Path tokenizer;

    @Option(names = "--adapter", description = "PEFT LoRA adapter folder applied on top of the model")
    Path adapter;

    /** The folder whose tokenizer files hold the chat template of this model (see {@link #templateFolder}). */
    public Path templateFolder() throws IOException {
        return templateFolder(model, tokenizer);
    }

    /**
     * Where {@code --template chat} reads the model's chat template: the {@code --tokenizer} folder (or the folder
     * of a {@code --tokenizer} file) when it holds tokenizer_config.json or chat_template.jinja, else the model's
     * Hugging Face folder (for {@code hf:} references the cache folder, which loading the model fills); null for
     * a llama2.c checkpoint, which has no chat template.
     */
    static Path templateFolder(String model, Path tokenizer) throws IOException {
        if (tokenizer != null) {
            Path dir = Files.isDirectory(tokenizer) ? tokenizer : tokenizer.toAbsolutePath().getParent();
            if (dir != null && (Files.isRegularFile(dir.resolve(ChatTemplateFiles.TOKENIZER_CONFIG))
                    || Files.isRegularFile(dir.resolve(ChatTemplateFiles.TEMPLATE_FILE)))) {
                return dir;
            }
        }
        if (model == null) {
            return null;
        }
        if (Files.isDirectory(Path.of(model))) {
            return Path.of(model); // tokenizer files suffice, e.g. for data render
        }
        ModelReference ref = ModelReference.parse(model);
        return switch (ref.kind()) {
            case LLAMA2C_FILE -> null;
            case HF_FOLDER -> ref.path();
            case HUB -> HubDownloader.fromEnvironment().resolve(ref.hub(), true);
        };
    }

    /** Loads the model with its tokenizer (and adapter) under {@code parent}. */
    public LanguageModel load(NDManager parent) throws IOException {
        return LanguageModel.load(parent, model, tokenizer, adapter);
    }
}
