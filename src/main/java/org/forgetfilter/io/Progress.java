package org.forgetfilter.io;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long loop on stderr: stage, items done, rate and ETA. On a terminal it redraws one line;
 * elsewhere (CI, log files) it prints a plain line at most every {@code logEvery} seconds.
 */
public final class Progress {
    private final String stage;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private long done;
    private String detail = "";

    public Progress(String stage, long total, String unit) {
        this(stage, total, unit, System.err, System.console() != null);
    }

    Progress(String stage, long total, String unit, PrintStream out, boolean terminal) {
        this.stage = stage;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
    }

    /** Adds {@code n} finished items and redraws when due. */
    public void advance(long n) {
        done += n;
        maybePrint(false);
    }

    /** A short free-text field shown after the counts, e.g. the current loss. */
    public void detail(String text) {
        this.detail = text;
    }

    public void finish() {
        maybePrint(true);
        if (terminal) {
            out.println();
        }
    }

    public long done() {
        return done;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void maybePrint(boolean force) {
        long now = System.nanoTime();
        long minGap = terminal ? 200_000_000L : 10_000_000_000L;
        if (!force && now - lastPrintNanos < minGap) {
            return;
        }
        lastPrintNanos = now;
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / secs;
        String eta = total > 0 && rate > 0 ? format(Duration.ofSeconds((long) ((total - done) / rate))) : "?";
        String line = String.format(Locale.ROOT, "%s %d/%s %s (%.1f %s/s, ETA %s)%s", stage, done,
                total > 0 ? Long.toString(total) : "?", unit, rate, unit, eta, detail.isEmpty() ? "" : " " + detail);
        out.print(terminal ? "\r" + line + "   " : line + System.lineSeparator());
        out.flush();
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
