package org.forgetfilter.report;

/**
 * Point shapes, one per series, so series stay distinguishable without colour (for colour-blind readers and
 * for grey-scale prints).
 */
final class Marker {
    private Marker() {
    }

    static void draw(Svg svg, int shape, double x, double y, double r, String colour) {
        switch (Math.floorMod(shape, 5)) {
            case 0 -> svg.circle("marker", x, y, r, colour, 0.8);
            case 1 -> svg.path("marker", new double[] {x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r}, true,
                    colour, 0.8, null, 0);
            case 2 -> svg.path("marker", new double[] {x, y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1,
                    y + r * 0.8}, true, colour, 0.8, null, 0);
            case 3 -> svg.path("marker", new double[] {x, y - r * 1.3, x + r * 1.1, y, x, y + r * 1.3, x - r * 1.1, y},
                    true, colour, 0.8, null, 0);
            default -> svg.path("marker", new double[] {x, y + r * 1.2, x + r * 1.1, y - r * 0.8, x - r * 1.1,
                    y - r * 0.8}, true, colour, 0.8, null, 0);
        }
    }
}
