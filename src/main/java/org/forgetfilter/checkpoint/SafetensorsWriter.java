package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * Writes float tensors as a safetensors file in F32, F16 or BF16, atomically. Tensors are laid out in sorted
 * name order; the JSON header is padded with spaces to a multiple of 8 bytes, as the reference implementation
 * does, so that every tensor starts 8-byte aligned in the file.
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 1 << 16;

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, FloatTensor> tensors, SafetensorsDtype dtype) throws IOException {
        write(file, tensors, dtype, Map.of());
    }

    /**
     * @param metadata strings stored under {@code __metadata__}; Hugging Face tools expect {@code format=pt}, which
     *                 is added when absent
     */
    public static void write(Path file, Map<String, FloatTensor> tensors, SafetensorsDtype dtype,
                             Map<String, String> metadata) throws IOException {
        if (!dtype.writable()) {
            throw new IllegalArgumentException(file + ": cannot write dtype " + dtype + ", expected F32, F16 or BF16");
        }
        List<String> names = new ArrayList<>(tensors.keySet());
        names.sort(null);
        byte[] header = header(names, tensors, dtype, metadata);
        try (AtomicFile out = AtomicFile.create(file)) {
            OutputStream os = out.stream();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            os.write(len.array());
            os.write(header);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (String name : names) {
                float[] data = tensors.get(name).data();
                for (int from = 0; from < data.length; from += CHUNK) {
                    int n = Math.min(CHUNK, data.length - from);
                    buf.clear();
                    dtype.encode(data, from, n, buf);
                    os.write(buf.array(), 0, buf.position());
                }
            }
            out.commit();
        }
    }

    static byte[] header(List<String> names, Map<String, FloatTensor> tensors, SafetensorsDtype dtype,
                         Map<String, String> metadata) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode meta = root.putObject("__metadata__");
        meta.put("format", "pt");
        metadata.forEach(meta::put);
        long offset = 0;
        for (String name : names) {
            if (name.equals("__metadata__") || name.isEmpty()) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            FloatTensor t = tensors.get(name);
            long bytes = SafetensorsReader.byteCount(t.shape(), dtype);
            ObjectNode node = root.putObject(name);
            node.put("dtype", dtype.name());
            ArrayNode shape = node.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
