package org.vistabench.data.feature;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * Frozen-encoder features, computed once per {@link FeatureKey} and reused by every cell and every run.
 *
 * <pre>
 *   root/&lt;key hash&gt;/manifest.json          key fields, canonical key text, shape, one entry per shard (rows, bytes, CRC32C)
 *   root/&lt;key hash&gt;/shard-00000.safetensors "features" F32 [rows, tokens, dim], "image_ids" I64 [rows]
 * </pre>
 *
 * Each shard is written atomically and then recorded in the manifest (also atomic), so an interrupted extraction
 * resumes at the first missing shard. On open every shard's size and CRC32C are checked against the manifest; a
 * shard that fails (truncated, overwritten, bit rot) is logged and recomputed, the others are kept. The folder name
 * is a content hash (weights files + settings + image ids), never a Java hash code or an object's string form, so
 * every JVM finds the same folder.
 */
public final class FeatureCache {
    public static final String FEATURES = "features";
    public static final String IMAGE_IDS = "image_ids";
    static final String MANIFEST = "manifest.json";
    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
    private static final long SHARD_BYTES = 64L << 20;
    private final long shardBytes;

    private final Path root;
    private final boolean progress;

    /** Features of some images: {@code rows × tokens × dim} row-major floats. */
    public record Block(float[] data, int tokens, int dim) {
    }

    /** Computes the features of images {@code from..to-1} (indices into the id list given to the cache). */
    @FunctionalInterface
    public interface Extractor {
        Block extract(int from, int to);
    }

    /** The manifest's shard entry. */
    public record ShardEntry(@JsonProperty("file") String file, @JsonProperty("from") int from,
                             @JsonProperty("to") int to, @JsonProperty("bytes") long bytes,
                             @JsonProperty("crc32c") String crc32c) {
    }

    /** The manifest. */
    public record Manifest(@JsonProperty("key") String key, @JsonProperty("canonical") String canonical,
                           @JsonProperty("count") int count, @JsonProperty("tokens") int tokens,
                           @JsonProperty("dim") int dim, @JsonProperty("rows_per_shard") int rowsPerShard,
                           @JsonProperty("shards") List<ShardEntry> shards) {
    }

    public FeatureCache(Path root, boolean progress) {
        this(root, progress, SHARD_BYTES);
    }

    /** @param shardBytes target size of one shard (64 MiB by default; small in tests) */
    public FeatureCache(Path root, boolean progress, long shardBytes) {
        this.root = root;
        this.progress = progress;
        this.shardBytes = shardBytes;
    }

    public Path root() {
        return root;
    }

    /** The folder of a key (whether or not it exists yet). */
    public Path dirOf(FeatureKey key) {
        return root.resolve(key.hash());
    }

