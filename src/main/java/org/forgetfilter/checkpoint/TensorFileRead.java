package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads tensor data from a checkpoint file into float arrays through a small buffer, with positional reads. The
 * file is not memory-mapped: a mapping stays resident in the process until the garbage collector unmaps it (168 MiB
 * of a GPT-2-small file counted in a filter run's peak RSS, docs/BENCHMARKS.md), while pages read here stay in the
 * kernel's page cache, outside the process.
 */
final class TensorFileRead {
    /** Bytes read at a time; a multiple of every element size. */
    static final int CHUNK_BYTES = 8 << 20;

    private TensorFileRead() {
    }

    /** Decodes {@code out.length} elements of {@code dtype} stored little-endian at byte {@code position}. */
    static void decode(FileChannel channel, long position, SafetensorsDtype dtype, float[] out, Path file)
            throws IOException {
        long length = (long) out.length * dtype.bytes();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(length, CHUNK_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        int at = 0;
        while (done < length) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), length - done));
            readFully(channel, chunk, position + done, file);
            chunk.flip();
            int n = chunk.limit() / dtype.bytes();
            dtype.decode(chunk, out, at, n);
            at += n;
            done += chunk.limit();
        }
    }

    /** Fills {@code buf} from byte {@code position}; a file that ends first is an error naming it. */
    static void readFully(FileChannel channel, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new IOException(file + ": truncated file at byte " + pos + " (needs "
                        + (pos + buf.remaining()) + " bytes)");
            }
            pos += n;
        }
    }
}
