package org.vistabench.data.feature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;

class FeatureCacheTest {
    @TempDir
    Path tmp;

    private static final int T = 3;
    private static final int D = 4;

    /** Feature value of (image, token, dim): recognisable in assertions. */
    private static float value(long id, int t, int d) {
        return id * 100 + t * 10 + d;
    }

    private static FeatureCache.Extractor extractor(long[] ids, AtomicInteger calls) {
        return (from, to) -> {
            calls.addAndGet(to - from);
            float[] out = new float[(to - from) * T * D];
            for (int i = from; i < to; i++) {
                for (int t = 0; t < T; t++) {
                    for (int d = 0; d < D; d++) {
                        out[((i - from) * T + t) * D + d] = value(ids[i], t, d);
                    }
                }
            }
            return new FeatureCache.Block(out, T, D);
        };
    }

    private static FeatureKey key(long[] ids, String weights) {
        return new FeatureKey("enc", weights, -1, "patch", "train", "prep-sha", FeatureCache.hashIds(ids));
    }

    @Test
    void computesOnceThenReusesAcrossInstances() {
        long[] ids = {5, 9, 2, 7};
        AtomicInteger calls = new AtomicInteger();
        try (CachedFeatures f = new FeatureCache(tmp, false).getOrCompute(key(ids, "w1"), ids, extractor(ids, calls),
                "x")) {
            assertEquals(4, f.count());
            assertEquals(T, f.tokens());
            assertEquals(D, f.dim());
            assertEquals(9, f.imageId(1));
            assertEquals(value(7, 2, 3), f.row(3)[2 * D + 3]);
        }
        int first = calls.get();
        assertTrue(first >= 4);
        // A new cache object (as another JVM would make) finds the same folder and computes nothing.
        try (CachedFeatures f = new FeatureCache(tmp, false).getOrCompute(key(ids, "w1"), ids, extractor(ids, calls),
                "x")) {
            assertEquals(value(2, 1, 0), f.row(2)[D]);
        }
        assertEquals(first, calls.get());
    }

    @Test
    void keyIsAContentHashStableAcrossJvmsAndSensitiveToEveryField() {
        long[] ids = {1, 2, 3};
        FeatureKey k = key(ids, "w");
        // Pinned: the same text must give the same folder in every JVM (no hashCode, no array toString).
        assertEquals(k.hash(), key(new long[] {1, 2, 3}, "w").hash());
        assertEquals(64, k.hash().length());
        assertNotEquals(k.hash(), key(new long[] {1, 2, 4}, "w").hash());
        assertNotEquals(k.hash(), key(ids, "w2").hash());
        assertNotEquals(k.hash(), new FeatureKey("enc", "w", -2, "patch", "train", "prep-sha", k.imageIdsHash()).hash());
        assertNotEquals(k.hash(), new FeatureKey("enc", "w", -1, "all", "train", "prep-sha", k.imageIdsHash()).hash());
        assertNotEquals(k.hash(), new FeatureKey("enc", "w", -1, "patch", "test", "prep-sha", k.imageIdsHash()).hash());
        assertNotEquals(k.hash(), new FeatureKey("enc", "w", -1, "patch", "train", "other", k.imageIdsHash()).hash());
        // sha256("1\n2\n3\n"), as Python's hashlib gives it.
        assertEquals("14c5e74c4b96ccef41cd94db73a9ec3348038ac094feca4fd897cecffa07cdae",
                FeatureCache.hashIds(new long[] {1, 2, 3}));
    }

