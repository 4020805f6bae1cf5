package io.glm4vee.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SafetensorsFile's header validation and SafetensorsWriter's round trip. */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    @Test
    void writerRoundTripAllDtypes() {
        Path f = dir.resolve("rt.safetensors");
        List<SafetensorsWriter.Entry> entries = List.of(
                new SafetensorsWriter.Entry("a", DType.F32, new long[] {2, 3}),
                new SafetensorsWriter.Entry("b", DType.BF16, new long[] {3}),
                new SafetensorsWriter.Entry("c", DType.F16, new long[] {1, 1, 2}),
                new SafetensorsWriter.Entry("z", DType.F32, new long[] {4}));
        long data = SafetensorsWriter.write(f, entries, Map.of("format", "pt"), (e, sink) -> {
            if (e.name().equals("z")) {
                sink.zeros();
                return;
            }
            ByteBuffer b = ByteBuffer.allocate((int) e.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < e.numel(); i++) {
                float x = 0.5f * (i + 1);
                switch (e.dtype()) {
                    case F32 -> b.putFloat(x);
                    case BF16 -> b.putShort(DType.floatToBf16(x));
                    case F16 -> b.putShort(Float.floatToFloat16(x));
                }
            }
            sink.write(b.flip());
        });
        assertEquals(24 + 6 + 4 + 16, data);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile st = SafetensorsFile.open(f, arena);
            assertEquals(0, st.dataStart() % 8, "data section must be 8-byte aligned");
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(List.of("a", "b", "c", "z"), List.copyOf(st.tensors().keySet()));
            MemorySegment a = st.data("a");
            assertEquals(3.0f, a.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 20));
            short b2 = st.data("b").get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4);
            assertEquals(1.5f, DType.bf16ToFloat(b2));
            short c1 = st.data("c").get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2);
            assertEquals(1.0f, Float.float16ToFloat(c1));
            MemorySegment z = st.data("z");
            assertEquals(16, z.byteSize());
            for (long i = 0; i < 16; i++) {
                assertEquals(0, z.get(ValueLayout.JAVA_BYTE, i));
            }
            assertEquals(st.fileSize(), st.dataStart() + data);
        }
    }

    @Test
    void writerRejectsShortSourceAndDeletesThePartialFile() {
        Path f = dir.resolve("short.safetensors");
        var entries = List.of(new SafetensorsWriter.Entry("w", DType.F32, new long[] {4}));
        EngineException e = assertThrows(EngineException.class, () -> SafetensorsWriter.write(f, entries, null,
                (en, sink) -> sink.write(ByteBuffer.allocate(8))));
        assertTrue(e.getMessage().contains("wrote 8 of the 16 bytes"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void writerRejectsDuplicateNames() {
        var entries = List.of(new SafetensorsWriter.Entry("w", DType.F32, new long[] {1}),
                new SafetensorsWriter.Entry("w", DType.F32, new long[] {1}));
        assertThrows(EngineException.class, () -> SafetensorsWriter.header(entries, null));
    }

    @Test
    void tooShortFile() throws IOException {
        Path f = dir.resolve("tiny.safetensors");
        Files.write(f, new byte[5]);
        expectBad(f, null, "too short");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path f = raw("beyond.safetensors", 1000, "{}".getBytes(StandardCharsets.UTF_8));
        expectBad(f, null, "runs past the end");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path f = raw("absurd.safetensors", 1L << 40, new byte[16]);
        expectBad(f, null, "exceeds");
        Path g = raw("negative.safetensors", -1L, new byte[16]);   // u64 above 2^63
        expectBad(g, null, "18446744073709551615");
    }

    @Test
    void truncatedData() throws IOException {
        Path f = file("trunc.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[0,64]}}", 32);
        expectBad(f, "tensor w", "outside the 32-byte data section");
    }

    @Test
    void offsetsOutOfOrder() throws IOException {
        Path f = file("order.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16);
        expectBad(f, "tensor w", "data_offsets [8, 4)");
    }

    @Test
    void sizeMismatch() throws IOException {
        Path f = file("size.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 24);
        expectBad(f, "tensor w", "needs 24");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = file("dtype.safetensors", "{\"w\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        EngineException e = assertThrows(EngineException.class, () -> open(f));
        assertEquals(ErrorCode.UNSUPPORTED_DTYPE, e.code());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("tensor w")
                && e.getMessage().contains("I8"), e.getMessage());
    }

    @Test
    void overlappingTensors() throws IOException {
        Path f = file("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        expectBad(f, "tensor b", "overlaps tensor a");
    }

    @Test
    void malformedEntries() throws IOException {
        expectBad(file("json.safetensors", "{\"w\":", 0), null, "not valid JSON");
        expectBad(file("dup.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), null, "Duplicate field 'w'");
        expectBad(file("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor w", "shape must hold non-negative integers");
        expectBad(file("noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
                "tensor w", "dtype, shape and data_offsets");
        expectBad(file("meta.safetensors", "{\"__metadata__\":{\"format\":1}}", 0), null, "__metadata__.format");
        expectBad(file("array.safetensors", "[]", 0), null, "JSON object");
    }

    @Test
    void paddedHeaderAndEmptyTensorAreFine() throws IOException {
        Path f = file("pad.safetensors", "{\"e\":{\"dtype\":\"BF16\",\"shape\":[0,3],\"data_offsets\":[0,0]}}     ", 0);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile st = SafetensorsFile.open(f, arena);
            assertEquals(0, st.data("e").byteSize());
            assertEquals(0, st.tensors().get("e").numel());
        }
    }

    private void expectBad(Path f, String tensor, String why) {
        EngineException e = assertThrows(EngineException.class, () -> open(f));
        assertEquals(ErrorCode.BAD_CHECKPOINT, e.code());
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), () -> "message does not name the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains(tensor), () -> "message does not name " + tensor + ": " + m);
        }
        assertTrue(m.contains(why), () -> "message lacks '" + why + "': " + m);
    }

    private static void open(Path f) {
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile.open(f, arena);
        }
    }

    /** A file with a correct length prefix, the given header and dataBytes zero bytes. */
    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] rest = new byte[h.length + dataBytes];
        System.arraycopy(h, 0, rest, 0, h.length);
        return raw(name, h.length, rest);
    }

    /** A file whose u64 prefix claims headerLen, followed by rest. */
    private Path raw(String name, long headerLen, byte[] rest) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(rest);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
