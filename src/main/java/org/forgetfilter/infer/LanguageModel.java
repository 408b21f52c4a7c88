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
import org.forgetfilter.io.MemoryTrace;
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
        MemoryTrace.at("load " + ref + " start");
        LanguageModel lm = loadBase(parent, ref, tokenizer);
        returnJavaHeap();
        MemoryTrace.at("load " + ref + " copied to native memory, Java heap returned");
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

    /**
     * A full model folder written by an earlier stage (e.g. M1, reopened by a resumed run) in native memory, with
     * {@code tokenizer} and {@code source} instead of the folder's own.
     */
    public static LanguageModel reopen(NDManager parent, Path dir, Tokenizer tokenizer, String source)
            throws IOException {
        LanguageModel lm = withTokenizer(parent, HfModelDirectory.load(dir), tokenizer, source);
        returnJavaHeap();
        return lm;
    }

    private static LanguageModel withTokenizer(NDManager parent, Checkpoint c, Tokenizer tokenizer, String source) {
        return of(parent, new Checkpoint(c.config(), c.weights(), tokenizer, source));
    }

    private static LanguageModel loadBase(NDManager parent, String ref, Path tokenizer) throws IOException {
        Checkpoint c = ModelReference.load(ref, tokenizer == null ? null : Tokenizers.load(tokenizer));
        MemoryTrace.at("load " + ref + " decoded in the Java heap");
        return of(parent, c);
    }

    /**
     * Collects the garbage and lets the JVM hand the Java heap it no longer needs back to the system, after the
     * weights were decoded in the heap to be copied to native memory, or copied from it to be written. Without
     * this the heap stays at the size that held a whole copy of the weights through the training that follows,
     * and a later save may grow it by another copy: a LoRA filter run on GPT-2 small peaked 0.6 GiB lower with it
     * (docs/BENCHMARKS.md, "Memory of a filter run, third pass"). Collecting the little that is then live is quick.
     */
    private static void returnJavaHeap() {
        System.gc();
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
            returnJavaHeap();
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
