package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes a whole folder so that the target is either the old folder or the complete new one: the content is
 * written into a hidden sibling folder, and only when that succeeded is an existing target moved aside, the
 * new folder renamed into place and the old one deleted. A failure leaves the old target untouched.
 */
public final class AtomicDirectory {

    /** Fills the folder it is given. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path dir) throws IOException;
    }

    private AtomicDirectory() {
    }

    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IOException(abs + ": exists and is not a folder");
        }
        String name = abs.getFileName().toString();
        Path temp = Files.createTempDirectory(parent, "." + name + ".tmp-");
        try {
            content.writeInto(temp);
            Path old = null;
            if (Files.exists(abs)) {
                old = parent.resolve("." + name + ".old-" + Long.toHexString(System.nanoTime()));
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
