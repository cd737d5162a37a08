package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    static final Path GEMMA_SCOPE = Path.of("src/test/resources/fixtures/hf-parity/sae-jumprelu-tiny/params.npz");
    static final Path MIXED = Path.of("src/test/resources/tensor/numpy-mixed.npz");

    @TempDir
    Path tmp;

    /** The arrays of an npz in archive order, as read back by our reader. */
    private static List<NpyArray> inArchiveOrder(Path npz) throws Exception {
        Map<String, NpyArray> byName = Npz.read(npz);
        List<NpyArray> out = new ArrayList<>();
        try (ZipFile z = new ZipFile(npz.toFile())) {
            z.stream().forEach(e -> out.add(byName.get(e.getName().replace(".npy", ""))));
        }
        return out;
    }

    @Test
    void writerReproducesNumpysGemmaScopeFixtureByteForByte() throws Exception {
        List<NpyArray> arrays = inArchiveOrder(GEMMA_SCOPE);
        assertEquals(List.of("W_enc", "W_dec", "b_enc", "b_dec", "threshold"),
                arrays.stream().map(NpyArray::name).toList());
        Path out = tmp.resolve("params.npz");
        Npz.write(out, arrays);
        assertArrayEquals(Files.readAllBytes(GEMMA_SCOPE), Files.readAllBytes(out));
    }

    @Test
    void writerReproducesNumpyForScalarsEmptyIntsAndLongFirstAxes() throws Exception {
        List<NpyArray> arrays = inArchiveOrder(MIXED);
        NpyArray ids = arrays.stream().filter(a -> a.name().equals("ids")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {1, -2, 3}, ids.longs());
        NpyArray alpha = arrays.stream().filter(a -> a.name().equals("alpha")).findFirst().orElseThrow();
        assertEquals(0, alpha.shape().length);
        assertArrayEquals(Files.readAllBytes(MIXED), Npz.toBytes(arrays));
    }

    @Test
    void mapWriterSortsByNameAndRoundTrips() {
        Path f = tmp.resolve("p.npz");
        Npz.write(f, Map.of("b", NpyArray.ofFloats("b", new long[] {3}, new float[] {7, 8, 9}),
                "a", NpyArray.ofFloats("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                "i", NpyArray.ofLongs("i", new long[] {2}, new long[] {Long.MIN_VALUE, 5})));
        Map<String, NpyArray> back = Npz.read(f);
        assertEquals(List.of("a", "b", "i"), List.copyOf(back.keySet()));
        assertArrayEquals(new long[] {2, 3}, back.get("a").shape());
        assertArrayEquals(new float[] {7, 8, 9}, back.get("b").floats());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 5}, back.get("i").longs());
    }

    private TensorFormatException readFails(Path f) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Npz.read(f));
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void notAZipIsRejected() throws Exception {
        Path f = tmp.resolve("junk.npz");
        Files.write(f, "this is not a zip archive at all, just text".getBytes());
        assertTrue(readFails(f).getMessage().contains("not a valid npz"));
        assertTrue(readFails(tmp.resolve("absent.npz")).getMessage().contains("not found"));
    }

    @Test
    void archiveCutShortIsRejectedAtSeveralPoints() throws Exception {
        byte[] b = Files.readAllBytes(GEMMA_SCOPE);
        for (int cut : new int[] {10, 100, b.length / 2, b.length - 30, b.length - 1}) {
            Path f = tmp.resolve("cut" + cut + ".npz");
            Files.write(f, Arrays.copyOf(b, cut));
            readFails(f);
        }
    }

    @Test
    void flippedBitInAMemberFailsItsCrcNamingTheArray() throws Exception {
        byte[] b = Files.readAllBytes(GEMMA_SCOPE);
        b[200] ^= 0x10; // inside W_enc's float data
        Path f = tmp.resolve("flip.npz");
        Files.write(f, b);
        String m = readFails(f).getMessage();
        assertTrue(m.contains("'W_enc'") && m.contains("CRC"), m);
    }

    private Path zipOf(String name, String entry, byte[] npy) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            ZipEntry e = new ZipEntry(entry);
            e.setMethod(ZipEntry.STORED);
            e.setSize(npy.length);
            CRC32 crc = new CRC32();
            crc.update(npy);
            e.setCrc(crc.getValue());
            z.putNextEntry(e);
            z.write(npy);
            z.closeEntry();
        }
        Path f = tmp.resolve(name);
        Files.write(f, bos.toByteArray());
        return f;
    }

    @Test
    void memberWithShortDataOrBadHeaderIsRejectedNamingTheArray() throws Exception {
        byte[] npy = Npz.toNpy(NpyArray.ofFloats("w", new long[] {4, 4}, new float[16]));
        String m = readFails(zipOf("short.npz", "w.npy", Arrays.copyOf(npy, npy.length - 4))).getMessage();
        assertTrue(m.contains("'w'") && m.contains("needs 64 bytes, found 60"), m);
        byte[] badMagic = npy.clone();
        badMagic[1] = 'X';
        assertTrue(readFails(zipOf("magic.npz", "w.npy", badMagic)).getMessage().contains("bad magic"));
        byte[] bigEndian = new String(npy, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", ">f4")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(readFails(zipOf("be.npz", "w.npy", bigEndian)).getMessage().contains("'>f4'"));
        byte[] hugeShape = new String(npy, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("(4, 4)", "(4611686018427387904, 4)").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        readFails(zipOf("huge.npz", "w.npy", hugeShape));
        assertTrue(readFails(zipOf("tiny.npz", "w.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1, 0}))
                .getMessage().contains("'w'"));
    }
}
