package org.forgetfilter.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Forces written data to the disk, so that a rename that publishes it is never seen before the data itself
 * (after a power cut a renamed but unsynced file can be empty). A folder is synced to make a rename inside it
 * durable.
 */
public final class FileSync {
    private FileSync() {
    }

    /** Syncs a folder's entries; a platform that cannot open folders (Windows) is skipped, as its renames are atomic anyway. */
    public static void directory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (ch) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse fsync on a folder (EINVAL); the data files themselves were synced
        }
    }

    /** Syncs every file and folder under {@code root}, files first. */
    public static void tree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            if (Files.isDirectory(all.get(i))) {
                directory(all.get(i));
            }
        }
    }
}
