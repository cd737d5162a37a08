package org.vistabench.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.ObjectMask;
import org.vistabench.data.CocoQuestion;
import org.vistabench.score.Concept;
import org.vistabench.io.Json;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;

/**
 * A complete, tiny on-disk setup for the providers: the HF-parity Gemma-2 fixture (random weights) with a word-level
 * tokenizer.json, Gemma Scope SAEs for its 4 layers, the DINOv2 fixture at 56 px (16 patches), a spec that points
 * at them, and synthetic images with coloured squares as objects.
 */
final class MiniFixture {
    static final String[] OBJECTS = {"cat", "dog", "apple", "car"};
    static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
    static final Map<String, String> SYNONYMS = Map.of("kitten", "cat", "puppy", "dog");

    final Path root;
    final Path spec;

    MiniFixture(Path root, String metricsYaml, String controls, int steps) throws Exception {
        this.root = root;
        Path fx = Path.of("src/test/resources/fixtures/hf-parity");
        Path lm = root.resolve("lm");
        Files.createDirectories(lm);
        Files.copy(fx.resolve("gemma2-tiny-f32/config.json"), lm.resolve("config.json"));
        Files.copy(fx.resolve("gemma2-tiny-f32/model.safetensors"), lm.resolve("model.safetensors"));
        writeTokenizer(lm.resolve("tokenizer.json"));
        Path enc = root.resolve("enc");
        Files.createDirectories(enc);
        Files.copy(fx.resolve("dinov2-tiny/config.json"), enc.resolve("config.json"));
        Files.copy(fx.resolve("dinov2-tiny/model.safetensors"), enc.resolve("model.safetensors"));
        Files.writeString(enc.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"BitImageProcessor\","
                + " \"do_resize\": true, \"size\": {\"shortest_edge\": 56}, \"do_center_crop\": true, \"crop_size\":"
                + " {\"height\": 56, \"width\": 56}, \"do_rescale\": true, \"rescale_factor\": 0.00392156862745098,"
                + " \"do_normalize\": true, \"image_mean\": [0.485, 0.456, 0.406], \"image_std\": [0.229, 0.224, 0.225],"
                + " \"resample\": 3}");
        SplittableRandom r = new SplittableRandom(5);
        for (int l = 0; l < 4; l++) {
            Path d = root.resolve("saes/layer_" + l + "/width_128/average_l0_10");
            Files.createDirectories(d);
            int dm = 64;
            int ds = 128;
            float[] we = gauss(r, dm * ds, 0.2);
            float[] wd = gauss(r, ds * dm, 0.2);
            List<NpyArray> arrs = new ArrayList<>();
            arrs.add(NpyArray.ofFloats("W_enc", new long[] {dm, ds}, we));
            arrs.add(NpyArray.ofFloats("W_dec", new long[] {ds, dm}, wd));
            arrs.add(NpyArray.ofFloats("b_enc", new long[] {ds}, new float[ds]));
            arrs.add(NpyArray.ofFloats("b_dec", new long[] {dm}, new float[dm]));
            float[] thr = new float[ds];
            java.util.Arrays.fill(thr, 0.5f);
            arrs.add(NpyArray.ofFloats("threshold", new long[] {ds}, thr));
            Npz.write(d.resolve("params.npz"), arrs);
        }
        spec = root.resolve("spec.yaml");
        Files.writeString(spec, "name: fixture\nseed: 3\nworld: {kind: mini, scale: tiny}\n"
                + "encoders:\n  - {id: enc, path: enc, layer: -1, tokens: patch}\n"
                + "llms:\n  - id: lm\n    path: lm\n    saes: {path: saes, format: gemma-scope, layers: all}\n"
                + "sae_layer_sets: {none: [], early: [0, 1]}\n"
                + "controls: [" + controls + "]\n"
                + "train: {steps: " + steps + ", batch: 4, lr: 3.0e-3, warmup: 2, lambda_sae: 1.0, projector: mlp2x_gelu,"
                + " precision: fp32, device: cpu, checkpoint_every: 5, grad_clip: 1.0, weight_decay: 0.0,"
                + " eval_images: 6}\n"
                + "metrics:\n" + metricsYaml);
    }

    private static float[] gauss(SplittableRandom r, int n, double s) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller, deterministic.
            double u = Math.max(1e-12, r.nextDouble());
            v[i] = (float) (s * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return v;
    }

    static List<String> words() {
        List<String> w = new ArrayList<>(List.of("user", "model", "what", "is", "shown", "in", "this", "image", "?",
                "a", "an", "and", ",", "."));
        w.addAll(List.of(OBJECTS));
        w.addAll(SYNONYMS.keySet().stream().sorted().toList());
        return w;
    }

