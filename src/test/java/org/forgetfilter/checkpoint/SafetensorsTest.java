package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static final float[] VALUES = {1f, -2f, 0.1f, 65520f, 0x1p-25f, 3 * 0x1p-25f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f + 0x1p-11f};

    private Map<String, FloatTensor> sample() {
        Map<String, FloatTensor> m = new LinkedHashMap<>();
        m.put("z.last", FloatTensor.of(VALUES.clone(), 2, 5));
        m.put("a.first", FloatTensor.of(new float[] {0.5f, 0.25f, -0.125f}, 3));
        m.put("empty", FloatTensor.of(new float[0], 0, 4));
        return m;
    }

    /** Writes a file from a raw header string and data bytes, as a hand-made (possibly malformed) file. */
    private Path rawFile(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void f32RoundTripIsBitIdenticalAndLayoutFollowsTheFormat() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, sample(), SafetensorsDtype.F32, Map.of("note", "hello"));
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLen + 4 * 13, bytes.length);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertEquals(List.of("a.first", "empty", "z.last"), r.names().stream().sorted().toList());
            assertEquals(0, r.info("a.first").begin(), "tensors in sorted name order");
            assertEquals(12, r.info("z.last").begin());
            assertEquals("hello", r.metadata().get("note"));
            assertEquals("pt", r.metadata().get("format"));
            FloatTensor z = r.read("z.last");
            assertArrayEquals(new long[] {2, 5}, z.shape());
            for (int i = 0; i < VALUES.length; i++) {
                assertEquals(Float.floatToRawIntBits(VALUES[i]), Float.floatToRawIntBits(z.data()[i]));
            }
            assertEquals(0, r.read("empty").size());
        }
    }

    @Test
    void f16AndBf16RoundTripRoundToNearestEven() throws IOException {
        Path f16 = dir.resolve("h.safetensors");
        Path bf16 = dir.resolve("b.safetensors");
        SafetensorsWriter.write(f16, sample(), SafetensorsDtype.F16);
        SafetensorsWriter.write(bf16, sample(), SafetensorsDtype.BF16);
        float[] h = SafetensorsReader.readFile(f16).get("z.last").data();
        assertArrayEquals(new float[] {1f, -2f, 0.0999755859375f, Float.POSITIVE_INFINITY, 0f, 2 * 0x1p-24f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f}, h);
        float[] b = SafetensorsReader.readFile(bf16).get("z.last").data();
        assertEquals(Float.intBitsToFloat(0x3dcd0000), b[2]);
        assertEquals(65536f, b[3]); // 65520 = 0x477ff000 rounds up in bfloat16
        assertTrue(Float.isNaN(b[8]));
        assertEquals(1f, b[9]);
        try (SafetensorsReader r = SafetensorsReader.open(bf16)) {
            assertEquals(SafetensorsDtype.BF16, r.info("z.last").dtype());
            assertEquals(20, r.info("z.last").end() - r.info("z.last").begin());
        }
    }

    @Test
    void tensorsLongerThanOneReadChunkRoundTripInEveryFloatDtype() throws IOException {
        // 3.3 read chunks of f32 after a 3-element tensor, so chunks start at an offset that is not chunk-aligned
        int n = TensorFileRead.CHUNK_BYTES / 4 * 3 + TensorFileRead.CHUNK_BYTES / 12 + 7;
        float[] big = new float[n];
        for (int i = 0; i < n; i++) {
            big[i] = (float) Math.sin(i * 0.37) * (1 + i % 97); // exact in f16 and bf16 only near zero: compare below
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("a.small", FloatTensor.of(new float[] {1f, 2f, 3f}, 3));
        weights.put("b.big", FloatTensor.of(big, n));
        for (SafetensorsDtype dtype : List.of(SafetensorsDtype.F32, SafetensorsDtype.F16, SafetensorsDtype.BF16)) {
            Path f = dir.resolve("big-" + dtype + ".safetensors");
            SafetensorsWriter.write(f, weights, dtype);
            float[] back = SafetensorsReader.readFile(f).get("b.big").data();
            assertEquals(n, back.length);
            for (int i = 0; i < n; i++) {
                float expected = switch (dtype) {
                    case F16 -> HalfPrecision.f16ToFloat(HalfPrecision.floatToF16(big[i]));
                    case BF16 -> HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(big[i]));
                    default -> big[i];
                };
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(back[i])) {
                    throw new AssertionError(dtype + " element " + i + ": expected " + expected + ", read " + back[i]);
                }
            }
        }
    }

    @Test
    void readsF64AndIntegerTensorsWrittenByHand() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(16 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(1.5).putDouble(-0.25).putInt(7).putInt(-3).putLong(1L << 40);
        Path p = rawFile("mixed.safetensors", "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[24,32]}}", d.array());
        Map<String, FloatTensor> m = SafetensorsReader.readFile(p);
        assertArrayEquals(new float[] {1.5f, -0.25f}, m.get("d").data());
        assertArrayEquals(new float[] {7f, -3f}, m.get("i").data());
        assertArrayEquals(new float[] {(float) (1L << 40)}, m.get("l").data());
    }

    @Test
    void shardedIndexIsReadAcrossFiles() throws IOException {
        Map<String, FloatTensor> all = sample();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a.first", all.get("a.first")), SafetensorsDtype.F32);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                Map.of("z.last", all.get("z.last"), "empty", all.get("empty")), SafetensorsDtype.F32);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":52},\"weight_map\":{"
                + "\"a.first\":\"model-00001-of-00002.safetensors\",\"z.last\":\"model-00002-of-00002.safetensors\","
                + "\"empty\":\"model-00002-of-00002.safetensors\"}}");
        Map<String, FloatTensor> m = SafetensorsReader.readSharded(index);
        assertEquals(3, m.size());
        assertArrayEquals(all.get("a.first").data(), m.get("a.first").data());
        assertEquals(Float.floatToRawIntBits(0.1f), Float.floatToRawIntBits(m.get("z.last").data()[2]));

        Files.writeString(index, "{\"weight_map\":{\"a.first\":\"model-00001-of-00002.safetensors\","
                + "\"gone\":\"model-00002-of-00002.safetensors\"}}");
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.readSharded(index));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void truncatedFileNamesTheFileAndTensor() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafetensorsWriter.write(f, sample(), SafetensorsDtype.F32);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 4));
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("z.last")
                && e.getMessage().contains("truncated"), e.getMessage());

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> SafetensorsReader.open(tiny));
        assertTrue(e.getMessage().startsWith(tiny.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put(new byte[12]);
        Path p = dir.resolve("long.safetensors");
        Files.write(p, b.array());
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("header length 1000"), e.getMessage());
        // also a negative length as signed, huge as unsigned
        ByteBuffer neg = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).put(new byte[12]);
        Files.write(p, neg.array());
        e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
    }

    @Test
    void shapeAndByteCountMismatchNamesTheTensor() throws IOException {
        Path p = rawFile("bad.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
                new byte[20]);
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("tensor w")
                && e.getMessage().contains("needs 24 bytes") && e.getMessage().contains("span 20"), e.getMessage());
    }

    @Test
    void unknownDtypeNamesTheTensorAndDtype() throws IOException {
        Path p = rawFile("f8.safetensors", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}",
                new byte[4]);
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
        assertTrue(e.getMessage().contains("tensor w") && e.getMessage().contains("F8_E4M3")
                && e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        Path p = rawFile("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
        assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains("a [0, 8]"), e.getMessage());
    }

    /**
     * A sparse file whose data section is past 4 GiB: offsets must be long all the way, and a tensor mapped at a
     * position beyond 2^32 must read correctly. The file costs almost no disk space.
     */
    @Test
    void offsetsBeyondFourGigabytesUseLongArithmetic() throws IOException {
        long big = 5L << 30; // 5 GiB of F32 = 1,342,177,280 elements
        String header = "{\"huge\":{\"dtype\":\"F32\",\"shape\":[40960,32768],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(len.array());
            raf.write(h);
            raf.seek(8 + h.length + big);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3.5f).putFloat(-1f);
            raf.write(tail.array());
        }
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(40960L * 32768L, r.info("huge").elementCount());
            assertEquals(big, r.info("huge").end());
            assertArrayEquals(new float[] {3.5f, -1f}, r.read("tail").data());
        }
        assertEquals(Math.multiplyExact(40960L * 32768L, 4L),
                SafetensorsReader.byteCount(new long[] {40960, 32768}, SafetensorsDtype.F32));
    }
}
