package io.glm4vee.engine.tensor;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strided views, layout predicates, explicit copies, entry checks and the bf16/f16 conversions.
 * Every expected stride, offset and bit pattern below is worked out by hand in a comment.
 */
class TensorTest {
    private static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A (2, 3, 4) F32 tensor holding 0..23, so an element's value is its row-major index. */
    private static Tensor iota234() {
        float[] a = new float[24];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return Tensor.of(a, 2, 3, 4);
    }

    // ------------------------------------------------------------------ metadata and views

    @Test
    void rowMajorStridesOfANewTensor() {
        Tensor t = iota234();
        assertArrayEquals(new long[] {2, 3, 4}, t.shape());
        assertArrayEquals(new long[] {12, 4, 1}, t.strides());   // 3*4, 4, 1
        assertEquals(0, t.offset());
        assertEquals(24, t.numel());
        assertEquals(DType.F32, t.dtype());
        assertEquals(4, t.dim(-1));
        assertEquals(12, t.stride(-3));
        assertEquals(1 * 12 + 2 * 4 + 3, t.offsetOf(1, 2, 3));
        assertEquals(23f, t.get(1, 2, 3));
    }

    @Test
    void narrowIsAViewWithShiftedOffset() {
        Tensor t = iota234();
        Tensor n = t.narrow(1, 1, 2);                        // rows 1..2 of dim 1
        assertArrayEquals(new long[] {2, 2, 4}, n.shape());
        assertArrayEquals(new long[] {12, 4, 1}, n.strides());
        assertEquals(4, n.offset());                          // start 1 * stride 4
        assertEquals(1 * 12 + 2 * 4 + 3, n.get(1, 1, 3));     // t[1, 2, 3]

        n.set(-5f, 1, 0, 2);                                  // is t[1, 1, 2], storage index 12 + 4 + 2
        assertEquals(-5f, t.get(1, 1, 2));
        assertEquals(-5f, t.array()[18]);
        t.set(-7f, 0, 2, 0);                                  // is n[0, 1, 0]
        assertEquals(-7f, n.get(0, 1, 0));
        assertSame(t.array(), n.array(), "a view must not copy");
    }

    @Test
    void selectDropsTheDimension() {
        Tensor t = iota234();
        Tensor s = t.select(2, 3);                            // t[:, :, 3]
        assertArrayEquals(new long[] {2, 3}, s.shape());
        assertArrayEquals(new long[] {12, 4}, s.strides());
        assertEquals(3, s.offset());
        assertEquals(12 + 2 * 4 + 3, s.get(1, 2));
        s.set(100f, 0, 1);                                    // t[0, 1, 3], index 7
        assertEquals(100f, t.array()[7]);

        Tensor row = t.select(0, 1);                          // t[1], offset 12
        assertArrayEquals(new long[] {3, 4}, row.shape());
        assertEquals(12, row.offset());
        assertTrue(row.isContiguous());
    }

    @Test
    void transposeAndPermuteOnlySwapMetadata() {
        Tensor t = iota234();
        Tensor tr = t.transpose(0, 2);
        assertArrayEquals(new long[] {4, 3, 2}, tr.shape());
        assertArrayEquals(new long[] {1, 4, 12}, tr.strides());
        assertEquals(0, tr.offset());
        assertEquals(t.get(1, 2, 3), tr.get(3, 2, 1));

        Tensor p = t.permute(2, 0, 1);                        // new dim i is old dim perm[i]
        assertArrayEquals(new long[] {4, 2, 3}, p.shape());
        assertArrayEquals(new long[] {1, 12, 4}, p.strides());
        assertEquals(1 * 12 + 2 * 4 + 3, p.get(3, 1, 2));
        p.set(-1f, 0, 0, 0);
        assertEquals(-1f, t.get(0, 0, 0));
        assertSame(t.array(), p.array());
    }

    @Test
    void unflattenSplitsADimensionOfAnyStride() {
        // a (3, 8) matrix; its column slice [:, 4:8] viewed as (3, 2, 2), like a fused QKV split
        float[] a = new float[24];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        Tensor m = Tensor.of(a, 3, 8);
        Tensor u = m.narrow(1, 4, 4).unflatten(1, 2, 2);
        assertArrayEquals(new long[] {3, 2, 2}, u.shape());
        assertArrayEquals(new long[] {8, 2, 1}, u.strides());
        assertEquals(4, u.offset());
        assertEquals(2 * 8 + 4 + 1 * 2 + 0, u.get(2, 1, 0));  // m[2, 6]
        u.set(-3f, 1, 0, 1);                                  // m[1, 5]
        assertEquals(-3f, m.get(1, 5));

        Tensor t = iota234().unflatten(2, 2, 2);              // (2, 3, 2, 2)
        assertArrayEquals(new long[] {12, 4, 2, 1}, t.strides());
        assertTrue(t.isContiguous());
    }

