package org.vistabench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.Set;
import java.util.stream.IntStream;
import org.vistabench.io.Json;

/**
 * A safetensors file. The header is validated when opened (size limit, strict JSON without duplicate names, dtypes,
 * dtype × shape = byte length, offsets in range and non-overlapping); tensor bytes are read only when asked for, with
 * positional reads in 1 MiB chunks (in parallel for big tensors), so that opening a checkpoint costs its header and
 * converting one tensor costs that tensor: no mapping stays resident. Every error names the file and, where there is
 * one, the tensor; a corrupt file is a {@link TensorFormatException}, never a JVM abort.
 */
public final class SafeTensors implements AutoCloseable {
    /** Real headers are a few hundred KB at most; a larger one is a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Bytes per read: big enough to amortise the syscall, small enough to stay in L2/L3 while converting. */
    static final int CHUNK_BYTES = 1 << 20;
    /** Tensors at least this big are read and converted by several workers. */
    static final long PARALLEL_MIN_BYTES = 8L << 20;
    /** The largest F32 tensor (or row) staged in one direct buffer. */
    static final long MAX_DIRECT_BYTES = Integer.MAX_VALUE - 64;

    // Strict like the Rust reader: duplicate keys and trailing non-space bytes are errors. (Jackson otherwise keeps
    // the last duplicate silently, which would hide a corrupt or tampered header.)
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final long fileSize;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private ByteBuffer staging; // guarded by this

