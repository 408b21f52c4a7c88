package org.forgetfilter.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.Tokenizer;

/**
 * A model in memory: its config, its float32 weights keyed by canonical Hugging Face names in Hugging Face
 * layout (see {@link WeightLayout}), its tokenizer, and where it came from.
 *
 * @param weights canonical name to tensor, in {@link WeightLayout#expectedShapes} order
 * @param source  a human-readable origin (file, folder or hub reference) used in provenance and messages
 */
public record Checkpoint(ModelConfig config, Map<String, FloatTensor> weights, Tokenizer tokenizer, String source) {

    public Checkpoint {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** The tensor called {@code name}; fails naming the tensor and the source when it is absent. */
    public FloatTensor weight(String name) {
        FloatTensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + ": no tensor named " + name);
        }
        return t;
    }

    /** Total number of parameters. */
    public long parameterCount() {
        return weights.values().stream().mapToLong(FloatTensor::size).sum();
    }
}
