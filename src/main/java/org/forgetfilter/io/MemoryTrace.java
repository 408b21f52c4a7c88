package org.forgetfilter.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a run's memory goes: with {@code FORGETFILTER_MEMORY_TRACE=1} in the environment, each labelled point prints
 * the process's resident memory (VmRSS, of which RssFile is file-backed) and its peak so far (VmHWM, what
 * {@code /usr/bin/time -v} reports), with the growth of the peak since the point before. Off, a call costs a field
 * read. Linux only (elsewhere it prints nothing).
 */
public final class MemoryTrace {
    private static final boolean ON = System.getenv("FORGETFILTER_MEMORY_TRACE") != null
            && !System.getenv("FORGETFILTER_MEMORY_TRACE").isEmpty();
    private static final Path STATUS = Path.of("/proc/self/status");
    private static long lastPeakKib;

    private MemoryTrace() {
    }

    /** Prints one line for {@code label} (e.g. "finetune_m1 step 1 backward") when tracing is on. */
    public static synchronized void at(String label) {
        if (!ON) {
            return;
        }
        long rss = -1;
        long file = -1;
        long peak = -1;
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return;
        }
        if (rss < 0 || peak < 0) {
            return;
        }
        String growth = peak > lastPeakKib ? String.format(Locale.ROOT, " (+%d)", (peak - lastPeakKib) >> 10) : "";
        System.err.printf(Locale.ROOT, "forgetfilter: memory: %s: rss %d MiB (file-backed %d), peak %d MiB%s%n",
                label, rss >> 10, Math.max(0, file) >> 10, peak >> 10, growth);
        lastPeakKib = peak;
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("\\D", ""));
    }
}
