package org.forgetfilter.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps data values to pixels on one axis, with "nice" tick values (steps of 1, 2, 2.5 or 5 times a power of
 * ten) whose range covers the data. An empty or single-valued range is widened so the axis never has zero
 * length.
 */
final class LinearScale {
    private final double lo;
    private final double hi;
    private final double step;
    private final double pixelLo;
    private final double pixelHi;

    private LinearScale(double lo, double hi, double step, double pixelLo, double pixelHi) {
        this.lo = lo;
        this.hi = hi;
        this.step = step;
        this.pixelLo = pixelLo;
        this.pixelHi = pixelHi;
    }

    /**
     * A scale whose ticks cover [min, max]; pass NaN for both when there is no data. pixelLo is where lo is
     * drawn (for a y axis this is the bottom, the larger pixel value).
     */
    static LinearScale covering(double min, double max, int targetTicks, double pixelLo, double pixelHi) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            min = 0;
            max = 1;
        }
        if (max < min) {
            double t = min;
            min = max;
            max = t;
        }
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        if (max - min <= 1e-12 * magnitude || max == min) {
            double pad = magnitude > 0 ? magnitude * 0.1 : 1;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, targetTicks - 1));
        // The small tolerance keeps 0.30000000000000004 from adding a whole extra step.
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        if (hi <= lo) {
            hi = lo + step;
        }
        return new LinearScale(lo, hi, step, pixelLo, pixelHi);
    }

    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / power;
        double nice;
        if (fraction <= 1) {
            nice = 1;
        } else if (fraction <= 2) {
            nice = 2;
        } else if (fraction <= 2.5) {
            nice = 2.5;
        } else if (fraction <= 5) {
            nice = 5;
        } else {
            nice = 10;
        }
        return nice * power;
    }

    /** The same ticks drawn over a different pixel span (used once the plot area is known). */
    LinearScale withPixels(double newPixelLo, double newPixelHi) {
        return new LinearScale(lo, hi, step, newPixelLo, newPixelHi);
    }

    double lo() {
        return lo;
    }

    double hi() {
        return hi;
    }

    double pixel(double value) {
        return pixelLo + (value - lo) / (hi - lo) * (pixelHi - pixelLo);
    }

    List<Double> ticks() {
        int n = (int) Math.round((hi - lo) / step);
        List<Double> ticks = new ArrayList<>(n + 1);
        for (int i = 0; i <= n; i++) {
            double t = lo + i * step;
            // Round away floating noise such as 0.30000000000000004 and -0.0.
            double rounded = Double.parseDouble(String.format(Locale.ROOT, "%.12g", t));
            ticks.add(rounded == 0 ? 0.0 : rounded);
        }
        return ticks;
    }

    /** The tick label: just enough decimals to tell neighbouring ticks apart. */
    String label(double value) {
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        if (magnitude >= 1e6 || step < 1e-5) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        int decimals = 0;
        while (decimals < 6 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals)))
                > 1e-6) {
            decimals++;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value == 0 ? 0.0 : value);
    }
}
