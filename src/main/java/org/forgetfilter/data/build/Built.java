package org.forgetfilter.data.build;

import java.util.List;
import org.forgetfilter.data.Example;

/**
 * What a dataset builder produced: the examples in a deterministic order, and notes for the user (counts,
 * skipped records and why).
 */
public record Built(List<Example> examples, List<String> notes) {
    public Built {
        examples = List.copyOf(examples);
        notes = List.copyOf(notes);
    }

    /** Count of examples with a given label. */
    public long count(String label) {
        return examples.stream().filter(e -> label.equals(e.label())).count();
    }
}
