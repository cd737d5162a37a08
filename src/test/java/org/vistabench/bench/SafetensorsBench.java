package org.vistabench.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * What it measures: the cost of getting checkpoint weights into usable form, per file, as model loaders do it: open a
 * safetensors file (header parse) and convert every tensor to float32, either to a Java {@code float[]}
 * ({@code SafeTensors.floats}) or to a torch-owned F32 NDArray ({@code SafeTensors.toNd}), for a BF16 file and an F32
 * file of the same 16.8 M parameters (4 tensors [2048, 2048]; 33.6 MB as BF16, 67 MB as F32, page-cached).
 *
 * <p>Against what: {@code rawRead*} reads the same bytes with no conversion (positional reads into a direct buffer),
 * the ceiling for any reader; {@code bf16ScalarLoopMapped} is the first version's loop (one absolute
 * {@code ShortBuffer.get(i)} per element from a mapped buffer), the baseline the bulk chunked decoder replaced.
 * Results are ms per file; {@link #main} also prints GB/s of file bytes. Run through bench/README.md's command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class SafetensorsBench {
    static final int TENSORS = 4;
    static final int ROWS = 2048;
    static final int COLS = 2048;

    Path dir;
    Path bf16;
    Path f32;
    NDManager manager;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("st-bench");
        bf16 = dir.resolve("bf16.safetensors");
        f32 = dir.resolve("f32.safetensors");
        java.util.Random r = new java.util.Random(11);
        SafeTensorsWriter wb = new SafeTensorsWriter();
        SafeTensorsWriter wf = new SafeTensorsWriter();
        for (int t = 0; t < TENSORS; t++) {
            float[] v = new float[ROWS * COLS];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            wb.put("w" + t, DType.BF16, new long[] {ROWS, COLS}, v);
            wf.put("w" + t, DType.F32, new long[] {ROWS, COLS}, v);
        }
        wb.write(bf16);
        wf.write(f32);
        manager = NDManager.newBaseManager();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        manager.close();
        Files.deleteIfExists(bf16);
        Files.deleteIfExists(f32);
        Files.deleteIfExists(dir);
    }

    private static void toFloats(Path file, Blackhole bh) {
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String n : st.names()) {
                bh.consume(st.floats(n));
            }
        }
    }

    private void toNd(Path file, Blackhole bh) {
        try (SafeTensors st = SafeTensors.open(file); NDManager m = manager.newSubManager()) {
            for (String n : st.names()) {
                bh.consume(st.toNd(m, n));
            }
        }
    }

    @Benchmark
    public void bf16ToFloats(Blackhole bh) {
        toFloats(bf16, bh);
    }

    @Benchmark
    public void f32ToFloats(Blackhole bh) {
        toFloats(f32, bh);
    }

    @Benchmark
    public void bf16ToNd(Blackhole bh) {
        toNd(bf16, bh);
    }

    @Benchmark
    public void f32ToNd(Blackhole bh) {
        toNd(f32, bh);
    }

    @Benchmark
    public void bf16ScalarLoopMapped(Blackhole bh) {
        try (SafeTensors st = SafeTensors.open(bf16)) {
            for (String n : st.names()) {
                var sb = st.bytes(n).asShortBuffer();
                float[] out = new float[sb.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((sb.get(i) & 0xffff) << 16);
                }
                bh.consume(out);
            }
        }
    }

    private static long rawRead(Path file) throws IOException {
        long sum = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            int r;
            while ((r = ch.read(buf.clear(), pos)) > 0) {
                pos += r;
                sum += buf.get(0);
            }
        }
        return sum;
    }

    @Benchmark
    public long rawReadBf16() throws IOException {
        return rawRead(bf16);
    }

    @Benchmark
    public long rawReadF32() throws IOException {
        return rawRead(f32);
    }

    /** 1 fork, 2 warm-up and 5 measured iterations of 1 s; prints ms per file and GB/s of file bytes. */
    public static void main(String[] args) throws Exception {
        Options opt = new OptionsBuilder().include(SafetensorsBench.class.getName() + "\\.")
                .forks(1).warmupIterations(2).measurementIterations(5).build();
        Collection<RunResult> results = new Runner(opt).run();
        double bf16Bytes = 8 + TENSORS * 2.0 * ROWS * COLS;
        double f32Bytes = 8 + TENSORS * 4.0 * ROWS * COLS;
        System.out.printf("%n%-24s %10s %10s %10s%n", "benchmark", "ms/file", "±", "GB/s");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            double bytes = name.toLowerCase().contains("bf16") ? bf16Bytes : f32Bytes;
            System.out.printf("%-24s %10.2f %10.2f %10.2f%n", name, ms, err, bytes / (ms * 1e-3) / 1e9);
        }
    }
}
