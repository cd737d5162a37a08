package org.vistabench.tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.io.AtomicFiles;

/**
 * Writes safetensors files (F32, BF16, I64) the way the Python library does: tensors ordered by dtype (wider first)
 * then name, compact JSON header with {@code __metadata__} first, padded with spaces to 8 bytes. Atomic.
 * {@link TensorOrder#NAME} gives the layout of plain hand-written writers (tensors by name only), as the SAE fixture
 * script uses; metadata is sorted by key unless given with {@link #metadataInOrder(Map)}.
 */
public final class SafeTensorsWriter {
    private record Entry(String name, DType dtype, long[] shape, byte[] data) {
    }

    /** How tensors are laid out in the data section (and listed in the header). */
    public enum TensorOrder {
        /** The Python/Rust {@code safetensors} library: widest dtype first, then by name. The default. */
        DTYPE_THEN_NAME,
        /** By name only, as simple writers that sort the tensor dict do. */
        NAME
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private Map<String, String> metadata = new TreeMap<>();
    private TensorOrder order = TensorOrder.DTYPE_THEN_NAME;

    /** Adds metadata; keys are written sorted (deterministic whatever map is passed). */
    public SafeTensorsWriter metadata(Map<String, String> meta) {
        if (!(metadata instanceof TreeMap)) {
            metadata = new TreeMap<>(metadata);
        }
        metadata.putAll(meta);
        return this;
    }

    /**
     * Sets the metadata, written in the iteration order of {@code meta}: pass an ordered map (a {@code LinkedHashMap},
     * or {@link SafeTensors#metadata()}, which keeps file order), never a {@code HashMap} or {@code Map.of}.
     */
    public SafeTensorsWriter metadataInOrder(Map<String, String> meta) {
        metadata = new java.util.LinkedHashMap<>(meta);
        return this;
    }

    public SafeTensorsWriter order(TensorOrder tensorOrder) {
        this.order = tensorOrder;
        return this;
    }

    public SafeTensorsWriter put(String name, DType dtype, long[] shape, float[] data) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape needs " + n + " values, got " + data.length);
        }
        ByteBuffer b;
        switch (dtype) {
            case F32 -> {
                b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(data);
            }
            case BF16 -> {
                b = ByteBuffer.allocate(data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                var sb = b.asShortBuffer();
                for (float f : data) {
                    sb.put(Halves.floatToBf16(f));
                }
            }
            default -> throw new IllegalArgumentException(name + ": cannot write float data as " + dtype);
        }
        entries.put(name, new Entry(name, dtype, shape.clone(), b.array()));
        return this;
    }

    public SafeTensorsWriter put(String name, long[] shape, long[] data) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape needs " + n + " values, got " + data.length);
        }
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        entries.put(name, new Entry(name, DType.I64, shape.clone(), b.array()));
        return this;
    }

    public SafeTensorsWriter putF32(String name, long[] shape, float[] data) {
        return put(name, DType.F32, shape, data);
    }

    /** The file's bytes. */
    public byte[] toBytes() {
        List<Entry> order = new ArrayList<>(entries.values());
        // Python safetensors sorts by dtype alignment (widest first), then by name.
        if (this.order == TensorOrder.DTYPE_THEN_NAME) {
            order.sort(Comparator.comparingInt((Entry e) -> -rank(e.dtype())).thenComparing(Entry::name));
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Entry e : order) {
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode s = t.putArray("shape");
            for (long d : e.shape()) {
                s.add(d);
            }
            ArrayNode o = t.putArray("data_offsets");
            o.add(offset);
            offset += e.data().length;
            o.add(offset);
        }
        try {
            byte[] json = om.writeValueAsBytes(header);
            int padded = (json.length + 7) / 8 * 8;
            ByteArrayOutputStream out = new ByteArrayOutputStream(8 + padded + (int) offset);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (Entry e : order) {
                out.write(e.data());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path file) {
        AtomicFiles.write(file, toBytes());
    }

    private static int rank(DType d) {
        // Mirrors the order of the Rust Dtype enum (BOOL < U8 < I8 < I16 < F16 < BF16 < I32 < F32 < F64 < I64).
        return switch (d) {
            case BOOL -> 0;
            case U8 -> 1;
            case I8 -> 2;
            case I16 -> 3;
            case F16 -> 4;
            case BF16 -> 5;
            case I32 -> 6;
            case F32 -> 7;
            case F64 -> 8;
            case I64 -> 9;
        };
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
