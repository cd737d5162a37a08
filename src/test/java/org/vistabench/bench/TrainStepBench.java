package org.vistabench.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.vistabench.data.feature.InMemoryFeatures;
import org.vistabench.io.AtomicFiles;
import org.vistabench.model.lm.CausalLm;
import org.vistabench.model.lm.LmLoader;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.CausalLmBackbone;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.SafeTensorsWriter;
import org.vistabench.train.SaeConstraint;
import org.vistabench.train.TrainConfig;
import org.vistabench.train.TrainExample;
import org.vistabench.train.Trainer;

/**
 * One projector training step of vistabench, timed: what {@code bench/train_step.py} does in PyTorch, at the same
 * shapes. A random Gemma-2-style LM (written as an HF folder and loaded by {@code LmLoader}, so the step runs the
 * real Gemma-2 forward/backward), mlp2x_gelu projector from F-dim features, JumpReLU SAE loss at the given layers,
 * CE on the answer tokens, AdamW + clipping, through {@link Trainer} itself.
 *
 * <p>Args (all {@code --key value}): d 256, layers 4, heads 4, kv 2, head_dim 64, inter 1024, vocab 1024, feat 384,
 * batch 8, image 64, text 32, sae_layers 0,1, sae_width 2048, warmup 3, steps 10, device cpu (or gpu), precision
 * fp32 (bf16 needs a GPU and the BF16-patched JNI: the projector computes in bf16; the LM runs in float32 because
 * {@code model.lm} has no bf16 compute yet). Prints one line {@code vistabench steps/s <x> ms/step <y> tokens/s <z>}.
 * The random LM is written in BF16 safetensors shards (one per layer, with an index), so real-size configs
 * (Gemma-2-2B: 2.6 B parameters) fit.
 */
