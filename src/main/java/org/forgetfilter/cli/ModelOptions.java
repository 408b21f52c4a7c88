package org.forgetfilter.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
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

    /** Loads the model with its tokenizer (and adapter) under {@code parent}. */
    public LanguageModel load(NDManager parent) throws IOException {
        return LanguageModel.load(parent, model, tokenizer, adapter);
    }
}