    private static void writeTokenizer(Path file) throws Exception {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "<image>"};
        ObjectNode vocab = Json.MAPPER.createObjectNode();
        for (int i = 0; i < specials.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", specials[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            vocab.put(specials[i], i);
        }
        int id = specials.length;
        for (String w : words()) {
            vocab.put(w, id++);
        }
        root.putObject("normalizer").put("type", "Lowercase");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        model.set("vocab", vocab);
        model.put("unk_token", "<unk>");
        Files.writeString(file, Json.MAPPER.writeValueAsString(root));
    }

    /** Images with one or two coloured squares; the answer lists the objects in canonical order. */
    static DataBundle data(int trainImages, int testImages) {
        Map<String, Split> splits = new TreeMap<>();
        splits.put("train", new Split(1, trainImages, 100));
        splits.put("test", new Split(2, testImages, 900));
        return new DataBundle() {
            @Override
            public ImageSplit split(String name) {
                return splits.get(name);
            }

            @Override
            public Optional<String> objectOf(String word) {
                String w = word.toLowerCase(java.util.Locale.ROOT);
                if (List.of(OBJECTS).contains(w)) {
                    return Optional.of(w);
                }
                return Optional.ofNullable(SYNONYMS.get(w));
            }

            @Override
            public Optional<Concept> conceptOf(String word) {
                return objectOf(word).map(o -> new Concept(Concept.Kind.OBJECT, o));
            }

            @Override
            public String id() {
                return "mini-fixture";
            }
        };
    }

    static final class Split implements ImageSplit {
        private final List<Long> ids = new ArrayList<>();
        private final Map<Long, int[]> objs = new LinkedHashMap<>();

        Split(long seed, int n, long firstId) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                long id = firstId + i;
                int a = r.nextInt(OBJECTS.length);
                int b = r.nextBoolean() ? -1 : (a + 1 + r.nextInt(OBJECTS.length - 1)) % OBJECTS.length;
                ids.add(id);
                objs.put(id, b < 0 ? new int[] {a} : new int[] {Math.min(a, b), Math.max(a, b)});
            }
        }

        @Override
        public List<Long> imageIds() {
            return ids;
        }

        @Override
        public BufferedImage image(long id) {
            BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, 56, 56);
            int[] o = objs.get(id);
            for (int k = 0; k < o.length; k++) {
                g.setColor(COLOURS[o[k]]);
                g.fillRect(4 + k * 28, 14, 22, 22);
            }
            g.dispose();
            return img;
        }

        @Override
        public Set<String> objects(long id) {
            Set<String> s = new TreeSet<>();
            for (int o : objs.get(id)) {
                s.add(OBJECTS[o]);
            }
            return s;
        }

        @Override
        public String answer(long id, String question) {
            int[] o = objs.get(id);
            return o.length == 1 ? "a " + OBJECTS[o[0]] + " ." : "a " + OBJECTS[o[0]] + " and a " + OBJECTS[o[1]] + " .";
        }

        @Override
        public Set<Concept> concepts(long id) {
            Set<Concept> s = new java.util.HashSet<>();
            objects(id).forEach(o -> s.add(new Concept(Concept.Kind.OBJECT, o)));
            return s;
        }

        /** Object k is the 22 x 22 square at (4 + 28k, 14) of the 56 x 56 image. */
        @Override
        public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
            List<ObjectMask> out = new ArrayList<>();
            int[] o = objs.get(id);
            for (int k = 0; k < o.length; k++) {
                boolean[] in = new boolean[cols * rows];
                for (int p = 0; p < in.length; p++) {
                    int px0 = (p % cols) * 56 / cols, py0 = (p / cols) * 56 / rows;
                    int px1 = (p % cols + 1) * 56 / cols, py1 = (p / cols + 1) * 56 / rows;
                    int ox = Math.max(0, Math.min(px1, 26 + 28 * k) - Math.max(px0, 4 + 28 * k));
                    int oy = Math.max(0, Math.min(py1, 36) - Math.max(py0, 14));
                    in[p] = ox * oy > 0 && ox * oy >= minCover * (px1 - px0) * (py1 - py0);
                }
                out.add(new ObjectMask(OBJECTS[o[k]], in));
            }
            return out;
        }

        @Override
        public List<CocoQuestion> questions(long id) {
            return List.of(new CocoQuestion(id * 10, id, "object", "What is shown in this image?",
                    answer(id, "What is shown in this image?")));
        }
    }
}