public final class TrainStepBench {
    private TrainStepBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int d = Integer.parseInt(a.getOrDefault("d", "256"));
        int layers = Integer.parseInt(a.getOrDefault("layers", "4"));
        int heads = Integer.parseInt(a.getOrDefault("heads", "4"));
        int kv = Integer.parseInt(a.getOrDefault("kv", "2"));
        int hd = Integer.parseInt(a.getOrDefault("head_dim", "64"));
        int inter = Integer.parseInt(a.getOrDefault("inter", "1024"));
        int vocab = Integer.parseInt(a.getOrDefault("vocab", "1024"));
        int feat = Integer.parseInt(a.getOrDefault("feat", "384"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
        int image = Integer.parseInt(a.getOrDefault("image", "64"));
        int text = Integer.parseInt(a.getOrDefault("text", "32"));
        int width = Integer.parseInt(a.getOrDefault("sae_width", "2048"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "10"));
        Device device = "gpu".equals(a.getOrDefault("device", "cpu")) ? Device.gpu() : Device.cpu();
        String precision = a.getOrDefault("precision", "fp32");
        List<Integer> saeLayers = new ArrayList<>();
        for (String s : a.getOrDefault("sae_layers", "0,1").split(",")) {
            if (!s.isBlank()) {
                saeLayers.add(Integer.parseInt(s.trim()));
            }
        }
        Path dir = Files.createTempDirectory("vb-train-step-");
        try {
            writeGemma(dir, d, layers, heads, kv, hd, inter, vocab);
            // Prompt: 3 prefix ids, the image, 13 suffix ids; answers of 16 ids (text = 3 + 13 + 16 = 32).
            int prefix = 3;
            int answer = 16;
            int suffix = text - prefix - answer;
            long[] pre = new long[prefix];
            long[] suf = new long[suffix];
            for (int i = 0; i < prefix; i++) {
                pre[i] = 2 + i;
            }
            for (int i = 0; i < suffix; i++) {
                suf[i] = 10 + i;
            }
            VisualPrompt prompt = new VisualPrompt(pre, image, suf, 0);
            SplittableRandom r = new SplittableRandom(1);
            int n = batch * 4;
            long[] ids = new long[n];
            List<float[]> rows = new ArrayList<>();
            List<TrainExample> ex = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids[i] = i;
                float[] f = new float[image * feat];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (float) r.nextGaussian();
                }
                rows.add(f);
                long[] ans = new long[answer];
                for (int j = 0; j < answer; j++) {
                    ans[j] = 32 + r.nextInt(vocab - 32);
                }
                ex.add(new TrainExample(i, ans));
            }
            InMemoryFeatures feats = new InMemoryFeatures(ids, rows, image, feat);
            long tl = System.nanoTime();
            try (NDManager m = NDManager.newBaseManager(device); CausalLm lm = LmLoader.load(dir, m)) {
                System.err.printf(Locale.ROOT, "TrainStepBench: LM loaded on %s in %.1f s%n", device,
                        (System.nanoTime() - tl) / 1e9);
                SortedMap<Integer, SaeConstraint> cons = new TreeMap<>();
                for (int l : saeLayers) {
                    Sae sae = Sae.random(m, d, width, 100 + l, new float[] {1f}, null, new float[] {0.02f});
                    cons.put(l, new SaeConstraint(l, sae, d));
                }
                TrainConfig cfg = new TrainConfig(warmup + steps, batch, 1e-3, 0, 0.1, ProjectorKind.MLP2X_GELU,
                        precision, 0, 1.0, 0.0, 7, 0.9, 0.999, 1e-8);
                long[] t = new long[warmup + steps + 1];
                int[] k = {0};
                t[0] = System.nanoTime();
                Trainer tr = new Trainer(cfg, new CausalLmBackbone(lm), prompt, feats, ex, cons,
                        new Trainer.Options(null, false, false, "bench", row -> t[++k[0]] = System.nanoTime()), device);
                tr.train(m);
                double secs = (t[warmup + steps] - t[warmup]) / 1e9;
                double sps = steps / secs;
                long tokens = (long) batch * (image + text);
                System.out.printf(Locale.ROOT, "vistabench steps/s %.3f ms/step %.1f tokens/s %.0f%n", sps,
                        1000 / sps, tokens * sps);
            }
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    static void writeGemma(Path dir, int d, int layers, int heads, int kv, int hd, int inter, int vocab)
            throws Exception {
        StringBuilder types = new StringBuilder();
        for (int i = 0; i < layers; i++) {
            types.append(i > 0 ? ", " : "").append(i % 2 == 0 ? "\"sliding_attention\"" : "\"full_attention\"");
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gemma2\", \"architectures\":"
                + " [\"Gemma2ForCausalLM\"], \"hidden_size\": " + d + ", \"num_hidden_layers\": " + layers
                + ", \"num_attention_heads\": " + heads + ", \"num_key_value_heads\": " + kv + ", \"head_dim\": " + hd
                + ", \"intermediate_size\": " + inter + ", \"vocab_size\": " + vocab + ", \"rms_norm_eps\": 1e-06,"
                + " \"hidden_activation\": \"gelu_pytorch_tanh\", \"query_pre_attn_scalar\": " + hd + ","
                + " \"attn_logit_softcapping\": 50.0, \"final_logit_softcapping\": 30.0, \"sliding_window\": 4096,"
                + " \"layer_types\": [" + types + "], \"tie_word_embeddings\": true, \"dtype\": \"float32\","
                + " \"bos_token_id\": 2, \"eos_token_id\": 1, \"pad_token_id\": 0, \"max_position_embeddings\": 8192,"
                + " \"rope_theta\": 10000.0}");
        // One BF16 shard per layer plus one for the embeddings, and an index: no single buffer over 2 GiB.
        java.util.Map<String, String> weightMap = new TreeMap<>();
        long seed = 3;
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.put("model.embed_tokens.weight", DType.BF16, new long[] {vocab, d}, rand(seed++, (long) vocab * d, 0.02));
        w.put("model.norm.weight", DType.BF16, new long[] {d}, new float[d]);
        String f0 = "model-embed.safetensors";
        w.write(dir.resolve(f0));
        weightMap.put("model.embed_tokens.weight", f0);
        weightMap.put("model.norm.weight", f0);
        List<String> norms = List.of("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                "post_feedforward_layernorm");
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            String f = String.format(Locale.ROOT, "model-layer-%03d.safetensors", i);
            w = new SafeTensorsWriter();
            for (String n : norms) {
                w.put(p + n + ".weight", DType.BF16, new long[] {d}, new float[d]);
                weightMap.put(p + n + ".weight", f);
            }
            long[][] shapes = {{heads * hd, d}, {kv * hd, d}, {kv * hd, d}, {d, heads * hd}, {inter, d}, {inter, d},
                {d, inter}};
            String[] names = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
            for (int k = 0; k < names.length; k++) {
                w.put(p + names[k] + ".weight", DType.BF16, shapes[k], rand(seed++, shapes[k][0] * shapes[k][1], 0.02));
                weightMap.put(p + names[k] + ".weight", f);
            }
            w.write(dir.resolve(f));
        }
        StringBuilder idx = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        boolean first = true;
        for (java.util.Map.Entry<String, String> e : weightMap.entrySet()) {
            idx.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(e.getValue())
                    .append('"');
            first = false;
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), idx.append("}}").toString());
    }

    /** Uniform values with standard deviation {@code std} from a SplitMix64 stream (fast: billions at real size). */
    private static float[] rand(long seed, long n, double std) {
        float[] v = new float[Math.toIntExact(n)];
        long s = seed * 0x9E3779B97F4A7C15L;
        double scale = std * Math.sqrt(3) / (1L << 23);
        for (int i = 0; i < v.length; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            v[i] = (float) (((z >>> 40) - (1L << 23)) * scale);
        }
        return v;
    }
}
