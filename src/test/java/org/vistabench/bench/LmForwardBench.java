package org.vistabench.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.vistabench.model.lm.CausalLm;
import org.vistabench.model.lm.ForwardOptions;
import org.vistabench.model.lm.LmLoader;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * Wall time of one causal-LM pass on CPU with one torch thread (the setting tests and small runs use):
 * <ul>
 *   <li>{@code gemma2Fixture} / {@code llama3Fixture}: forward from ids at the parity fixtures' shape [2,24]
 *       (64-d, 4 resp. 3 layers, vocab 512), logits only;</li>
 *   <li>{@code gemma2Small}: a 128-d, 4-layer Gemma-2 (4 heads / 2 kv, head 32, MLP 512, vocab 1024, window 16) with
 *       random weights, forward from embeddings at [4,64];</li>
 *   <li>{@code gemma2SmallBackward}: the same forward plus backward to inputs_embeds with frozen weights, what one
 *       projector training step pays for the LM.</li>
 * </ul>
 * Each invocation opens and closes its own NDManager, so native-memory release is included in the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LmForwardBench {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    NDManager root;
    CausalLm gemmaFixture;
    CausalLm llamaFixture;
    CausalLm gemmaSmall;
    NDArray fixtureIds;
    NDArray smallEmbeds;
    Path smallDir;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        root = NDManager.newBaseManager();
        gemmaFixture = LmLoader.load(FIX.resolve("gemma2-tiny-f32"), root);
        llamaFixture = LmLoader.load(FIX.resolve("llama3-tiny-f32"), root);
        Random rnd = new Random(1);
        long[] ids = new long[2 * 24];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + rnd.nextInt(500);
        }
        fixtureIds = NdArrays.ownedLongs(root, ids, new Shape(2, 24));
        smallDir = Files.createTempDirectory("lmbench");
        writeRandomGemma(smallDir, rnd);
        gemmaSmall = LmLoader.load(smallDir, root);
        float[] x = new float[4 * 64 * 128];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        smallEmbeds = NdArrays.owned(root, x, new Shape(4, 64, 128));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        gemmaFixture.close();
        llamaFixture.close();
        gemmaSmall.close();
        root.close();
        try (Stream<Path> s = Files.walk(smallDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void gemma2Fixture(Blackhole bh) {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = fixtureIds.duplicate();
            ids.attach(m);
            bh.consume(gemmaFixture.forwardIds(ids, ForwardOptions.none()).logits().getShape());
        }
    }

    @Benchmark
    public void llama3Fixture(Blackhole bh) {
        try (NDManager m = root.newSubManager()) {
            NDArray ids = fixtureIds.duplicate();
            ids.attach(m);
            bh.consume(llamaFixture.forwardIds(ids, ForwardOptions.none()).logits().getShape());
        }
    }

    @Benchmark
    public void gemma2Small(Blackhole bh) {
        try (NDManager m = root.newSubManager()) {
            NDArray x = smallEmbeds.duplicate();
            x.attach(m);
            bh.consume(gemmaSmall.forward(x, ForwardOptions.none()).logits().getShape());
        }
    }

    @Benchmark
    public void gemma2SmallBackward(Blackhole bh) {
        try (NDManager m = root.newSubManager()) {
            NDArray x = smallEmbeds.duplicate();
            x.attach(m);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = gemmaSmall.forward(x, ForwardOptions.none()).logits().mean();
                gc.backward(loss);
            }
            bh.consume(x.getGradient().getShape());
        }
    }

    /** A 128-d, 4-layer Gemma-2 folder in HF layout with N(0, 0.05²) weights. */
    static void writeRandomGemma(Path dir, Random rnd) throws IOException {
        int d = 128, layers = 4, heads = 4, kv = 2, hd = 32, inter = 512, vocab = 1024;
        String config = "{\"model_type\":\"gemma2\",\"vocab_size\":" + vocab + ",\"hidden_size\":" + d
                + ",\"intermediate_size\":" + inter + ",\"num_hidden_layers\":" + layers + ",\"num_attention_heads\":"
                + heads + ",\"num_key_value_heads\":" + kv + ",\"head_dim\":" + hd + ",\"query_pre_attn_scalar\":" + hd
                + ",\"sliding_window\":16,\"attn_logit_softcapping\":50.0,\"final_logit_softcapping\":30.0,"
                + "\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,\"tie_word_embeddings\":true,\"dtype\":\"float32\"}";
        Files.writeString(dir.resolve("config.json"), config);
        SafeTensorsWriter w = new SafeTensorsWriter();
        put(w, rnd, "model.embed_tokens.weight", vocab, d);
        put(w, rnd, "model.norm.weight", d);
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            for (String n : new String[] {"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                    "post_feedforward_layernorm"}) {
                put(w, rnd, p + n + ".weight", d);
            }
            put(w, rnd, p + "self_attn.q_proj.weight", heads * hd, d);
            put(w, rnd, p + "self_attn.k_proj.weight", kv * hd, d);
            put(w, rnd, p + "self_attn.v_proj.weight", kv * hd, d);
            put(w, rnd, p + "self_attn.o_proj.weight", d, heads * hd);
            put(w, rnd, p + "mlp.gate_proj.weight", inter, d);
            put(w, rnd, p + "mlp.up_proj.weight", inter, d);
            put(w, rnd, p + "mlp.down_proj.weight", d, inter);
        }
        w.write(dir.resolve("model.safetensors"));
    }

    private static void put(SafeTensorsWriter w, Random rnd, String name, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        w.put(name, DType.F32, shape, v);
    }

    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder().include(LmForwardBench.class.getSimpleName()).forks(1)
                .warmupIterations(3).measurementIterations(5).build();
        new Runner(opt).run();
    }
}
