package org.vistabench.tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.vistabench.io.AtomicFiles;

/** NumPy {@code .npz} archives (Gemma Scope's {@code params.npz}): a zip of {@code .npy} files. */
public final class Npz {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    public static Map<String, NpyArray> read(Path file) {
        if (!Files.exists(file)) {
            throw new TensorFormatException(file + ": file not found");
        }
        Map<String, NpyArray> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                if (e.getSize() > Integer.MAX_VALUE - 8) {
                    throw new TensorFormatException(file + ": array '" + name + "' is " + e.getSize()
                            + " bytes, more than one Java array holds");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                } catch (IOException ze) {
                    throw new TensorFormatException(file + ": array '" + name + "' is corrupt or cut short ("
                            + ze.getMessage() + ")");
                }
                if (e.getSize() >= 0 && bytes.length != e.getSize()) {
                    throw new TensorFormatException(file + ": array '" + name + "' is cut short: " + bytes.length
                            + " of " + e.getSize() + " bytes");
                }
                if (e.getCrc() != -1) {
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    if (crc.getValue() != e.getCrc()) {
                        throw new TensorFormatException(file + ": array '" + name + "' fails its CRC check (corrupt)");
                    }
                }
                if (out.put(name, parseNpy(file, name, bytes)) != null) {
                    throw new TensorFormatException(file + ": array '" + name + "' appears twice in the archive");
                }
            }
        } catch (NoSuchFileException e) {
            throw new TensorFormatException(file + ": file not found");
        } catch (ZipException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // ZipFile reports some malformed archives (bad entry names, bad extra fields) as unchecked exceptions
            throw new TensorFormatException(file + ": not a valid npz (zip) archive: " + e.getMessage());
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    static NpyArray parseNpy(Path file, String name, byte[] b) {
        String where = file + ": array '" + name + "'";
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U' || b[3] != 'M' || b[4] != 'P'
                || b[5] != 'Y') {
            throw new TensorFormatException(where + ": not an .npy array (bad magic)");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if ((major == 2 || major == 3) && b.length >= 12) {
            headerLen = bb.getInt(8);
            headerStart = 12;
        } else {
            throw new TensorFormatException(where + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || (long) headerStart + headerLen > b.length) {
            throw new TensorFormatException(where + ": truncated .npy header");
        }
        String header = new String(b, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new TensorFormatException(where + ": unreadable .npy header: " + header.trim());
        }
        String descr = d.group(1);
        long[] shape = parseShape(where, s.group(1));
        long numel = 1;
        try {
            for (long x : shape) {
                if (x < 0) {
                    throw new TensorFormatException(where + ": negative dimension in shape (" + s.group(1) + ")");
                }
                numel = Math.multiplyExact(numel, x);
            }
        } catch (ArithmeticException e) {
            throw new TensorFormatException(where + ": shape (" + s.group(1) + ") overflows 64 bits (corrupt)");
        }
        DType dtype = switch (descr) {
            case "<f4" -> DType.F32;
            case "<f8" -> DType.F64;
            case "<f2" -> DType.F16;
            case "<i8" -> DType.I64;
            case "<i4" -> DType.I32;
            case "|u1" -> DType.U8;
            case "|b1" -> DType.BOOL;
            default -> throw new TensorFormatException(where + ": unsupported dtype '" + descr
                    + "' (known: <f4 <f8 <f2 <i8 <i4 |u1 |b1; big-endian arrays are not read)");
        };
        int dataStart = headerStart + headerLen;
        if (numel > (Integer.MAX_VALUE - 8) / dtype.bytes()) {
            throw new TensorFormatException(where + ": shape " + java.util.Arrays.toString(shape) + " has " + numel
                    + " elements, more than the member holds or one Java array can");
        }
        long need = numel * dtype.bytes();
        if (b.length - dataStart != need) {
            throw new TensorFormatException(where + ": shape " + java.util.Arrays.toString(shape) + " × " + descr
                    + " needs " + need + " bytes, found " + (b.length - dataStart) + " (truncated or corrupt)");
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = null;
        long[] longs = null;
        int n = (int) numel;
        switch (dtype) {
            case F32 -> {
                floats = new float[n];
                data.asFloatBuffer().get(floats);
            }
            case F64 -> {
                floats = new float[n];
                var db = data.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    floats[i] = (float) db.get(i);
                }
            }
            case F16 -> {
                floats = new float[n];
                var sb = data.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    floats[i] = Halves.f16ToFloat(sb.get(i));
                }
            }
            case I64 -> {
                longs = new long[n];
                data.asLongBuffer().get(longs);
            }
            case I32 -> {
                longs = new long[n];
                var ib = data.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    longs[i] = ib.get(i);
                }
            }
            default -> {
                longs = new long[n];
                for (int i = 0; i < n; i++) {
                    longs[i] = data.get(i) & 0xff;
                }
            }
        }
        if ("True".equals(f.group(1)) && shape.length > 1) {
            if (floats != null) {
                floats = fortranToC(floats, shape);
            } else {
                throw new TensorFormatException(where + ": fortran-ordered integer arrays are not supported");
            }
        }
        return new NpyArray(name, dtype, shape, floats, longs);
    }

    private static float[] fortranToC(float[] src, long[] shape) {
        int rank = shape.length;
        int n = src.length;
        float[] dst = new float[n];
        int[] idx = new int[rank];
        for (int c = 0; c < n; c++) {
            // c is the C-order linear index; compute the Fortran-order one.
            int rem = c;
            for (int k = rank - 1; k >= 0; k--) {
                idx[k] = (int) (rem % shape[k]);
                rem /= (int) shape[k];
            }
            int fi = 0;
            for (int k = rank - 1; k >= 0; k--) {
                fi = (int) (fi * shape[k] + idx[k]);
            }
            dst[c] = src[fi];
        }
        return dst;
    }

    private static long[] parseShape(String where, String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        String[] parts = t.split(",");
        int count = 0;
        long[] tmp = new long[parts.length];
        for (String p : parts) {
            String q = p.trim();
            if (q.isEmpty()) {
                continue;
            }
            try {
                tmp[count++] = Long.parseLong(q.replace("L", ""));
            } catch (NumberFormatException e) {
                throw new TensorFormatException(where + ": bad shape (" + s + ")");
            }
        }
        return java.util.Arrays.copyOf(tmp, count);
    }

    /**
     * Writes arrays as {@code np.savez} does, ordered by name (a map has no reliable order). Atomic.
     *
     * @see #write(Path, List)
     */
    public static void write(Path file, Map<String, NpyArray> arrays) {
        write(file, List.copyOf(new TreeMap<>(arrays).values()));
    }

    /**
     * Writes arrays in the given order exactly as {@code np.savez(file, **arrays)} lays them out (numpy 2.x, Python
     * zipfile): stored members {@code <name>.npy}, npy v1.0 headers padded the numpy way, and the zip structure that
     * {@code zipfile.open(name, "w", force_zip64=True)} produces (1980-01-01 timestamps, zip64 extra in the local
     * headers, mode 0600). The same arrays in the same order give the same bytes as numpy. Floats go out as
     * {@code <f4}, longs as {@code <i8}. Atomic.
     */
    public static void write(Path file, List<NpyArray> arrays) {
        try {
            AtomicFiles.write(file, toBytes(arrays));
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static byte[] toBytes(List<NpyArray> arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (NpyArray a : arrays) {
            if (!seen.add(a.name())) {
                throw new IllegalArgumentException("array '" + a.name() + "' given twice");
            }
            byte[] npy = toNpy(a);
            byte[] name = (a.name() + ".npy").getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(npy);
            long offset = out.size();
            if (offset + npy.length > 0xffffffffL - 1024) {
                throw new IllegalArgumentException("archives over 4 GiB are not supported");
            }
            ByteBuffer local = le(30 + name.length + 20);
            local.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20).put(name)
                    .putShort((short) 1).putShort((short) 16).putLong(npy.length).putLong(npy.length);
            out.writeBytes(local.array());
            out.writeBytes(npy);
            ByteBuffer cd = le(46 + name.length);
            cd.putInt(0x02014b50).putShort((short) (3 << 8 | 45)).putShort((short) 45).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(npy.length).putInt(npy.length).putShort((short) name.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0600 << 16)
                    .putInt((int) offset).put(name);
            central.writeBytes(cd.array());
        }
        long cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) arrays.size())
                .putShort((short) arrays.size()).putInt(central.size()).putInt((int) cdOffset).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One .npy file, v1.0, with numpy's header text, growth padding and 64-byte alignment. */
    static byte[] toNpy(NpyArray a) {
        if ((a.floats() == null) == (a.longs() == null)) {
            throw new IllegalArgumentException(a.name() + ": give exactly one of floats or longs");
        }
        long n = a.numel();
        int len = a.floats() != null ? a.floats().length : a.longs().length;
        if (n != len) {
            throw new IllegalArgumentException(a.name() + ": shape " + java.util.Arrays.toString(a.shape()) + " needs "
                    + n + " values, got " + len);
        }
        String descr = a.floats() != null ? "<f4" : "<i8";
        int esize = a.floats() != null ? 4 : 8;
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(i == 0 ? "" : ", ").append(a.shape()[i]);
        }
        shape.append(a.shape().length == 1 ? ",)" : ")");
        // numpy: "{'descr': ..., 'fortran_order': False, 'shape': (...), }", then room to grow axis 0 in place
        // (21 digits minus the digits it has), then spaces and '\n' up to a multiple of 64 bytes (never zero pad).
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape
                + ", }");
        if (a.shape().length > 0) {
            dict.append(" ".repeat(Math.max(0, 21 - Long.toString(a.shape()[0]).length())));
        }
        int hlen = dict.length() + 1;
        int pad = 64 - ((10 + hlen) % 64);
        String header = dict + " ".repeat(pad) + "\n";
        if (header.length() > 0xffff) {
            throw new IllegalArgumentException(a.name() + ": npy header too long");
        }
        ByteBuffer bb = ByteBuffer.allocate(Math.toIntExact(10 + header.length() + n * esize))
                .order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length());
        bb.put(header.getBytes(StandardCharsets.ISO_8859_1));
        if (a.floats() != null) {
            bb.asFloatBuffer().put(a.floats());
        } else {
            bb.asLongBuffer().put(a.longs());
        }
        return bb.array();
    }
}