    @Test
    void viewReshapesAContiguousTensorInPlace() {
        Tensor t = iota234();
        Tensor v = t.view(6, 4);
        assertArrayEquals(new long[] {4, 1}, v.strides());
        assertEquals(4 * 5 + 3, v.get(5, 3));
        v.set(42f, 5, 3);
        assertEquals(42f, t.get(1, 2, 3));

        // a narrow of the outer dimension stays contiguous; its view keeps the offset
        Tensor second = t.narrow(0, 1, 1).view(12);
        assertEquals(12, second.offset());
        assertEquals(13f, second.get(1));
    }

    // ------------------------------------------------------------------ layout predicates

    @Test
    void layoutPredicatesOnCraftedViews() {
        Tensor t = iota234();
        assertTrue(t.isContiguous());
        assertFalse(t.isTransposed());

        Tensor n = t.narrow(1, 1, 2);                          // strides (12, 4, 1), shape (2, 2, 4)
        assertFalse(n.isContiguous(), "12 != 2 * 4");
        assertTrue(n.isRowMajorFrom(1));

        Tensor cols = Tensor.zeros(3, 8).narrow(1, 0, 2);      // (3, 2) with strides (8, 1)
        assertFalse(cols.isContiguous());
        assertTrue(cols.isRowMajorFrom(1));
        assertFalse(cols.isTransposed());

        Tensor m = Tensor.zeros(2, 3);
        Tensor mt = m.transpose(0, 1);                         // (3, 2) with strides (1, 3)
        assertTrue(mt.isTransposed());
        assertFalse(mt.isContiguous());
        assertFalse(mt.isRowMajorFrom(1), "last stride is 3");
        assertFalse(mt.transpose(0, 1).isTransposed());

        // a size-1 dimension may have any stride: one row of a (2, 3) is still packed
        Tensor oneRow = m.narrow(0, 1, 1);                     // (1, 3), strides (3, 1), offset 3
        assertTrue(oneRow.isContiguous());
        // and a (3, 1) column of a (3, 4) matrix is not, although its last dimension has extent 1
        Tensor column = Tensor.zeros(3, 4).narrow(1, 2, 1);   // strides (4, 1)
        assertFalse(column.isContiguous(), "outer stride 4 != 1");
        // transposing a (3, 1) column gives (1, 3) with strides (1, 1): packed, not "transposed"
        Tensor flipped = Tensor.zeros(3, 1).transpose(0, 1);
        assertFalse(flipped.isTransposed());
        assertTrue(flipped.isContiguous());
    }

    // ------------------------------------------------------------------ copies

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor t = iota234();
        assertSame(t, t.contiguous());
        Tensor row = t.select(0, 1);
        assertSame(row, row.contiguous(), "an offset alone does not need a copy");

