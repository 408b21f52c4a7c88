package org.forgetfilter.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Records skipped under {@code --skip-invalid}: how many, and the reasons of the first few, so that nothing is
 * dropped without being reported.
 */
public final class InvalidRecords {
    /** How many reasons are kept verbatim. */
    public static final int KEPT_REASONS = 5;

    private long count;
    private final List<String> firstReasons = new ArrayList<>();

    void add(String reason) {
        count++;
        if (firstReasons.size() < KEPT_REASONS) {
            firstReasons.add(reason);
        }
    }

    public long count() {
        return count;
    }

    public List<String> firstReasons() {
        return List.copyOf(firstReasons);
    }

    /** One line per reason, headed by the count; empty when nothing was skipped. */
    public String summary(String what) {
        if (count == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("skipped ").append(count).append(" invalid record(s) in ").append(what);
        for (String r : firstReasons) {
            sb.append(System.lineSeparator()).append("  ").append(r);
        }
        if (count > firstReasons.size()) {
            sb.append(System.lineSeparator()).append("  ... and ").append(count - firstReasons.size()).append(" more");
        }
        return sb.toString();
    }
}
