package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.forgetfilter.io.FileSync;
import org.forgetfilter.io.TempName;

/**
 * Writes a whole folder so that the target is either the old folder or the complete new one: the content is
 * written into a hidden sibling folder, and only when that succeeded is an existing target moved aside, the
 * new folder renamed into place and the old one deleted. A failure leaves the old target untouched. The new
 * content is synced to disk before the rename; the hidden folders of a killed run are removed by the next write
 * of the same target.
 */
public final class AtomicDirectory {

    /** Fills the folder it is given. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path dir) throws IOException;
    }

    private static final String TEMP = "tmp";
    private static final String OLD = "old";

    private AtomicDirectory() {
    }

    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IOException(abs + ": is a file, expected a folder (or a path that does not exist yet)");
        }
        for (String kind : new String[] {TEMP, OLD}) {
            for (Path stale : TempName.stale(abs, kind)) {
                deleteTree(stale);
            }
        }
        Path temp = TempName.fresh(abs, TEMP);
        Files.createDirectory(temp); // default permissions: the user's umask, unlike createTempDirectory's 0700
        try {
            content.writeInto(temp);
            FileSync.tree(temp);
            Path old = null;
            if (Files.exists(abs)) {
                old = TempName.fresh(abs, OLD);
                move(abs, old);
            }
            try {
                move(temp, abs);
            } catch (IOException e) {
                if (old != null) {
                    move(old, abs);
                }
                throw e;
            }
            FileSync.directory(parent);
            if (old != null) {
                deleteTree(old);
            }
        } finally {
            if (Files.exists(temp)) {
                deleteTree(temp);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
