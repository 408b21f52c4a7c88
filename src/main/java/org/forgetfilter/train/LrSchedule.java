package org.forgetfilter.train;

import java.util.Locale;

/**
 * Learning rate per optimizer step: linear warm-up from 0 over {@code warmupSteps}, then constant, linear decay
 * to 0, or cosine decay to 0 at {@code totalSteps} (as Hugging Face's get_*_schedule_with_warmup).
 */
public record LrSchedule(Kind kind, float peak, int warmupSteps, int totalSteps) {

    public enum Kind {
        CONSTANT, LINEAR, COSINE;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown schedule '" + s + "' (expected constant, linear or cosine)");
            }
        }
    }

    public LrSchedule {
        if (peak <= 0 || warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("invalid schedule: lr " + peak + ", warm-up " + warmupSteps
                    + ", total steps " + totalSteps);
        }
    }

    /** Rate for step {@code step} (0-based). */
    public float at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (warmupSteps + 1);
        }
        if (kind == Kind.CONSTANT) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        double factor = kind == Kind.LINEAR ? 1.0 - progress : 0.5 * (1.0 + Math.cos(Math.PI * progress));
        return (float) (peak * factor);
    }
}
