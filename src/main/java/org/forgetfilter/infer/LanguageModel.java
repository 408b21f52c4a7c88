package org.forgetfilter.infer;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.ModelReference;
import org.forgetfilter.checkpoint.PeftAdapter;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.Tokenizer;
import org.forgetfilter.tokenizer.Tokenizers;

/**
 * A model with its tokenizer, as loaded from a {@code --model} reference (llama2.c {@code .bin}, Hugging Face folder
 * or {@code hf:ORG/NAME}), optionally with a PEFT LoRA adapter on top. Saving writes a Hugging Face folder, or only
 * the adapter when LoRA adapters are attached.
 */
public final class LanguageModel implements AutoCloseable {
    private final TransformerLm model;
    private final Tokenizer tokenizer;
    private final String source;

    public LanguageModel(TransformerLm model, Tokenizer tokenizer, String source) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException(source + ": tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model only " + model.config().vocabSize());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.source = source;
    }

    /** Builds the NDArray model of a checkpoint under {@code parent}. */
    public static LanguageModel of(NDManager parent, Checkpoint checkpoint) {
        return new LanguageModel(TransformerLm.create(parent, checkpoint.config(), checkpoint.weights()),
                checkpoint.tokenizer(), checkpoint.source());
    }

    /**
     * Loads {@code ref}; {@code tokenizer} (nullable) overrides the tokenizer found with the model, {@code adapter}
     * (nullable) is a PEFT adapter folder applied on top.
     */
    public static LanguageModel load(NDManager parent, String ref, Path tokenizer, Path adapter) throws IOException {
        // The override is loaded first and the model's own tokenizer is then not read, so a folder without one works.
        Checkpoint c = ModelReference.load(ref, tokenizer == null ? null : Tokenizers.load(tokenizer));
        LanguageModel lm = of(parent, c);
        if (adapter != null) {
            PeftAdapter.Adapter a = PeftAdapter.read(adapter);
            lm.model.loadLora(a.config(), a.tensors());
        }
        return lm;
    }

    /** A copy of the weights in native memory under {@code parent}, with the same tokenizer and source. */
    public LanguageModel copy(NDManager parent) {
        return new LanguageModel(model.copy(parent), tokenizer, source);
    }

    /**
     * A model under {@code parent} that reads these weights without copying them, for LoRA adapters over the frozen
     * base ({@link TransformerLm#sharingWeights}); this model must stay open while it is used.
     */
    public LanguageModel sharingWeights(NDManager parent) {
        return new LanguageModel(model.sharingWeights(parent), tokenizer, source);
    }

    public TransformerLm model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public String source() {
        return source;
    }

    /** The current weights (adapters excluded) as a checkpoint. */
    public Checkpoint toCheckpoint() {
        return new Checkpoint(model.config(), model.exportWeights(), tokenizer, source);
    }

    /**
     * Writes the model to {@code dir}: the PEFT adapter when LoRA adapters are attached (the base stays where it
     * is), else a full Hugging Face folder in {@code dtype}. {@code provenance} says how it was made.
     */
    public void save(Path dir, SafetensorsDtype dtype, Map<String, ?> provenance) throws IOException {
        if (model.loraConfig() != null) {
            PeftAdapter.write(dir, model.loraConfig(), model.exportLora(), source);
        } else {
            HfModelDirectory.save(toCheckpoint(), dir, dtype, provenance);
        }
    }

    /** True when {@code dir} holds a PEFT adapter rather than a full model. */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(PeftAdapter.CONFIG_FILE));
    }

    @Override
    public void close() {
        model.close();
    }
}
