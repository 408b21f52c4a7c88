package org.forgetfilter.infer;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/** Batching order shared by the batched passes: indices of the items, shortest first, so a batch pads little. */
final class LengthOrder {
    private LengthOrder() {
    }

    /** Indices of {@code items} sorted by {@code length}, stable for equal lengths. */
    static <T> int[] shortestFirst(List<T> items, ToIntFunction<T> length) {
        return IntStream.range(0, items.size()).boxed()
                .sorted(Comparator.comparingInt(i -> length.applyAsInt(items.get(i))))
                .mapToInt(Integer::intValue).toArray();
    }
}
