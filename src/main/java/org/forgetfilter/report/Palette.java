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

    private Palette() {
    }

    /** The colour of the series at this index; wraps around after eight series. */
    public static String colour(int index) {
        return COLOURS[Math.floorMod(index, COLOURS.length)];
    }
}
