package org.forgetfilter.report;

/**
 * The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): distinguishable under the common
 * forms of colour blindness. Yellow comes last because it is hard to see on white.
 */
public final class Palette {
    private static final String[] COLOURS = {
        "#0072B2", // blue
        "#E69F00", // orange
        "#009E73", // bluish green
        "#D55E00", // vermillion
        "#56B4E9", // sky blue
        "#CC79A7", // reddish purple
        "#000000", // black
        "#F0E442", // yellow
    };

    /**
     * The colours of the hidden labels, the same in every report: unsafe vermillion, safe blue, task bluish green
     * (unsafe examples of one category are "unsafe (CATEGORY)" and share the unsafe colour only when named so).
     */
    public static final java.util.Map<String, String> LABELS = java.util.Map.of(
            "unsafe", "#D55E00", "safe", "#0072B2", "task", "#009E73");
    /** The colours of the filter's decision, distinct from the labels': removed reddish purple, kept sky blue. */
    public static final java.util.Map<String, String> DECISIONS = java.util.Map.of(
            "removed", "#CC79A7", "kept", "#56B4E9");

    /** The colours of filter-quality curves, distinct from both of the above: precision, recall, F1. */
    public static final java.util.Map<String, String> METRICS = java.util.Map.of(
            "precision", "#E69F00", "recall", "#000000", "F1", "#7F7F7F");

    private Palette() {
    }

    /** The colour of the series at this index; wraps around after eight series. */
    public static String colour(int index) {
        return COLOURS[Math.floorMod(index, COLOURS.length)];
    }
}