        Tensor tr = t.transpose(1, 2);                         // (2, 4, 3)
        Tensor c = tr.contiguous();
        assertNotSame(tr, c);
        assertTrue(c.isContiguous());
        assertEquals(0, c.offset());
        assertArrayEquals(new long[] {2, 4, 3}, c.shape());
        // row-major order of the transposed view: c[b, j, i] = t[b, i, j] = 12b + 4i + j
        float[] want = new float[24];
        int k = 0;
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 4; j++) {
                for (int i = 0; i < 3; i++) {
                    want[k++] = 12 * b + 4 * i + j;
                }
            }
        }
        assertArrayEquals(want, c.toFloatArray());
        c.set(-1f, 0, 0, 0);
        assertEquals(0f, t.get(0, 0, 0), "the copy does not share storage");
    }

    @Test
    void toFloatArrayOfAViewReadsOnlyTheView() {
        Tensor s = iota234().select(2, 1);                     // t[:, :, 1] = 1, 5, 9, 13, 17, 21
        assertArrayEquals(new float[] {1, 5, 9, 13, 17, 21}, s.toFloatArray());
    }

    // ------------------------------------------------------------------ entry checks

    @Test
    void narrowOutOfRangeNamesTheRangeAndTheShape() {
        Tensor t = iota234();
        EngineException e = assertThrows(EngineException.class, () -> t.narrow(1, 2, 2));
        assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("narrow(1, 2, 2)"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        assertThrows(EngineException.class, () -> t.narrow(3, 0, 1));
        assertThrows(EngineException.class, () -> t.narrow(0, -1, 1));
        assertThrows(EngineException.class, () -> t.select(0, 2));
    }

    @Test
    void badPermutationsAreRejected() {
        Tensor t = iota234();
        EngineException dup = assertThrows(EngineException.class, () -> t.permute(0, 0, 1));
        assertEquals(ErrorCode.SHAPE_MISMATCH, dup.code());
        assertTrue(dup.getMessage().contains("[0, 0, 1]"), dup.getMessage());
        EngineException rank = assertThrows(EngineException.class, () -> t.permute(1, 0));
        assertTrue(rank.getMessage().contains("[1, 0]") && rank.getMessage().contains("[2, 3, 4]"),
                rank.getMessage());
        assertThrows(EngineException.class, () -> t.permute(0, 1, 3));
        EngineException tr = assertThrows(EngineException.class, () -> t.transpose(0, 3));
        assertTrue(tr.getMessage().contains("[2, 3, 4]"), tr.getMessage());
    }

    @Test
    void unflattenChecksTheProductAndTheDimension() {
        Tensor t = iota234();
        EngineException e = assertThrows(EngineException.class, () -> t.unflatten(2, 3, 2));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        EngineException d = assertThrows(EngineException.class, () -> t.unflatten(3, 1, 1));
        assertEquals(ErrorCode.SHAPE_MISMATCH, d.code());
    }

    @Test
    void viewOfNonContiguousSaysWhatItGot() {
        Tensor tr = iota234().transpose(0, 1);
        EngineException e = assertThrows(EngineException.class, () -> tr.view(24));
        assertEquals(ErrorCode.LAYOUT, e.code());
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
        assertTrue(e.getMessage().contains("strides [4, 12, 1]"), e.getMessage());

        EngineException count = assertThrows(EngineException.class, () -> iota234().view(5, 5));
        assertEquals(ErrorCode.SHAPE_MISMATCH, count.code());
        assertTrue(count.getMessage().contains("[5, 5]"), count.getMessage());
    }

    @Test
    void factoriesCheckSizes() {
        EngineException e = assertThrows(EngineException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(EngineException.class, () -> Tensor.zeros(2, -1));
        MemorySegment seg = MemorySegment.ofArray(new byte[10]);
        EngineException w = assertThrows(EngineException.class, () -> Tensor.wrap(seg, DType.BF16, 2, 3));
        assertTrue(w.getMessage().contains("12") && w.getMessage().contains("10"), w.getMessage());
        assertThrows(EngineException.class, () -> iota234().get(0, 3, 0));
        assertThrows(EngineException.class, () -> iota234().get(0, 0));
    }

    @Test
    void setOnANonF32TensorIsALayoutError() {
        Tensor b = Tensor.wrap(MemorySegment.ofArray(new byte[4]), DType.BF16, 2);
        EngineException e = assertThrows(EngineException.class, () -> b.set(1f, 0));
        assertEquals(ErrorCode.LAYOUT, e.code());
        assertTrue(e.getMessage().contains("bf16"), e.getMessage());
    }

    // ------------------------------------------------------------------ bf16 / f16

    private static Tensor halfs(DType dtype, int... bits) {
        MemorySegment seg = MemorySegment.ofArray(new byte[bits.length * 2]);
        for (int i = 0; i < bits.length; i++) {
            seg.setAtIndex(I16_LE, i, (short) bits[i]);
        }
        return Tensor.wrap(seg, dtype, bits.length);
    }

    @Test
    void bf16WidensExactly() {
        // bf16 is the top half of an f32: 0x3F80 -> 0x3F800000 = 1.0, 0xC000 -> -2.0,
        // 0x4049 -> 0x40490000 = 3.140625, 0x3E80 -> 0.25, 0x0001 -> 2^-133 (an f32 subnormal)
        Tensor t = halfs(DType.BF16, 0x3F80, 0xC000, 0x4049, 0x3E80, 0x0001, 0x7F80, 0xFF80, 0x8000, 0x7FC0);
        assertEquals(1.0f, t.get(0));
        assertEquals(-2.0f, t.get(1));
        assertEquals(3.140625f, t.get(2));
        assertEquals(0.25f, t.get(3));
        assertEquals(Math.scalb(1.0f, -133), t.get(4));
        assertEquals(Float.POSITIVE_INFINITY, t.get(5));
        assertEquals(Float.NEGATIVE_INFINITY, t.get(6));
        assertEquals(0x80000000, Float.floatToRawIntBits(t.get(7)), "negative zero keeps its sign");
        assertTrue(Float.isNaN(t.get(8)));
        // a strided read of the same storage and the F32 copy agree
        assertEquals(3.140625f, t.narrow(0, 2, 3).get(0));
        assertEquals(DType.F32, t.narrow(0, 0, 4).unflatten(0, 2, 2).transpose(0, 1).contiguous().dtype());
        assertArrayEquals(new float[] {1.0f, 3.140625f, -2.0f, 0.25f},
                t.narrow(0, 0, 4).unflatten(0, 2, 2).transpose(0, 1).toFloatArray());
    }

    @Test
    void f16WidensExactly() {
        // 0x3C00 = 1.0; 0xC000 = -2.0; 0x7BFF = (2 - 2^-10) * 2^15 = 65504; 0x0001 = 2^-24;
        // 0x3555: exponent 13, mantissa 341 -> 2^-2 * (1 + 341/1024) = 1365/4096
        Tensor t = halfs(DType.F16, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x7C00);
        assertEquals(1.0f, t.get(0));
        assertEquals(-2.0f, t.get(1));
        assertEquals(65504f, t.get(2));
        assertEquals(Math.scalb(1.0f, -24), t.get(3));
        assertEquals(1365f / 4096f, t.get(4));
        assertEquals(Float.POSITIVE_INFINITY, t.get(5));
    }

    @ParameterizedTest(name = "f32 0x{0} -> bf16 0x{1}")
    @CsvSource({
        "3F800000, 3F80",   // 1.0 exactly
        "3F807FFF, 3F80",   // just below half an ulp: down
        "3F808000, 3F80",   // exactly half, 0x3F80 is even: down
        "3F808001, 3F81",   // just above half: up
        "3F818000, 3F82",   // exactly half, 0x3F81 is odd: up to the even 0x3F82
        "BF808000, BF80",   // the same ties on negative numbers
        "BF818000, BF82",
        "40490FDB, 4049",   // pi: low half 0x0FDB < 0x8000
        "3EAAAAAB, 3EAB",   // 1/3: low half 0xAAAB > 0x8000
        "7F7FFFFF, 7F80",   // the largest float rounds to infinity
        "7F800000, 7F80",   // +inf
        "FF800000, FF80",   // -inf
        "00000001, 0000",   // the smallest subnormal rounds to zero
        "80000000, 8000",   // -0
    })
    void floatToBf16RoundsToNearestEven(String f32Hex, String bf16Hex) {
        float f = Float.intBitsToFloat(Integer.parseUnsignedInt(f32Hex, 16));
        assertEquals(Integer.parseInt(bf16Hex, 16), DType.floatToBf16(f) & 0xFFFF);
    }

    @Test
    void floatToBf16KeepsNaNsNaN() {
        // a NaN whose payload sits only in the low half would become infinity if merely truncated
        float lowPayloadNaN = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(lowPayloadNaN));
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(lowPayloadNaN))));
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
    }

    // ------------------------------------------------------------------ long offsets

    @Test
    void offsetsBeyondTwoGigaElementsAreLong(@TempDir Path dir) throws IOException {
        // a sparse 6 GiB file viewed as bf16 (3, 2^30): element (2, 5) is at 2^31 + 5
        long cols = 1L << 30;
        Path file = dir.resolve("big.bin");
        long bytes = 3 * cols * 2;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
            raf.seek(((2L << 30) + 5) * 2);
            raf.write(new byte[] {(byte) 0x80, 0x3F});          // 0x3F80 little-endian = 1.0
        }
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
            Tensor w = Tensor.wrap(seg, DType.BF16, 3, cols);
            Tensor last = w.select(0, 2);
            assertEquals(2L << 30, last.offset());
            Tensor slice = last.narrow(0, 4, 3);
            assertEquals((2L << 30) + 4, slice.offset());
            assertEquals(1.0f, slice.get(1));
            assertEquals(0.0f, slice.get(0));
            assertEquals((2L << 30) + 5, w.offsetOf(2, 5));
        }
    }
}
