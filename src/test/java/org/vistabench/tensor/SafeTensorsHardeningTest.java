package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed safetensors file must give one {@link TensorFormatException} line naming the file, never an abort. */
class SafeTensorsHardeningTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    @TempDir
    Path tmp;

    static byte[] file(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]);
    }

    Path write(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** Opens and reads every tensor; returns the error, which must be one line naming the file. */
    TensorFormatException failure(Path f) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
            try (SafeTensors st = SafeTensors.open(f)) {
                for (String n : st.names()) {
                    if (st.info(n).dtype().isFloating()) {
                        st.floats(n);
                    } else {
                        st.longs(n);
                    }
                }
            }
        });
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void truncatedAtEveryKindOfCutPointNamesFileAndTensor() throws Exception {
        byte[] b = Files.readAllBytes(FIX.resolve("clip-tiny/model.safetensors"));
        long hlen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long[] cuts = {0, 3, 7, 8, 9, 8 + hlen / 2, 8 + hlen - 1, 8 + hlen, 8 + hlen + 1, (8 + hlen + b.length) / 2,
            b.length - 1};
        for (long cut : cuts) {
            Path f = write("cut" + cut + ".safetensors", Arrays.copyOf(b, (int) cut));
            TensorFormatException e = failure(f);
            if (cut > 8 + hlen) {
                // cut inside the data: the error names the tensor whose bytes are missing
                assertTrue(e.getMessage().contains("tensor '"), e.getMessage());
            }
            if (cut < 8) {
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
        }
    }

    @Test
    void fileCutWhileOpenGivesAnErrorNotGarbage() throws Exception {
        Path f = write("shrinks.safetensors", Files.readAllBytes(FIX.resolve("clip-tiny/model.safetensors")));
        try (SafeTensors st = SafeTensors.open(f)) {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(raf.length() / 2);
            }
            String last = st.names().stream().max((x, y) -> Long.compare(st.info(x).end(), st.info(y).end()))
                    .orElseThrow();
            TensorFormatException e = assertThrows(TensorFormatException.class, () -> st.floats(last));
            assertTrue(e.getMessage().contains("shrank") && e.getMessage().contains(last), e.getMessage());
        }
    }

    @Test
    void overlappingOffsetsAreRejectedEvenBehindAnEmptyTensor() throws Exception {
        Path f = write("overlap.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24));
        assertTrue(failure(f).getMessage().contains("overlap"));
        // x spans [0,40); the empty z sits inside it; y [24,40) overlaps x although z sorts between them
        Path g = write("overlap2.safetensors", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[0,40]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[20,20]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]}}", 40));
        String m = failure(g).getMessage();
        assertTrue(m.contains("overlap") && m.contains("'x'") && m.contains("'y'"), m);
    }

    @Test
    void offsetsPastTheEndAreRejected() throws Exception {
        Path f = write("past.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));
        String m = failure(f).getMessage();
        assertTrue(m.contains("tensor 'a'") && m.contains("outside the data section"), m);
        Path g = write("neg.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-4,-4]}}", 8));
        failure(g);
        Path h = write("huge.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,99999999999999999999999]}}", 8));
        failure(h);
    }

    @Test
    void headerLengthOver100MbIsRejectedWithoutReadingIt() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(SafeTensors.MAX_HEADER_BYTES + 1).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        String m = failure(write("bighead.safetensors", b.array())).getMessage();
        assertTrue(m.contains("header length " + (SafeTensors.MAX_HEADER_BYTES + 1)), m);
        ByteBuffer c = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0);
        assertTrue(failure(write("neghead.safetensors", c.array())).getMessage().contains("18446744073709551615"));
    }

    @Test
    void dtypeContradictingByteLengthIsRejected() throws Exception {
        Path f = write("len.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        String m = failure(f).getMessage();
        assertTrue(m.contains("tensor 'a'") && m.contains("needs 12 bytes") && m.contains("span 8"), m);
        Path g = write("overflow.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,8]}}", 8));
        assertTrue(failure(g).getMessage().contains("overflows"));
    }

    @Test
    void unknownDtypeIsRejectedNamingIt() throws Exception {
        Path f = write("dt.safetensors", file("{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        String m = failure(f).getMessage();
        assertTrue(m.contains("tensor 'a'") && m.contains("Q4_K"), m);
        Path g = write("dtnum.safetensors", file("{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        failure(g);
    }

    @Test
    void headerThatIsNotJsonIsRejected() throws Exception {
        assertTrue(failure(write("nojson.safetensors", file("{\"a\": nope", 0))).getMessage().contains("not valid JSON"));
        assertTrue(failure(write("array.safetensors", file("[1, 2]  ", 0))).getMessage().contains("JSON object"));
        failure(write("trailing.safetensors", file("{} {\"a\":1}", 0)));
        failure(write("entry.safetensors", file("{\"a\":[1,2]}", 0)));
        failure(write("meta.safetensors", file("{\"__metadata__\":{\"k\":1}}", 0)));
        byte[] badUtf8 = {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'};
        failure(write("utf8.safetensors", file(badUtf8, new byte[0])));
    }

    @Test
    void duplicateTensorNamesAreDetected() throws Exception {
        Path f = write("dup.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        String m = failure(f).getMessage();
        assertTrue(m.contains("twice") && m.contains("'a'"), m);
    }

    @Test
    void nonEightAlignedHeaderIsStillReadIncludingAsNdArray() throws Exception {
        // 13-byte-off header: the F32 data starts at an odd file offset
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]}}";
        while (h.length() % 4 != 1) {
            h += " "; // the data then starts at an odd offset: not even 2-byte aligned
        }
        ByteBuffer d = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            d.putFloat(i * 1.5f);
        }
        d.putLong(7).putLong(-9);
        Path f = write("odd.safetensors", file(h.getBytes(StandardCharsets.UTF_8), d.array()));
        try (SafeTensors st = SafeTensors.open(f); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {0, 1.5f, 3, 4.5f, 6, 7.5f}, st.floats("w"));
            assertArrayEquals(new long[] {7, -9}, st.longs("i"));
            NDArray nd = st.toNd(m, "w");
            assertArrayEquals(new long[] {2, 3}, nd.getShape().getShape());
            assertArrayEquals(st.floats("w"), nd.toFloatArray());
        }
    }

    @Test
    void asksForTheWrongKindOfTensorNamingIt() throws Exception {
        byte[] b = new SafeTensorsWriter().put("ids", new long[] {2}, new long[] {1, 2})
                .putF32("w", new long[] {1}, new float[] {1}).toBytes();
        Path f = write("kinds.safetensors", b);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertTrue(assertThrows(TensorFormatException.class, () -> st.floats("ids")).getMessage()
                    .contains("tensor 'ids'"));
            assertTrue(assertThrows(TensorFormatException.class, () -> st.longs("w")).getMessage()
                    .contains("tensor 'w'"));
            assertTrue(assertThrows(TensorFormatException.class, () -> st.info("nope")).getMessage()
                    .contains("kinds.safetensors: tensor 'nope' is missing"));
        }
    }

    @Test
    void bigTensorsReadInParallelChunksAndByRowBlocksMatchTheSmallPath() throws Exception {
        // 3 MiB of BF16: several chunks; decode once serially (reference) and compare with floats() and both NDArray
        // routes (one direct buffer, and row blocks forced by a small limit).
        int rows = 1531;
        int cols = 1024;
        float[] vals = new float[rows * cols];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < vals.length; i++) {
            vals[i] = (float) r.nextGaussian();
        }
        Path f = tmp.resolve("big.safetensors");
        new SafeTensorsWriter().put("w", DType.BF16, new long[] {rows, cols}, vals).write(f);
        try (SafeTensors st = SafeTensors.open(f); NDManager m = NDManager.newBaseManager()) {
            ByteBuffer raw = st.bytes("w");
            float[] ref = new float[vals.length];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = Halves.bf16ToFloat(raw.getShort(2 * i));
            }
            assertArrayEquals(ref, st.floats("w"));
            assertArrayEquals(ref, st.toNd(m, "w").toFloatArray());
            NDArray blocks = st.toNdF32(m, st.info("w"), 100_000); // 24 rows per block, last block partial
            assertArrayEquals(new long[] {rows, cols}, blocks.getShape().getShape());
            assertArrayEquals(ref, blocks.toFloatArray());
            assertEquals(ref[ref.length - 1], blocks.get(rows - 1, cols - 1).getFloat());
        }
    }
}