    /**
     * The features of {@code imageIds} under {@code key}: read from the cache when present and intact, else
     * computed with {@code extractor} (with a progress bar on stderr) and stored.
     *
     * @param label shown on the progress bar (e.g. {@code features mini-dino/train})
     */
    public CachedFeatures getOrCompute(FeatureKey key, long[] imageIds, Extractor extractor, String label) {
        if (!key.imageIdsHash().equals(hashIds(imageIds))) {
            throw new IllegalArgumentException("feature key's image hash does not match the ids given");
        }
        Path dir = dirOf(key);
        try {
            Files.createDirectories(dir);
            Manifest m = readManifest(dir);
            if (m != null && (!key.canonical().equals(m.canonical()) || m.count() != imageIds.length)) {
                LOG.warn("{}: manifest does not match its key, recomputing", dir);
                m = null;
            }
            List<ShardEntry> good = new ArrayList<>();
            int tokens = m == null ? -1 : m.tokens();
            int dim = m == null ? -1 : m.dim();
            int rowsPerShard = m == null ? -1 : m.rowsPerShard();
            if (m != null) {
                for (ShardEntry e : m.shards()) {
                    String problem = check(dir, e);
                    if (problem == null) {
                        good.add(e);
                    } else {
                        LOG.warn("{}: shard {} is corrupt ({}); recomputing it", dir, e.file(), problem);
                    }
                }
            }
            int done = good.stream().mapToInt(e -> e.to() - e.from()).sum();
            if (done < imageIds.length) {
                LOG.info("{}: computing features of {} of {} images", dir, imageIds.length - done, imageIds.length);
                try (ProgressBar pb = progress ? bar(label, imageIds.length, done) : null) {
                    if (rowsPerShard < 0) {
                        // The first shard tells the shape; its size sets the rows per shard.
                        Block first = extractor.extract(0, 1);
                        tokens = first.tokens();
                        dim = first.dim();
                        rowsPerShard = (int) Math.max(1, shardBytes / (4L * tokens * dim));
                    }
                    for (int from = 0; from < imageIds.length; from += rowsPerShard) {
                        int to = Math.min(imageIds.length, from + rowsPerShard);
                        int f = from;
                        if (good.stream().anyMatch(e -> e.from() == f)) {
                            continue;
                        }
                        good.add(writeShard(dir, imageIds, from, to, tokens, dim, extractor, pb));
                        good.sort((a, b) -> Integer.compare(a.from(), b.from()));
                        writeManifest(dir, new Manifest(key.hash(), key.canonical(), imageIds.length, tokens, dim,
                                rowsPerShard, good));
                    }
                }
            }
            List<Path> files = good.stream().map(e -> dir.resolve(e.file())).toList();
            return new CachedFeatures(dir, files, tokens, dim);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * An existing cache folder read as it stands (for diagnostics handed a folder rather than a key): its manifest's
     * shards, each checked as {@link #getOrCompute} checks them; a missing manifest or a bad or missing shard is an
     * error naming the folder and the file, never recomputed.
     */
    public static CachedFeatures open(Path dir) {
        Manifest m = readManifest(dir);
        if (m == null) {
            throw new VistaException(ExitCodes.CELL_FAILED, dir + ": no readable " + MANIFEST);
        }
        int rows = 0;
        for (ShardEntry e : m.shards()) {
            String problem = check(dir, e);
            if (problem != null) {
                throw new VistaException(ExitCodes.CELL_FAILED, dir + ": shard " + e.file() + " is corrupt ("
                        + problem + ")");
            }
            rows += e.to() - e.from();
        }
        if (rows != m.count()) {
            throw new VistaException(ExitCodes.CELL_FAILED, dir + ": shards hold " + rows + " of " + m.count()
                    + " rows (an interrupted computation)");
        }
        return new CachedFeatures(dir, m.shards().stream().map(e -> dir.resolve(e.file())).toList(), m.tokens(),
                m.dim());
    }

    private ShardEntry writeShard(Path dir, long[] ids, int from, int to, int tokens, int dim, Extractor extractor,
                                  ProgressBar pb) throws IOException {
        int rows = to - from;
        float[] data = new float[rows * tokens * dim];
        // Extract in small batches so the progress bar moves and the encoder's activations stay small.
        int step = 16;
        for (int i = from; i < to; i += step) {
            int j = Math.min(to, i + step);
            Block b = extractor.extract(i, j);
            if (b.tokens() != tokens || b.dim() != dim || b.data().length != (long) (j - i) * tokens * dim) {
                throw new VistaException(ExitCodes.CELL_FAILED, dir + ": extractor returned [" + (j - i) + " images, "
                        + b.tokens() + " tokens, " + b.dim() + " dims] (" + b.data().length + " values), expected "
                        + tokens + " tokens × " + dim + " dims");
            }
            System.arraycopy(b.data(), 0, data, (i - from) * tokens * dim, b.data().length);
            if (pb != null) {
                pb.stepBy(j - i);
            }
        }
        long[] idSlice = java.util.Arrays.copyOfRange(ids, from, to);
        String name = String.format("shard-%08d.safetensors", from);
        byte[] bytes = new SafeTensorsWriter()
                .put(FEATURES, DType.F32, new long[] {rows, tokens, dim}, data)
                .put(IMAGE_IDS, new long[] {rows}, idSlice)
                .toBytes();
        AtomicFiles.write(dir.resolve(name), bytes);
        return new ShardEntry(name, from, to, bytes.length, crcHex(ByteBuffer.wrap(bytes)));
    }

    private static String check(Path dir, ShardEntry e) {
        Path f = dir.resolve(e.file());
        try {
            if (!Files.isRegularFile(f)) {
                return "missing";
            }
            long size = Files.size(f);
            if (size != e.bytes()) {
                return size + " bytes, manifest says " + e.bytes();
            }
            String crc = crcOf(f);
            if (!crc.equals(e.crc32c())) {
                return "CRC32C " + crc + ", manifest says " + e.crc32c();
            }
            return null;
        } catch (IOException ex) {
            return ex.getMessage();
        }
    }

    private static String crcOf(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            CRC32C c = new CRC32C();
            long size = ch.size();
            for (long pos = 0; pos < size; pos += 1 << 30) {
                long len = Math.min(1 << 30, size - pos);
                c.update(ch.map(FileChannel.MapMode.READ_ONLY, pos, len));
            }
            return String.format("%08x", c.getValue());
        }
    }

    private static String crcHex(ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return String.format("%08x", c.getValue());
    }

    private static Manifest readManifest(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(f.toFile(), Manifest.class);
        } catch (IOException e) {
            LOG.warn("{}: unreadable manifest ({}), recomputing", f, Json.why(e));
            return null;
        }
    }

    private static void writeManifest(Path dir, Manifest m) {
        try {
            AtomicFiles.write(dir.resolve(MANIFEST), Json.MAPPER.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProgressBar bar(String label, int total, int done) {
        ProgressBar pb = org.vistabench.io.Progress.bar(label, total, true, true);
        pb.stepTo(done);
        return pb;
    }

    /**
     * SHA-256 over every regular file of a model folder (relative path, size and content, in sorted path order),
     * so any change to weights, config or preprocessor config gives a new key.
     */
    public static String hashModelFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
            MessageDigest md = Sha256.digest();
            byte[] buf = new byte[1 << 20];
            for (Path f : files) {
                md.update((dir.relativize(f).toString().replace('\\', '/') + "\n" + Files.size(f) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        md.update(buf, 0, r);
                    }
                }
            }
            return Sha256.hex(md);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, dir + ": cannot hash model files: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the ids in order, as decimal text (no Java hash codes, no array toString). */
    public static String hashIds(long[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 7);
        for (long id : ids) {
            sb.append(id).append('\n');
        }
        return Sha256.hex(sb.toString());
    }
}
