package org.forgetfilter.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a partial file:
 * the bytes go to a temporary file in the same folder, which is renamed over the target on {@link #commit()}.
 * Closing without commit deletes the temporary file, so a failed run leaves nothing behind.
 *
 * <pre>{@code
 * try (AtomicFile out = AtomicFile.create(path)) {
 *     out.writer().write("...");
 *     out.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream stream;
    private BufferedWriter writer;
    private boolean committed;

    private AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".part");
        this.stream = Files.newOutputStream(temp);
    }

    public static AtomicFile create(Path target) throws IOException {
        return new AtomicFile(target);
    }

    /** Writes the whole text atomically in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the whole byte array atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        try (AtomicFile out = create(target)) {
            out.stream().write(bytes);
            out.commit();
        }
    }

    public OutputStream stream() {
        return stream;
    }

    /** A buffered UTF-8 writer over the temporary file (created once). */
    public BufferedWriter writer() {
        if (writer == null) {
            writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        }
        return writer;
    }

    public Path target() {
        return target;
    }

    /** Flushes, closes and renames the temporary file over the target. */
    public void commit() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        stream.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            stream.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove temporary file " + temp, e);
        }
    }
}
