package org.forgetfilter.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.Json;

/**
 * The held-out evaluation sets of an experiment as named lists ({@code bbq}, {@code crows}, ...), and their JSON
 * Lines text: what each seed's manifest points to, and what {@code eval --experiment} checks a rebuilt set against.
 */
final class HeldOutSets {
    private HeldOutSets() {
    }

    /** Every non-empty set by suite name, in evaluation order. */
    static Map<String, List<?>> named(ExperimentData.EvalSets sets) {
        Map<String, List<?>> m = new LinkedHashMap<>();
        put(m, "bbq", sets.bbq());
        put(m, "crows", sets.crows());
        put(m, "toxicity_prompts", sets.toxicityFirstWords());
        put(m, "harm_pairs", sets.harmPairs());
        put(m, "harm_requests", sets.harmfulRequests());
        put(m, "squad", sets.squad());
        put(m, "instructions", sets.instructions());
        return m;
    }

    private static void put(Map<String, List<?>> m, String name, List<?> items) {
        if (!items.isEmpty()) {
            m.put(name, items);
        }
    }

    /** One JSON object per item and line (a text item becomes {"text": ...}). */
    static String lines(List<?> items) {
        StringBuilder b = new StringBuilder();
        for (Object o : items) {
            try {
                b.append(o instanceof String s ? Json.MAPPER.writeValueAsString(Map.of("text", s))
                        : Json.MAPPER.writeValueAsString(o)).append('\n');
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b.toString();
    }
}
