package org.vistabench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A memory-mapped safetensors file. The header is validated when opened (size limit, dtypes, dtype × shape = byte
 * length, offsets in range and non-overlapping); tensor bytes are mapped only when asked for. Every error names the
 * file and, where there is one, the tensor.
 */
public final class SafeTensors implements AutoCloseable {
    /** Real headers are a few hundred KB at most; a larger one is a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                        Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
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
            SafeTensors st = parse(file, ch);
            return st;
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
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new TensorFormatException(file + ": safetensors header length " + Long.toUnsignedString(headerLen)
                        + " is outside [2, " + MAX_HEADER_BYTES + "] bytes (corrupt or not a safetensors file)");
            }
            if (8 + headerLen > size) {
                throw new TensorFormatException(file + ": truncated safetensors file: header says " + headerLen
                        + " header bytes but the file has " + (size - 8));
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TensorFormatException(file + ": safetensors header is not valid JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (root == null || !root.isObject()) {
                throw new TensorFormatException(file + ": safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), dataLen));
            }
            checkOverlaps(file, tensors);
            return new SafeTensors(file, ch, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode n, long dataLen) {
        String where = file + ": tensor '" + name + "'";
        JsonNode dt = n.get("dtype");
        JsonNode sh = n.get("shape");
        JsonNode off = n.get("data_offsets");
        if (dt == null || sh == null || off == null || !sh.isArray() || !off.isArray() || off.size() != 2) {
            throw new TensorFormatException(where + ": header entry needs dtype, shape and data_offsets [begin, end]");
        }
        DType dtype = DType.fromSafetensors(dt.asText());
        if (dtype == null) {
            throw new TensorFormatException(where + ": unsupported dtype " + dt.asText());
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                throw new TensorFormatException(where + ": bad shape " + sh);
            }
            shape[i] = sh.get(i).asLong();
            numel = Math.multiplyExact(numel, shape[i]);
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
    }

    private static void checkOverlaps(Path file, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.begin() < a.end() && b.end() > b.begin()) {
                throw new TensorFormatException(file + ": tensors '" + a.name() + "' [" + a.begin() + ", " + a.end()
                        + ") and '" + b.name() + "' [" + b.begin() + ", " + b.end() + ") overlap");
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

    /** The raw bytes of a tensor, little-endian, mapped from the file. */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
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
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new TensorFormatException(file + ": tensor '" + name + "' has " + n + " elements, too many for one array");
        }
        ByteBuffer b = bytes(name);
        float[] out = new float[(int) n];
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case BF16 -> {
                var sb = b.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Halves.bf16ToFloat(sb.get(i));
                }
            }
            case F16 -> {
                var sb = b.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Halves.f16ToFloat(sb.get(i));
                }
            }
            case F64 -> {
                var db = b.asDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) db.get(i);
                }
            }
            default -> throw new TensorFormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected a floating type");
        }
        return out;
    }

    /** An integer or boolean tensor as longs. */
    public long[] longs(String name) {
        TensorInfo t = info(name);
        ByteBuffer b = bytes(name);
        long[] out = new long[Math.toIntExact(t.numel())];
        switch (t.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                var ib = b.asIntBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = ib.get(i);
                }
            }
            case I16 -> {
                var sb = b.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = sb.get(i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            case I8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
            }
            default -> throw new TensorFormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected an integer type");
        }
        return out;
    }

    /** An F32 NDArray (floating tensors) or I64 NDArray (integer tensors), owned by torch. */
    public NDArray toNd(NDManager manager, String name) {
        TensorInfo t = info(name);
        Shape shape = new Shape(t.shape());
        if (t.dtype().isFloating()) {
            return NdArrays.owned(manager, floats(name), shape);
        }
        return NdArrays.ownedLongs(manager, longs(name), shape);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
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
}
