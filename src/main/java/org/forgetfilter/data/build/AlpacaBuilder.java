package org.forgetfilter.data.build;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.Format;

/**
 * Instruction-following task examples from Alpaca-format files ({@code instruction}, {@code input},
 * {@code output}): label task, category instruction, id = content hash, extra {@code source} = file name.
 * Examples repeated within or across the files are kept once (the first), and counted in the notes.
 */
public final class AlpacaBuilder {

    public Built build(List<Path> inputs) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("give at least one Alpaca file");
        }
        List<Example> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path file : inputs) {
            long read = 0;
            long repeated = 0;
            try (ExampleReader reader = ExampleReader.open(file, Format.ALPACA, false)) {
                for (Example e; (e = reader.next()) != null; ) {
                    read++;
                    if (!seen.add(e.id())) {
                        repeated++;
                        continue;
                    }
                    ObjectNode extra = e.extra().deepCopy();
                    extra.put("source", file.getFileName().toString());
                    out.add(new Example(e.id(), e.prompt(), e.response(), Example.TASK, "instruction", extra, null));
                }
            }
            notes.add("alpaca: " + file + ": " + read + " records" + (repeated > 0 ? ", " + repeated
                    + " already seen and skipped" : ""));
        }
        return new Built(out, notes);
    }
}