    @Test
    void weightFileChangeInvalidates() throws Exception {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("config.json"), "{}");
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3});
        String h1 = FeatureCache.hashModelFiles(model);
        assertEquals(h1, FeatureCache.hashModelFiles(model));
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 4});
        assertNotEquals(h1, FeatureCache.hashModelFiles(model));
    }

    @Test
    void openReadsAFolderAsItStandsAndRefusesACorruptOne() throws Exception {
        long[] ids = {5, 9, 2, 7, 4};
        FeatureCache cache = new FeatureCache(tmp, false, 2L * T * D * 4);
        cache.getOrCompute(key(ids, "w"), ids, extractor(ids, new AtomicInteger()), "x").close();
        Path dir = cache.dirOf(key(ids, "w"));
        try (CachedFeatures f = FeatureCache.open(dir)) {
            assertEquals(5, f.count());
            assertEquals(T, f.tokens());
            assertEquals(D, f.dim());
            assertEquals(4, f.imageId(4));
            assertEquals(value(2, 1, 3), f.row(2)[D + 3]);
        }
        Path shard = dir.resolve("shard-00000002.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(shard.toFile(), "rw")) {
            raf.seek(raf.length() - 20);
            raf.write(new byte[] {9, 9, 9, 9});
        }
        VistaException e = assertThrows(VistaException.class, () -> FeatureCache.open(dir));
        assertTrue(e.getMessage().contains("shard-00000002.safetensors is corrupt"), e.getMessage());
        Files.delete(dir.resolve(FeatureCache.MANIFEST));
        e = assertThrows(VistaException.class, () -> FeatureCache.open(dir));
        assertTrue(e.getMessage().contains("no readable manifest.json"), e.getMessage());
    }

    @Test
    void corruptedShardIsDetectedAndRecomputed() throws Exception {
        long[] ids = {1, 2, 3, 4, 5};
        AtomicInteger calls = new AtomicInteger();
        FeatureCache cache = new FeatureCache(tmp, false);
        try (CachedFeatures f = cache.getOrCompute(key(ids, "w"), ids, extractor(ids, calls), "x")) {
            assertEquals(5, f.count());
        }
        Path dir = cache.dirOf(key(ids, "w"));
        List<Path> shards = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith("shard-")).sorted().forEach(shards::add);
        }
        assertEquals(1, shards.size());
        // Flip bytes inside the data (same size, valid header): only the checksum can tell.
        try (RandomAccessFile raf = new RandomAccessFile(shards.get(0).toFile(), "rw")) {
            raf.seek(raf.length() - 50);
            raf.write(new byte[] {9, 9, 9, 9});
        }
        int before = calls.get();
        try (CachedFeatures f = cache.getOrCompute(key(ids, "w"), ids, extractor(ids, calls), "x")) {
            for (int i = 0; i < 5; i++) {
                float[] row = f.row(i);
                for (int t = 0; t < T; t++) {
                    for (int d = 0; d < D; d++) {
                        assertEquals(value(ids[i], t, d), row[t * D + d]);
                    }
                }
            }
        }
        assertTrue(calls.get() >= before + 5, "recomputed the shard");
        // Truncation is caught too.
        try (RandomAccessFile raf = new RandomAccessFile(shards.get(0).toFile(), "rw")) {
            raf.setLength(raf.length() - 8);
        }
        try (CachedFeatures f = cache.getOrCompute(key(ids, "w"), ids, extractor(ids, calls), "x")) {
            assertArrayEquals(new float[] {value(5, 0, 0), value(5, 0, 1), value(5, 0, 2), value(5, 0, 3)},
                    java.util.Arrays.copyOf(f.row(4), 4));
        }
    }

    @Test
    void manyShardsOnlyTheBrokenOneIsRecomputed() throws Exception {
        long[] ids = {11, 12, 13, 14, 15, 16, 17};
        AtomicInteger calls = new AtomicInteger();
        // 2 rows per shard: 4 shards.
        FeatureCache cache = new FeatureCache(tmp, false, 2L * T * D * 4);
        try (CachedFeatures f = cache.getOrCompute(key(ids, "w"), ids, extractor(ids, calls), "x")) {
            assertEquals(7, f.count());
            assertEquals(value(16, 2, 1), f.row(5)[2 * D + 1]);
        }
        Path dir = cache.dirOf(key(ids, "w"));
        Files.delete(dir.resolve("shard-00000004.safetensors"));
        calls.set(0);
        try (CachedFeatures f = cache.getOrCompute(key(ids, "w"), ids, extractor(ids, calls), "x")) {
            for (int i = 0; i < 7; i++) {
                assertEquals(ids[i], f.imageId(i));
                assertEquals(value(ids[i], 0, 0), f.row(i)[0]);
            }
        }
        assertEquals(2, calls.get(), "only the missing shard's 2 images were recomputed");
    }
}
