package org.forgetfilter.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a partial file:
 * the bytes go to a hidden temporary sibling ({@link TempName}, created with the user's umask like any file),
 * which {@link #commit()} syncs to disk and renames over the target, then syncs the folder. Closing without
 * commit deletes the temporary file, so a failed run leaves nothing behind; temporary files of the same target
 * left by a killed process are removed by the next write.
 *
 * <pre>{@code
 * try (AtomicFile out = AtomicFile.create(path)) {
 *     out.writer().write("...");
 *     out.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    private static final String KIND = "part";
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream stream;
    private BufferedWriter writer;
    private boolean committed;

    private AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Files.createDirectories(this.target.getParent());
        for (Path stale : TempName.stale(this.target, KIND)) {
            Files.deleteIfExists(stale);
        }
        this.temp = TempName.fresh(this.target, KIND);
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.stream = new NamingErrors(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), this.target);
    }

    public static AtomicFile create(Path target) throws IOException {
        return new AtomicFile(target);
    }

    /** Writes the whole text atomically in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        try (AtomicFile out = create(target)) {
            out.writer().write(text);
            out.commit();
        }
    }

    /** Writes the whole byte array atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        try (AtomicFile out = create(target)) {
            out.stream().write(bytes);
            out.commit();
        }
    }

    /** The buffered stream into the temporary file; its write errors name the target. */
    public OutputStream stream() {
        return stream;
    }

    /**
     * A buffered UTF-8 writer over the temporary file (created once). Text that is not valid Unicode (a lone
     * surrogate) fails instead of being written as '?'.
     */
    public BufferedWriter writer() {
        if (writer == null) {
            Writer utf8 = new OutputStreamWriter(stream, StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
            writer = new BufferedWriter(new FilterWriter(utf8) {
                @Override
                public void write(char[] c, int off, int len) throws IOException {
                    try {
                        out.write(c, off, len);
                    } catch (CharacterCodingException e) {
                        throw new IOException(target + ": text to write is not valid Unicode (a lone UTF-16 "
                                + "surrogate); refusing to write it altered", e);
                    }
                }

                @Override
                public void write(String s, int off, int len) throws IOException {
                    write(s.toCharArray(), off, len);
                }
            }, 1 << 16);
        }
        return writer;
    }

    public Path target() {
        return target;
    }

    /** Flushes and syncs the temporary file, renames it over the target and syncs the folder. */
    public void commit() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        stream.flush();
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new IOException(target + ": cannot write (" + e.getMessage() + ")", e);
        }
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        FileSync.directory(target.getParent());
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove temporary file " + temp, e);
        }
    }

    /** Adds the target's name to write errors (a full disk says only "No space left on device"). */
    private static final class NamingErrors extends FilterOutputStream {
        private final Path target;

        NamingErrors(OutputStream out, Path target) {
            super(out);
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            return new IOException(target + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
