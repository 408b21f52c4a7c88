package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.forgetfilter.io.Json;

/**
 * Reads a <a href="https://github.com/huggingface/safetensors">safetensors</a> file: an 8-byte little-endian
 * header length N, N bytes of JSON ({@code name -> {dtype, shape, data_offsets}} plus an optional
 * {@code __metadata__} string map), then the raw little-endian tensor bytes, offsets relative to byte 8 + N.
 * Each tensor is read on its own (positional reads, no memory mapping), so files larger than 2 GiB are fine;
 * every value is converted to float32 in Java.
 *
 * <pre>{@code
 * try (SafetensorsReader r = SafetensorsReader.open(file)) {
 *     FloatTensor w = r.read("model.embed_tokens.weight");
 * }
 * }</pre>
 */
public final class SafetensorsReader implements AutoCloseable {
    /** Refuse headers above this size (the reference implementation's limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    /** Where one tensor lives in the file. {@code begin}/{@code end} are relative to the data section. */
    public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            return elements(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                              Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens a file and validates its header: sizes, dtypes, offsets in range and not overlapping. */
    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "safetensors file not found");
        }
        try {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new IOException(file + ": truncated safetensors file (" + fileSize + " bytes, no header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            TensorFileRead.readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > fileSize - 8) {
                throw new IOException(file + ": header length " + Long.toUnsignedString(headerLen)
                        + " does not fit in a file of " + fileSize + " bytes (truncated or not a safetensors file)");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new IOException(file + ": header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            TensorFileRead.readFully(ch, headerBuf, 8, file);
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(headerText, fileSize - dataStart, metadata, file);
            return new SafetensorsReader(file, ch, dataStart, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(String text, long dataSize, Map<String, String> metadata,
                                                       Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": safetensors header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(name, parseTensor(name, node, dataSize, file));
        }
        checkNoOverlap(tensors, file);
        return Collections.unmodifiableMap(tensors);
    }

    private static TensorInfo parseTensor(String name, JsonNode node, long dataSize, Path file) throws IOException {
        String dtypeName = node.path("dtype").asText("");
        SafetensorsDtype dtype = SafetensorsDtype.fromHeader(dtypeName);
        if (dtype == null) {
            throw new IOException(file + ": tensor " + name + " has unsupported dtype '" + dtypeName
                    + "' (supported: F32, F16, BF16, F64, I32, I64)");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(file + ": tensor " + name + " needs 'shape' and two 'data_offsets'");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new IOException(file + ": tensor " + name + " has a negative dimension in shape " + shapeNode);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new IOException(file + ": tensor " + name + " has data offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataSize + " bytes (file truncated?)");
        }
        long expected = byteCount(shape, dtype);
        if (end - begin != expected) {
            throw new IOException(file + ": tensor " + name + " of shape " + Arrays.toString(shape) + " and dtype "
                    + dtype + " needs " + expected + " bytes but its data offsets span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Map<String, TensorInfo> tensors, Path file) throws IOException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (prev != null && t.begin() < prev.end() && t.end() > t.begin()) {
                throw new IOException(file + ": tensors " + prev.name() + " [" + prev.begin() + ", " + prev.end()
                        + "] and " + t.name() + " [" + t.begin() + ", " + t.end() + "] overlap");
            }
            if (prev == null || t.end() > prev.end()) {
                prev = t;
            }
        }
    }

    /** Number of bytes a tensor of this shape and dtype occupies; long arithmetic, overflow is an error. */
    static long byteCount(long[] shape, SafetensorsDtype dtype) {
        return Math.multiplyExact(elements(shape), dtype.bytes());
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public Path file() {
        return file;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor named " + name);
        }
        return t;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** Reads one tensor as float32, mapping only its bytes. */
    public FloatTensor read(String name) throws IOException {
        TensorInfo t = info(name);
        long count = t.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": tensor " + name + " has " + count + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) count];
        TensorFileRead.decode(channel, dataStart + t.begin(), t.dtype(), out, file);
        return new FloatTensor(t.shape().clone(), out);
    }

    /** Reads every tensor in header order. */
    public Map<String, FloatTensor> readAll() throws IOException {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            out.put(name, read(name));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Reads all tensors of one file. */
    public static Map<String, FloatTensor> readFile(Path file) throws IOException {
        try (SafetensorsReader r = open(file)) {
            return r.readAll();
        }
    }

    /**
     * Reads a sharded checkpoint through its {@code model.safetensors.index.json}
     * ({@code {"metadata": {...}, "weight_map": {tensor: shard file}}}). Every tensor listed must be in the shard
     * named for it; tensors in a shard but not in the map are an error too.
     */
    public static Map<String, FloatTensor> readSharded(Path indexFile) throws IOException {
        JsonNode index;
        try {
            index = Json.MAPPER.readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new IOException(indexFile + ": cannot read safetensors index: " + e.getMessage(), e);
        }
        JsonNode weightMap = index == null ? null : index.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new IOException(indexFile + ": safetensors index has no 'weight_map'");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        weightMap.fields().forEachRemaining(e ->
                byShard.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>()).add(e.getKey()));
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
            String shardName = shard.getKey();
            if (shardName.contains("/") || shardName.contains("\\") || shardName.startsWith(".")) {
                throw new IOException(indexFile + ": shard name '" + shardName + "' must be a plain file name");
            }
            try (SafetensorsReader r = open(dir.resolve(shardName))) {
                TreeSet<String> unlisted = new TreeSet<>(r.tensors.keySet());
                unlisted.removeAll(shard.getValue());
                if (!unlisted.isEmpty()) {
                    throw new IOException(r.file + ": tensors " + unlisted + " are not assigned to this shard in " + indexFile);
                }
                for (String name : shard.getValue()) {
                    if (!r.tensors.containsKey(name)) {
                        throw new IOException(r.file + ": tensor " + name + " listed in " + indexFile + " is missing");
                    }
                    out.put(name, r.read(name));
                }
            }
        }
        return out;
    }
}
