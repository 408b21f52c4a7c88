package org.forgetfilter.io;

import java.nio.file.Path;
import java.util.List;

/** A second process for {@link OutputFolderTest}: holds the lock of a folder until its standard input closes. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (OutputFolder f = OutputFolder.open(Path.of(args[0]), "filter", List.of(), List.of(), System.err::println)) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait
            }
        }
    }
}
