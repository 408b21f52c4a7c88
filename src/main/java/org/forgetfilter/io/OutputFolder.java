package org.forgetfilter.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The output folder of a command, held for the run: opening it refuses an input that the command would overwrite,
 * and takes a lock so that a second process writing the same folder is refused instead of mixing its files in.
 *
 * <p>The lock is an operating-system lock on a small file holding the holder's PID, command and start time: the
 * system releases it when the holder dies, so a lock file left by a killed run is taken over (with a notice naming
 * the dead process), never waited for. A folder the command adds files to ({@link #open}) holds the lock file
 * inside, {@value #LOCK_FILE}; a folder the command replaces as a whole ({@link #openReplaced}) holds it beside,
 * {@code .NAME.forgetfilter.lock}, as the replacement would remove it. Closing empties the file and releases the
 * lock; the empty file stays, because deleting it would let two later runs lock two different files of one name.
 *
 * <pre>{@code
 * try (OutputFolder folder = OutputFolder.open(out, "filter", List.of(data, safe), List.of("kept.jsonl"), System.err::println)) {
 *     ... write into out ...
 * }
 * }</pre>
 */
public final class OutputFolder implements AutoCloseable {
    public static final String LOCK_FILE = ".forgetfilter.lock";
    /**
     * Lock files this JVM holds. POSIX record locks belong to the process, and closing any descriptor of a file
     * releases them all, so a second open of a held lock file must be refused without opening it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockFile;
    private final Path heldKey;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputFolder(Path dir, Path lockFile, Path heldKey, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.heldKey = heldKey;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file: holds the holder's PID, command and start time while held, and is empty after a clean exit. */
    public Path lockFile() {
        return lockFile;
    }

    /**
     * Opens (creating) a folder that {@code command} adds files to.
     *
     * @param inputs  files the command reads (null entries are skipped)
     * @param written names, relative to the folder, of the files and folders the command writes there; an input that
     *                is one of them, or lies inside one of them, is refused
     * @param notices receives a line when a stale lock is taken over
     * @throws IllegalArgumentException naming the input and the output it would be overwritten by, or the process
     *                                  holding the folder
     */
    public static OutputFolder open(Path dir, String command, Collection<Path> inputs, Collection<String> written,
                                    Consumer<String> notices) throws IOException {
        return open(dir, command, inputs, written, notices, LOCK_FILE);
    }

    /**
     * {@link #open(Path, String, Collection, Collection, Consumer)} with the lock file {@code lockName} in the
     * folder: processes that write disjoint files of one folder (the shards of a stage) each take their own lock.
     */
    public static OutputFolder open(Path dir, String command, Collection<Path> inputs, Collection<String> written,
                                    Consumer<String> notices, String lockName) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        requireFolderOrAbsent(abs);
        for (String name : written) {
            refuseInputs(abs.resolve(name), command, inputs);
        }
        Files.createDirectories(abs);
        return lock(abs, abs.resolve(lockName), command, notices);
    }

    /**
     * Opens a folder that {@code command} replaces as a whole (a model folder): no input may lie inside it. The
     * folder itself is not created; its parent is.
     */
    public static OutputFolder openReplaced(Path dir, String command, Collection<Path> inputs,
                                            Consumer<String> notices) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        requireFolderOrAbsent(abs);
        refuseInputs(abs, command, inputs);
        Files.createDirectories(abs.getParent());
        return lock(abs, abs.resolveSibling("." + abs.getFileName() + ".forgetfilter.lock"), command, notices);
    }

    /**
     * For a command that writes one file: refuses when the file is one of the inputs (by real path, so a link or a
     * relative spelling of the same file counts) or lies inside an input folder.
     */
    public static void refuseInputAsOutput(Path output, String command, Collection<Path> inputs) throws IOException {
        Path abs = output.toAbsolutePath().normalize();
        Path real = realPath(abs);
        for (Path input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = realPath(input.toAbsolutePath().normalize());
            if (real.equals(in) || (Files.isDirectory(in) && real.startsWith(in))) {
                throw new IllegalArgumentException(command + " would overwrite its input: output " + output
                        + (real.equals(in) ? " is the input file " : " lies inside the input folder ") + input
                        + "; write the output to another path");
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** Empties the lock file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
            HELD.remove(heldKey);
        }
    }

    private static void requireFolderOrAbsent(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": is a file, expected a folder (or a path that does not exist "
                    + "yet) for the output");
        }
    }

    /** Refuses any input that is {@code output} or lies inside it. */
    private static void refuseInputs(Path output, String command, Collection<Path> inputs) throws IOException {
        Path real = realPath(output);
        for (Path input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = realPath(input.toAbsolutePath().normalize());
            if (in.startsWith(real)) {
                throw new IllegalArgumentException(command + " would overwrite its input " + input + ": it is "
                        + (in.equals(real) ? "" : "inside ") + output + ", which " + command + " writes; move the "
                        + "input or choose another output folder");
            }
        }
    }

    /** The real path of a file that may not exist yet: its deepest existing ancestor resolved, the rest appended. */
    public static Path realPath(Path path) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    }

    private static OutputFolder lock(Path dir, Path lockFile, String command, Consumer<String> notices)
            throws IOException {
        Path key = realPath(lockFile);
        if (!HELD.add(key)) {
            throw inUse(dir, lockFile, "process " + ProcessHandle.current().pid() + " (this process, which already "
                    + "holds it)");
        }
        try {
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                String other = read(ch);
                ch.close();
                throw inUse(dir, lockFile, describe(other));
            }
            String previous = read(ch);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid=" + ProcessHandle.current().pid() + "\ncommand=" + command + "\nstarted="
                    + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            if (!previous.isBlank()) {
                notices.accept("forgetfilter: taking over the lock of " + dir + " left by " + describe(previous)
                        + ", which ended without releasing it");
            }
            return new OutputFolder(dir, lockFile, key, ch, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static IllegalArgumentException inUse(Path dir, Path lockFile, String holder) {
        return new IllegalArgumentException(dir + " is in use by " + holder + " (lock file " + lockFile + "): wait "
                + "for that run to finish or stop it; two runs into one folder would write the same files");
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // reads from position 0 on, whatever the channel's position
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** "process 123 (forgetfilter filter, started ...)" from a lock file's content. */
    private static String describe(String content) {
        String pid = field(content, "pid");
        String command = field(content, "command");
        String started = field(content, "started");
        String who = pid == null ? "another process" : "process " + pid;
        return who + (command == null ? "" : " (forgetfilter " + command + (started == null ? "" : ", started "
                + started) + ")");
    }

    private static String field(String content, String key) {
        for (String line : content.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        return null;
    }
}
