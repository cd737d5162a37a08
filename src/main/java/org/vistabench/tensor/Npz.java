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
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
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
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                } catch (ZipException ze) {
                    throw new TensorFormatException(file + ": array '" + name + "' is corrupt (" + ze.getMessage() + ")");
                }
                if (e.getCrc() != -1) {
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    if (crc.getValue() != e.getCrc()) {
                        throw new TensorFormatException(file + ": array '" + name + "' fails its CRC check (corrupt)");
                    }
                }
                out.put(name, parseNpy(file, name, bytes));
            }
        } catch (NoSuchFileException e) {
            throw new TensorFormatException(file + ": file not found");
        } catch (ZipException e) {
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
        } else if (major == 2 || major == 3) {
            headerLen = bb.getInt(8);
            headerStart = 12;
        } else {
            throw new TensorFormatException(where + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || headerStart + headerLen > b.length) {
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
        for (long x : shape) {
            numel = Math.multiplyExact(numel, x);
        }
        DType dtype = switch (descr) {
            case "<f4" -> DType.F32;
            case "<f8" -> DType.F64;
            case "<f2" -> DType.F16;
            case "<i8" -> DType.I64;
            case "<i4" -> DType.I32;
            case "|u1" -> DType.U8;
            case "|b1" -> DType.BOOL;
            default -> throw new TensorFormatException(where + ": unsupported dtype '" + descr + "'");
        };
        int dataStart = headerStart + headerLen;
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

    /** Writes float32 arrays as {@code np.savez} does (stored, npy v1.0, header padded to 64 bytes). Atomic. */
    public static void write(Path file, Map<String, NpyArray> arrays) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bos)) {
                for (NpyArray a : new TreeMap<>(arrays).values()) {
                    byte[] npy = toNpy(a);
                    ZipEntry e = new ZipEntry(a.name() + ".npy");
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(npy.length);
                    e.setCompressedSize(npy.length);
                    CRC32 crc = new CRC32();
                    crc.update(npy);
                    e.setCrc(crc.getValue());
                    e.setTime(315532800000L); // fixed 1980-01-01 timestamp: byte-identical archives
                    zip.putNextEntry(e);
                    zip.write(npy);
                    zip.closeEntry();
                }
            }
            AtomicFiles.write(file, bos.toByteArray());
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static byte[] toNpy(NpyArray a) {
        if (a.floats() == null) {
            throw new IllegalArgumentException(a.name() + ": only float arrays can be written");
        }
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(i == 0 ? "" : ", ").append(a.shape()[i]);
        }
        shape.append(a.shape().length == 1 ? ",)" : ")");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + a.floats().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length());
        bb.put(header.getBytes(StandardCharsets.ISO_8859_1));
        bb.asFloatBuffer().put(a.floats());
        return bb.array();
    }
}