    private SafeTensors(Path file, FileChannel channel, long dataStart, long fileSize, Map<String, TensorInfo> tensors,
                        Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensors open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new TensorFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafeTensors parse(Path file, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new TensorFormatException(file + ": truncated safetensors file (" + size
                        + " bytes, no 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new TensorFormatException(file + ": safetensors header length " + Long.toUnsignedString(headerLen)
                        + " is outside [2, " + MAX_HEADER_BYTES + "] bytes (corrupt or not a safetensors file)");
            }
            if (8 + headerLen > size) {
                throw new TensorFormatException(file + ": truncated safetensors file: header says " + headerLen
                        + " header bytes but the file has " + (size - 8) + " after the length");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(file, ch, hb, 8);
            JsonNode root = parseHeader(file, hb.array());
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>(); // file order: a rewrite can keep it
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    readMetadata(file, e.getValue(), metadata);
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), dataLen));
            }
            checkOverlaps(file, tensors);
            return new SafeTensors(file, ch, dataStart, size, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode parseHeader(Path file, byte[] header) {
        JsonNode root;
        try {
            // From bytes, so that invalid UTF-8 is an error rather than silently replaced characters.
            root = JSON.readTree(header);
        } catch (JacksonException e) {
            String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            if (msg.startsWith("Duplicate field")) {
                throw new TensorFormatException(file + ": safetensors header lists a name twice ("
                        + msg.substring("Duplicate field ".length()) + "); a valid file has each tensor once");
            }
            throw new TensorFormatException(file + ": safetensors header is not valid JSON: " + msg);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": safetensors header is not valid JSON: " + Json.why(e));
        }
        if (root == null || !root.isObject()) {
            throw new TensorFormatException(file + ": safetensors header is not a JSON object");
        }
        return root;
    }

    private static void readMetadata(Path file, JsonNode md, Map<String, String> out) {
        if (!md.isObject()) {
            throw new TensorFormatException(file + ": '__metadata__' must be an object of strings, found "
                    + md.getNodeType());
        }
        md.fields().forEachRemaining(m -> {
            if (!m.getValue().isTextual()) {
                throw new TensorFormatException(file + ": '__metadata__' key '" + m.getKey()
                        + "' must be a string, found " + m.getValue().getNodeType());
            }
            out.put(m.getKey(), m.getValue().asText());
        });
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode n, long dataLen) {
        String where = file + ": tensor '" + name + "'";
        JsonNode dt = n.get("dtype");
        JsonNode sh = n.get("shape");
        JsonNode off = n.get("data_offsets");
        if (!n.isObject() || dt == null || sh == null || off == null || !sh.isArray() || !off.isArray()
                || off.size() != 2) {
            throw new TensorFormatException(where + ": header entry needs dtype, shape and data_offsets [begin, end]");
        }
        DType dtype = dt.isTextual() ? DType.fromSafetensors(dt.asText()) : null;
        if (dtype == null) {
            throw new TensorFormatException(where + ": unsupported dtype " + dt
                    + " (known: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (!sh.get(i).isIntegralNumber() || !sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                    throw new TensorFormatException(where + ": bad shape " + sh);
                }
                shape[i] = sh.get(i).asLong();
                numel = Math.multiplyExact(numel, shape[i]);
            }
            for (int i = 0; i < 2; i++) {
                if (!off.get(i).isIntegralNumber() || !off.get(i).canConvertToLong()) {
                    throw new TensorFormatException(where + ": data_offsets " + off + " are not two integers");
                }
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new TensorFormatException(where + ": data_offsets [" + begin + ", " + end
                        + "] are outside the data section of " + dataLen + " bytes (truncated or corrupt file)");
            }
            long expected = Math.multiplyExact(numel, dtype.bytes());
            if (end - begin != expected) {
                throw new TensorFormatException(where + ": dtype " + dtype + " × shape " + sh + " needs " + expected
                        + " bytes but data_offsets span " + (end - begin));
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        } catch (ArithmeticException e) {
            throw new TensorFormatException(where + ": shape " + sh + " × " + dtype + " overflows 64 bits (corrupt)");
        }
    }

    private static void checkOverlaps(Path file, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : tensors.values()) {
            if (t.end() > t.begin()) { // empty tensors occupy no bytes and cannot overlap
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo reach = null; // the tensor reaching furthest so far, so a long one cannot hide behind a short one
        for (TensorInfo b : sorted) {
            if (reach != null && b.begin() < reach.end()) {
                throw new TensorFormatException(file + ": tensors '" + reach.name() + "' [" + reach.begin() + ", "
                        + reach.end() + ") and '" + b.name() + "' [" + b.begin() + ", " + b.end() + ") overlap");
            }
            if (reach == null || b.end() > reach.end()) {
                reach = b;
            }
        }
    }

    public Path file() {
        return file;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The {@code __metadata__} strings, in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new TensorFormatException(file + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /**
     * The raw bytes of a tensor, little-endian, mapped from the file (the mapping lives until garbage-collected; the
     * converting accessors below do not map).
     */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        checkStillThere(t);
        try {
            long len = t.end() - t.begin();
            if (len > Integer.MAX_VALUE) {
                throw new TensorFormatException(file + ": tensor '" + name + "' is larger than 2 GiB");
            }
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), len);
            return mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": tensor '" + name + "': cannot map: " + e.getMessage(), e);
        }
    }

    /** The tensor as float32, converting F16/BF16/F64 in Java. */
    public float[] floats(String name) {
        TensorInfo t = info(name);
        requireFloating(t);
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new TensorFormatException(file + ": tensor '" + name + "' has " + n + " elements, too many for one array");
        }
        float[] out = new float[(int) n];
        forEachChunk(t, 0, n, (buf, first, count, scratch) ->
                Halves.decode(t.dtype(), buf, out, (int) first, count, scratch));
        return out;
    }

    /** An integer or boolean tensor as longs. */
    public long[] longs(String name) {
        TensorInfo t = info(name);
        if (t.dtype().isFloating()) {
            throw new TensorFormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected an integer type");
        }
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new TensorFormatException(file + ": tensor '" + name + "' has " + n + " elements, too many for one array");
        }
        long[] out = new long[(int) n];
        forEachChunk(t, 0, n, (b, first, count, scratch) -> {
            int o = (int) first;
            switch (t.dtype()) {
                case I64 -> b.asLongBuffer().get(out, o, count);
                case I32 -> {
                    var ib = b.asIntBuffer();
                    for (int i = 0; i < count; i++) {
                        out[o + i] = ib.get(i);
                    }
                }
                case I16 -> {
                    var sb = b.asShortBuffer();
                    for (int i = 0; i < count; i++) {
                        out[o + i] = sb.get(i);
                    }
                }
                case U8, BOOL -> {
                    for (int i = 0; i < count; i++) {
                        out[o + i] = b.get(i) & 0xff;
                    }
                }
                case I8 -> {
                    for (int i = 0; i < count; i++) {
                        out[o + i] = b.get(i);
                    }
                }
                default -> throw new IllegalStateException(t.dtype().name());
            }
        });
        return out;
    }

    /** An F32 NDArray (floating tensors) or I64 NDArray (integer tensors), owned by torch. Never BF16. */
    public NDArray toNd(NDManager manager, String name) {
        TensorInfo t = info(name);
        Shape shape = new Shape(t.shape());
        if (!t.dtype().isFloating()) {
            return NdArrays.ownedLongs(manager, longs(name), shape);
        }
        return toNdF32(manager, t, STAGING_BYTES);
    }

    /** Staging buffer for filling a big tensor block of rows by block: small enough to stay cache-warm. */
    static final int STAGING_BYTES = 16 << 20;

    /**
     * F32 without a Java float[]: a tensor up to {@code blockBytes} is decoded into one direct buffer and cloned by
     * torch; a bigger one is allocated empty by torch and filled block of rows by block through one reused staging
     * buffer (so no full-size staging copy, and no tensor is limited by Java's 2 GiB buffers unless one row is).
     */
    synchronized NDArray toNdF32(NDManager manager, TensorInfo t, int blockBytes) {
        requireFloating(t);
        Shape shape = new Shape(t.shape());
        long n = t.numel();
        long rowElems = t.shape().length == 0 || t.shape()[0] == 0 ? n : n / t.shape()[0];
        if (n * 4 <= blockBytes) {
            return NdArrays.ownedFromDirect(manager, decodeToDirect(t, 0, n, staging(blockBytes)), shape);
        }
        if (t.shape().length < 2 || rowElems * 4 > blockBytes) {
            if (n * 4 > MAX_DIRECT_BYTES) {
                throw new TensorFormatException(file + ": tensor '" + t.name() + "' " + shapeOf(t) + " has rows of "
                        + rowElems * 4 + " bytes as F32, more than one buffer can hold");
            }
            ByteBuffer direct = decodeToDirect(t, 0, n, null);
            try {
                return NdArrays.ownedFromDirect(manager, direct, shape);
            } finally {
                DirectBuffers.free(direct); // torch holds its own copy now
            }
        }
        long rows = t.shape()[0];
        long rowsPerBlock = Math.max(1, blockBytes / (rowElems * 4));
        ByteBuffer buf = staging(blockBytes);
        NDArray out = manager.create(shape, DataType.FLOAT32);
        try {
            for (long r = 0; r < rows; r += rowsPerBlock) {
                long r1 = Math.min(rows, r + rowsPerBlock);
                long[] blockShape = t.shape().clone();
                blockShape[0] = r1 - r;
                ByteBuffer block = decodeToDirect(t, r * rowElems, (r1 - r) * rowElems, buf);
                // from_blob over the staging buffer, copied into place by torch; the wrapper dies before the next fill
                try (NDArray wrapped = manager.create(block, new Shape(blockShape), DataType.FLOAT32)) {
                    out.set(new ai.djl.ndarray.index.NDIndex("{}:{}", r, r1), wrapped);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * One staging buffer per open file, reused by every {@link #toNd} call (hence {@code synchronized}): a fresh
     * direct buffer per tensor costs its page faults every time and waits for the GC to be freed.
     */
    private ByteBuffer staging(int bytes) {
        if (staging == null || staging.capacity() < bytes) {
            DirectBuffers.free(staging);
            staging = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        return staging;
    }

    /** Decodes elements into {@code into} (from its start; null: a new buffer) and returns exactly those bytes. */
    private ByteBuffer decodeToDirect(TensorInfo t, long first, long count, ByteBuffer into) {
        ByteBuffer direct = into != null
                ? into.clear().limit(Math.toIntExact(count * 4)).slice().order(ByteOrder.nativeOrder())
                : ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer fb = direct.asFloatBuffer();
        forEachChunk(t, first, count, (buf, f, c, scratch) -> {
            float[] tmp = scratch.floats(c);
            Halves.decode(t.dtype(), buf, tmp, 0, c, scratch);
            fb.put((int) (f - first), tmp, 0, c);
        });
        return direct;
    }

    private void requireFloating(TensorInfo t) {
        if (!t.dtype().isFloating()) {
            throw new TensorFormatException(file + ": tensor '" + t.name() + "' has dtype " + t.dtype()
                    + ", expected a floating type");
        }
    }

    /** What a worker does with one chunk: {@code buf} holds {@code count} elements starting at element {@code first}. */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(ByteBuffer buf, long first, int count, Halves.Scratch scratch);
    }

    /**
     * Reads elements {@code [first, first+count)} of {@code t} in chunks of {@link #CHUNK_BYTES} and hands each to
     * {@code c}, little-endian. Big ranges are split into contiguous slices, one per worker, each worker with its own
     * read buffer and scratch arrays; {@link FileChannel#read(ByteBuffer, long)} is safe to use concurrently.
     */
    void forEachChunk(TensorInfo t, long first, long count, ChunkConsumer c) {
        checkStillThere(t);
        int esize = t.dtype().bytes();
        long bytes = count * esize;
        int perChunk = CHUNK_BYTES / esize;
        long chunks = (count + perChunk - 1) / perChunk;
        int workers = bytes >= PARALLEL_MIN_BYTES
                ? (int) Math.min(chunks, java.lang.Runtime.getRuntime().availableProcessors()) : 1;
        long chunksPerWorker = (chunks + workers - 1) / workers;
        IntStream ws = IntStream.range(0, workers);
        if (workers > 1) {
            ws = ws.parallel();
        }
        try {
            ws.forEach(w -> {
                ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, bytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                Halves.Scratch scratch = new Halves.Scratch();
                long c0 = w * chunksPerWorker;
                long c1 = Math.min(chunks, c0 + chunksPerWorker);
                for (long k = c0; k < c1; k++) {
                    long e0 = first + k * perChunk;
                    int n = (int) Math.min(perChunk, first + count - e0);
                    buf.clear().limit(n * esize);
                    try {
                        readFully(file, channel, buf, dataStart + t.begin() + e0 * esize);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    buf.flip();
                    c.accept(buf, e0, n, scratch);
                }
                DirectBuffers.free(buf);
            });
        } catch (UncheckedIOException e) {
            throw new TensorFormatException(file + ": tensor '" + t.name() + "': " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** A file that shrank after it was opened must give an error, not garbage or a SIGBUS. */
    private void checkStillThere(TensorInfo t) {
        try {
            long now = channel.size();
            if (now < dataStart + t.end()) {
                throw new TensorFormatException(file + ": tensor '" + t.name() + "': the file shrank from " + fileSize
                        + " to " + now + " bytes since it was opened (truncated while in use)");
            }
        } catch (IOException e) {
            throw new TensorFormatException(file + ": tensor '" + t.name() + "': cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        synchronized (this) {
            DirectBuffers.free(staging);
            staging = null;
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long start = pos - buf.position();
        while (buf.hasRemaining()) {
            int r = ch.read(buf, start + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + (start + buf.position())
                        + " (truncated while in use?)");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a read-only channel cannot lose data
        }
    }

    /** Convenience for small files: is this a safetensors file at all (cheap check, no exception)? */
    public static boolean looksLikeSafetensors(Path file) {
        try {
            return Files.size(file) >= 8;
        } catch (IOException e) {
            return false;
        }
    }

    static String shapeOf(TensorInfo t) {
        return Arrays.toString(t.shape());
    }
}
