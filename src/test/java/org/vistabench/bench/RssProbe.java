package org.vistabench.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.vistabench.tensor.Checkpoint;
import org.vistabench.tensor.DjlRuntime;
import org.vistabench.tensor.SafeTensors;

/**
 * Peak resident memory of checkpoint loading, from {@code /proc/self/status} (VmHWM = peak RSS, VmRSS = now). Between
 * phases the peak is reset by writing 5 to {@code /proc/self/clear_refs} (Linux 4.0+), so each phase reports its own
 * peak. Modes:
 * <ul>
 *   <li>{@code fixtures <dir>}: every folder under dir with a model.safetensors, all tensors as F32 NDArrays;</li>
 *   <li>{@code big <file> <GiB>}: streams a synthetic BF16 checkpoint of that size to file (never held in memory),
 *   then opens it (headers only), converts one tensor at a time to float[], loads all as F32 NDArrays; deletes the
 *   file at the end.</li>
 * </ul>
 * Run through bench/rss.sh, which fixes the JVM flags the numbers depend on.
 */
public final class RssProbe {
    private RssProbe() {
    }

    public static void main(String[] args) throws Exception {
        DjlRuntime.engine();
        try (NDManager warm = NDManager.newBaseManager()) {
            warm.ones(new ai.djl.ndarray.types.Shape(4)).sum(); // touch torch once: the baseline includes its init
        }
        report("baseline (JVM + torch engine loaded)");
        switch (args.length > 0 ? args[0] : "") {
            case "fixtures" -> fixtures(Path.of(args[1]));
            case "big" -> big(Path.of(args[1]), Double.parseDouble(args[2]));
            default -> {
                System.err.println("usage: RssProbe fixtures <dir> | big <file> <GiB>");
                System.exit(2);
            }
        }
    }

    private static void fixtures(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(p -> p.getFileName().toString().equals("model.safetensors")).map(Path::getParent).sorted()
                    .toList();
        }
        for (Path d : dirs) {
            resetPeak();
            long fileBytes = Files.size(d.resolve("model.safetensors"));
            try (Checkpoint c = Checkpoint.open(d); NDManager m = NDManager.newBaseManager()) {
                NDList all = new NDList();
                for (String n : c.names()) {
                    all.add(c.toNd(m, n));
                }
                report(String.format("fixture %-18s %7.2f MB file, %3d tensors as F32 NDArrays", d.getFileName(),
                        fileBytes / 1e6, all.size()));
            }
        }
    }

    private static void big(Path file, double gib) throws IOException {
        int cols = 4096;
        int rows = 8192; // 64 MiB of BF16 per tensor
        int tensors = (int) Math.max(1, Math.round(gib * (1L << 30) / (2.0 * rows * cols)));
        try {
            resetPeak();
            long t0 = System.nanoTime();
            long bytes = writeSyntheticBf16(file, tensors, rows, cols);
            report(String.format("write %.2f GB BF16 (%d tensors [%d, %d]) streamed, %.1f s", bytes / 1e9, tensors,
                    rows, cols, (System.nanoTime() - t0) / 1e9));
            System.gc();
            resetPeak();
            try (SafeTensors st = SafeTensors.open(file)) {
                report("open (header only)");
                resetPeak();
                t0 = System.nanoTime();
                double sum = 0;
                for (String n : st.names()) {
                    float[] f = st.floats(n);
                    sum += f[f.length - 1];
                }
                report(String.format("convert one tensor at a time to float[] (%.1f s, check %.3f)",
                        (System.nanoTime() - t0) / 1e9, sum));
                System.gc();
                resetPeak();
                t0 = System.nanoTime();
                try (NDManager m = NDManager.newBaseManager()) {
                    NDList all = new NDList();
                    for (String n : st.names()) {
                        all.add(st.toNd(m, n));
                    }
                    report(String.format("all %d tensors as F32 NDArrays (%.2f GB of F32, %.1f s)", all.size(),
                            all.size() * 4.0 * rows * cols / 1e9, (System.nanoTime() - t0) / 1e9));
                }
            }
        } finally {
            Files.deleteIfExists(file);
            System.out.println("deleted " + file);
        }
    }

    /** Header by hand, then the data in 4 MiB pieces of pseudo-random BF16 values in [-1, 1). */
    static long writeSyntheticBf16(Path file, int tensors, int rows, int cols) throws IOException {
        long per = 2L * rows * cols;
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        for (int t = 0; t < tensors; t++) {
            h.append(String.format(",\"layers.%03d.weight\":{\"dtype\":\"BF16\",\"shape\":[%d,%d],"
                    + "\"data_offsets\":[%d,%d]}", t, rows, cols, t * per, (t + 1) * per));
        }
        h.append('}');
        while (h.length() % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long total = per * tensors;
            long x = 0x9E3779B97F4A7C15L;
            for (long written = 0; written < total; ) {
                buf.clear();
                int n = (int) Math.min(buf.capacity(), total - written);
                for (int i = 0; i < n; i += 2) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    float v = (x >>> 40) * 0x1p-23f - 1f;
                    buf.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                written += n;
            }
            return 8 + header.length + total;
        }
    }

    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            System.out.println("(cannot reset peak RSS: " + e.getMessage() + "; peaks below are since JVM start)");
        }
    }

    static void report(String phase) throws IOException {
        long hwm = -1;
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                hwm = kb(line);
            } else if (line.startsWith("VmRSS:")) {
                rss = kb(line);
            }
        }
        System.out.printf("%-78s peak RSS %7.1f MB   RSS now %7.1f MB%n", phase, hwm / 1024.0, rss / 1024.0);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
