package org.forgetfilter.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the hidden temporary siblings an atomic write makes beside its target: {@code .NAME.PID-TOKEN.KIND}
 * (kind {@code part} for a file being written, {@code tmp} and {@code old} for a folder being replaced). The PID says
 * which process made the sibling, so that the next write of the same target can remove those a killed run left,
 * without touching those of a process still writing.
 */
public final class TempName {
    private TempName() {
    }

    /** A fresh sibling name of {@code target} (absolute); nothing is created. */
    public static Path fresh(Path target, String kind) {
        String token = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-" + token
                + "." + kind);
    }

    /**
     * The siblings of {@code target} of this kind whose process has ended, including those named by earlier
     * versions ({@code .NAME.DIGITS.part}, {@code .NAME.tmp-DIGITS}, {@code .NAME.old-HEX}), which carry no PID.
     */
    public static List<Path> stale(Path target, String kind) throws IOException {
        Path dir = target.getParent();
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        String name = target.getFileName().toString();
        Pattern current = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)-[0-9a-f]+" + Pattern.quote("." + kind));
        Pattern legacy = Pattern.compile(Pattern.quote("." + name + ".")
                + "(\\d+" + Pattern.quote("." + kind) + "|" + Pattern.quote(kind) + "-[0-9a-f]+)");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + globSafe(name) + ".*")) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                Matcher m = current.matcher(n);
                if (m.matches() ? !alive(Long.parseLong(m.group(1))) : legacy.matcher(n).matches()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static boolean alive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The name with glob metacharacters escaped. */
    private static String globSafe(String name) {
        return name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
