package org.vistabench.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * A tiny Hugging Face hub cache and a tiny COCO + LLaVA dataset, written the way the real ones are laid out, so that a
 * paper-shaped spec ({@code hf:} references, {@code data:} COCO, released SAE folders) runs end to end on CPU.
 *
 * <ul>
 *   <li>{@code hub/models--<org>--<name>/snapshots/<rev>/} + {@code refs/main}, for {@code google/gemma-2-2b-it},
 *       {@code meta-llama/Llama-3.1-8B-Instruct} (the random-weight parity fixtures of {@code hf-parity}: 4- and
 *       3-layer, d_model 64, vocabulary 512), {@code facebook/dinov2-large} and
 *       {@code openai/clip-vit-large-patch14-336} (the tiny DINOv2 and CLIP vision towers, 56 px, 4×4 patches),
 *       each LM with a word-level {@code tokenizer.json} holding its family's special tokens and the dataset's
 *       words; each encoder with its {@code preprocessor_config.json}.</li>
 *   <li>{@code google/gemma-scope-2b-pt-res}: {@code layer_<L>/width_{16k,65k}/average_l0_{K}/params.npz} for three
 *       K per width (the canonical release's names; the tensors are tiny: 128 and 256 latents, so a folder's name
 *       does not state its width here).</li>
 *   <li>{@code fnlp/Llama3_1-8B-Base-LXR-8x}: {@code Llama3_1-8B-Base-L<L>R-8x/hyperparams.json} +
 *       {@code checkpoints/final.safetensors} (BF16, lm_saes orientation) per layer.</li>
 *   <li>Neuronpedia label exports for both releases ({@code labels/<release>/<layer>.json}): every latent labelled
 *       with a COCO category word or a filler, so the lexicon judge has something to match.</li>
 *   <li>{@code coco/}: 20 images (112 px, one to three coloured shapes of six COCO categories),
 *       {@code annotations/instances.json} (polygon segmentations), {@code annotations/captions.json}, and
 *       {@code llava/conversations.json} in LLaVA's layout (a text-only row among them).</li>
 * </ul>
 * Everything is drawn from a fixed seed: two builds are byte-identical.
 */
public final class TinyHfCache {
    public static final String REV = "0123456789abcdef0123456789abcdef01234567";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** COCO ids and names of the categories the images show. */
    static final Map<Integer, String> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put(1, "person");
        CATEGORIES.put(3, "car");
        CATEGORIES.put(17, "cat");
        CATEGORIES.put(18, "dog");
        CATEGORIES.put(47, "cup");
        CATEGORIES.put(59, "pizza");
    }

    private static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    private static final Color[] RGB = {new Color(220, 30, 30), new Color(30, 180, 40), new Color(30, 60, 220),
        new Color(230, 210, 20)};
    private static final String[] FILLER = {"a", "an", "the", "of", "and", "photo", "picture", "image", "with",
        "in", "is", "there", "what", "shown", "this", "how", "many", "are", "yes", "no", "one", "two", "three", "?",
        ".", ",", "user", "model", "assistant", "system", "describe", "briefly", "references", "to", "mentions",
        "text", "about", "animals", "food", "objects", "people", "vehicles", "dogs", "cats", "cars", "cups",
        "pizzas", "persons", "something", "object", "scene", "colour", "color", "on", "left", "right", "top",
        "bottom", "small", "large", "near", "grey", "background", "it", "its", "has", "have", "we", "see",
        "show", "shows", "depicts", "contains", "at", "for"};

    private final Path root;

    private TinyHfCache(Path root) {
        this.root = root;
    }

    /** Writes everything under {@code root} (created if needed). */
    public static TinyHfCache build(Path root) {
        TinyHfCache c = new TinyHfCache(root);
        try {
            c.writeAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** The folder to export as {@code HF_HOME} (it holds {@code hub/}). */
    public Path hfHome() {
        return root.resolve("hf");
    }

    public Path hub() {
        return hfHome().resolve("hub");
    }

    public Path coco() {
        return root.resolve("coco");
    }

    public Path labels(String release) {
        return root.resolve("labels").resolve(release);
    }

    private void writeAll() throws IOException {
        List<String> words = new ArrayList<>(List.of(FILLER));
        words.addAll(CATEGORIES.values());
        words.addAll(List.of(COLOURS));
        writeCoco();
        lm("google/gemma-2-2b-it", "gemma2-tiny-f32", List.of("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>",
                "<end_of_turn>"), words);
        lm("meta-llama/Llama-3.1-8B-Instruct", "llama3-tiny-f32", List.of("<unk>", "<|begin_of_text|>",
                "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"), words);
        vision("facebook/dinov2-large", "dinov2-tiny", "BitImageProcessor", new double[] {0.485, 0.456, 0.406},
                new double[] {0.229, 0.224, 0.225});
        vision("openai/clip-vit-large-patch14-336", "clip-tiny", "CLIPImageProcessor",
                new double[] {0.48145466, 0.4578275, 0.40821073}, new double[] {0.26862954, 0.26130258, 0.27577711});
        gemmaScope(4, 64);
        llamaScope(3, 64);
    }

    private Path snapshot(String repo) throws IOException {
        Path r = hub().resolve("models--" + repo.replace("/", "--"));
        Files.createDirectories(r.resolve("refs"));
        Files.writeString(r.resolve("refs").resolve("main"), REV);
        return Files.createDirectories(r.resolve("snapshots").resolve(REV));
    }

    private static void copyFixture(String fixture, String file, Path to) throws IOException {
        try (InputStream in = TinyHfCache.class.getResourceAsStream("/fixtures/hf-parity/" + fixture + "/" + file)) {
            if (in == null) {
                throw new IOException("test resource fixtures/hf-parity/" + fixture + "/" + file + " missing");
            }
            Files.copy(in, to.resolve(file));
        }
    }

    private void lm(String repo, String fixture, List<String> specials, List<String> words) throws IOException {
        Path s = snapshot(repo);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            copyFixture(fixture, f, s);
        }
        List<String> vocab = new ArrayList<>(specials);
        for (String w : words) {
            if (!vocab.contains(w)) {
                vocab.add(w);
            }
        }
        Map<String, Object> tok = new LinkedHashMap<>();
        tok.put("version", "1.0");
        tok.put("truncation", null);
        tok.put("padding", null);
        List<Map<String, Object>> added = new ArrayList<>();
        for (int i = 0; i < specials.size(); i++) {
            added.add(org.vistabench.world.text.WordTokenizer.addedToken(i, specials.get(i)));
        }
        tok.put("added_tokens", added);
        tok.put("normalizer", Map.of("type", "Lowercase"));
        tok.put("pre_tokenizer", Map.of("type", "Whitespace"));
        tok.put("post_processor", null);
        tok.put("decoder", null);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        Map<String, Integer> v = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        model.put("vocab", v);
        model.put("unk_token", specials.contains("<unk>") ? "<unk>" : specials.get(0));
        tok.put("model", model);
        JSON.writerWithDefaultPrettyPrinter().writeValue(s.resolve("tokenizer.json").toFile(), tok);
        JSON.writerWithDefaultPrettyPrinter().writeValue(s.resolve("tokenizer_config.json").toFile(),
                Map.of("tokenizer_class", "PreTrainedTokenizerFast", "model_max_length", 256));
    }

    private void vision(String repo, String fixture, String processor, double[] mean, double[] std)
            throws IOException {
        Path s = snapshot(repo);
        copyFixture(fixture, "config.json", s);
        copyFixture(fixture, "model.safetensors", s);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("crop_size", Map.of("height", 56, "width", 56));
        p.put("do_center_crop", true);
        p.put("do_convert_rgb", true);
        p.put("do_normalize", true);
        p.put("do_rescale", true);
        p.put("do_resize", true);
        p.put("image_mean", mean);
        p.put("image_processor_type", processor);
        p.put("image_std", std);
        p.put("resample", 3);
        p.put("rescale_factor", 0.00392156862745098);
        p.put("size", Map.of("shortest_edge", 56));
        JSON.writerWithDefaultPrettyPrinter().writeValue(s.resolve("preprocessor_config.json").toFile(), p);
    }

    /** Gemma Scope's released layout: two widths, three L0s each, every layer; JumpReLU params.npz. */
    private void gemmaScope(int layers, int dModel) throws IOException {
        Path s = snapshot("google/gemma-scope-2b-pt-res");
        Random rnd = new Random(11);
        Map<String, Integer> widths = Map.of("16k", 128, "65k", 256);
        Map<String, int[]> l0s = Map.of("16k", new int[] {12, 40, 95}, "65k", new int[] {20, 61, 130});
        for (int l = 0; l < layers; l++) {
            for (String w : new TreeSet<>(widths.keySet())) {
                int dSae = widths.get(w);
                for (int k : l0s.get(w)) {
                    Path dir = Files.createDirectories(s.resolve("layer_" + l).resolve("width_" + w)
                            .resolve("average_l0_" + k));
                    Map<String, NpyArray> npz = new LinkedHashMap<>();
                    float[] enc = gaussian(rnd, dModel * dSae, 0.3f);
                    float[] dec = gaussian(rnd, dSae * dModel, 0.15f);
                    float[] thr = new float[dSae];
                    java.util.Arrays.fill(thr, 0.05f * k / 40f);
                    npz.put("W_enc", new NpyArray("W_enc", DType.F32, new long[] {dModel, dSae}, enc, null));
                    npz.put("W_dec", new NpyArray("W_dec", DType.F32, new long[] {dSae, dModel}, dec, null));
                    npz.put("b_enc", new NpyArray("b_enc", DType.F32, new long[] {dSae}, new float[dSae], null));
                    npz.put("b_dec", new NpyArray("b_dec", DType.F32, new long[] {dModel}, new float[dModel], null));
                    npz.put("threshold", new NpyArray("threshold", DType.F32, new long[] {dSae}, thr, null));
                    Npz.write(dir.resolve("params.npz"), npz);
                }
            }
            neuronpedia("gemma-scope-2b-pt-res", "gemma-2-2b", l + "-gemmascope-res-16k", l, widths.get("16k"));
        }
    }

    /** Llama Scope's layout: one folder per layer (position R, 8×) with hyperparams.json and a BF16 checkpoint. */
    private void llamaScope(int layers, int dModel) throws IOException {
        Path s = snapshot("fnlp/Llama3_1-8B-Base-LXR-8x");
        Random rnd = new Random(13);
        int dSae = dModel * 8;
        for (int l = 0; l < layers; l++) {
            Path dir = Files.createDirectories(s.resolve("Llama3_1-8B-Base-L" + l + "R-8x").resolve("checkpoints"));
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("hook_point_in", "blocks." + l + ".hook_resid_post");
            h.put("hook_point_out", "blocks." + l + ".hook_resid_post");
            h.put("expansion_factor", 8);
            h.put("d_model", dModel);
            h.put("d_sae", dSae);
            h.put("act_fn", "jumprelu");
            h.put("jump_relu_threshold", 0.5);
            h.put("norm_activation", "dataset-wise");
            h.put("dataset_average_activation_norm", Map.of("in", 8.0, "out", 8.0));
            h.put("top_k", 10);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.getParent().resolve("hyperparams.json").toFile(), h);
            new SafeTensorsWriter()
                    .put("encoder.weight", DType.BF16, new long[] {dSae, dModel}, gaussian(rnd, dSae * dModel, 0.3f))
                    .put("encoder.bias", DType.BF16, new long[] {dSae}, new float[dSae])
                    .put("decoder.weight", DType.BF16, new long[] {dModel, dSae}, gaussian(rnd, dModel * dSae, 0.2f))
                    .put("decoder.bias", DType.BF16, new long[] {dModel}, new float[dModel])
                    .metadata(Map.of("version", "0.1"))
                    .write(dir.resolve("final.safetensors"));
            neuronpedia("llama-scope-lxr-8x", "llama3.1-8b", l + "-llamascope-res-32k", l, dSae);
        }
    }

    /** A Neuronpedia explanation export: one row per latent, a COCO word in most descriptions. */
    private void neuronpedia(String release, String modelId, String layerId, int layer, int dSae) throws IOException {
        List<String> cats = new ArrayList<>(CATEGORIES.values());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < dSae; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("modelId", modelId);
            r.put("layer", layerId);
            r.put("index", Integer.toString(i));
            r.put("description", i % 4 == 3 ? "punctuation and filler text" : "references to "
                    + cats.get((i + layer) % cats.size()) + (i % 2 == 0 ? "s" : ""));
            r.put("typeName", "oai_token-act-pair");
            r.put("explanationModelName", "gpt-4o-mini");
            rows.add(r);
        }
        Path dir = Files.createDirectories(labels(release));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(layer + ".json").toFile(), rows);
    }

    private static float[] gaussian(Random rnd, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian() * scale;
        }
        return out;
    }

    /** 20 images, instances with polygon masks, captions, and a LLaVA conversation file over the same images. */
    private void writeCoco() throws IOException {
        Path images = Files.createDirectories(coco().resolve("images"));
        Path ann = Files.createDirectories(coco().resolve("annotations"));
        Random rnd = new Random(7);
        List<Integer> catIds = new ArrayList<>(CATEGORIES.keySet());
        List<Map<String, Object>> imgs = new ArrayList<>();
        List<Map<String, Object>> anns = new ArrayList<>();
        List<Map<String, Object>> caps = new ArrayList<>();
        List<Map<String, Object>> conv = new ArrayList<>();
        int side = 112;
        long annId = 1;
        for (int i = 0; i < 20; i++) {
            long id = 1000 + i;
            String file = String.format("%012d.png", id);
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(120, 120, 120));
            g.fillRect(0, 0, side, side);
            int n = 1 + rnd.nextInt(3);
            List<String> named = new ArrayList<>();
            java.util.Set<Integer> used = new TreeSet<>();
            for (int k = 0; k < n; k++) {
                int cat = catIds.get(rnd.nextInt(catIds.size()));
                if (!used.add(cat)) {
                    continue;
                }
                int c = rnd.nextInt(COLOURS.length);
                int w = 28 + rnd.nextInt(28);
                int h = 28 + rnd.nextInt(28);
                int x = rnd.nextInt(side - w);
                int y = rnd.nextInt(side - h);
                g.setColor(RGB[c]);
                g.fillRect(x, y, w, h);
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", annId++);
                a.put("image_id", id);
                a.put("category_id", cat);
                a.put("segmentation", List.of(List.of(x, y, x + w, y, x + w, y + h, x, y + h)));
                a.put("area", w * h);
                a.put("bbox", List.of(x, y, w, h));
                a.put("iscrowd", 0);
                anns.add(a);
                named.add(COLOURS[c] + " " + CATEGORIES.get(cat));
            }
            g.dispose();
            ImageIO.write(img, "png", images.resolve(file).toFile());
            imgs.add(Map.of("id", id, "file_name", file, "width", side, "height", side));
            String caption = "a photo of a " + String.join(" and a ", named) + ".";
            caps.add(Map.of("id", 5000 + 2 * i, "image_id", id, "caption", caption));
            caps.add(Map.of("id", 5001 + 2 * i, "image_id", id, "caption", "there is a " + named.get(0) + "."));
            conv.add(Map.of("id", String.format("%012d", id), "image", file, "conversations", List.of(
                    Map.of("from", "human", "value", "<image>\nwhat is shown in this image?"),
                    Map.of("from", "gpt", "value", caption))));
            if (i == 5) {
                conv.add(Map.of("id", "text-only-1", "conversations", List.of(
                        Map.of("from", "human", "value", "what is a dog?"),
                        Map.of("from", "gpt", "value", "a dog is one of the animals."))));
            }
        }
        List<Map<String, Object>> cats = new ArrayList<>();
        CATEGORIES.forEach((id, name) -> cats.add(Map.of("id", id, "name", name, "supercategory",
                id == 1 ? "person" : id == 3 ? "vehicle" : id < 20 ? "animal" : id == 47 ? "kitchen" : "food")));
        Map<String, Object> inst = new LinkedHashMap<>();
        inst.put("info", Map.of("description", "vistabench tiny COCO-format fixture"));
        inst.put("images", imgs);
        inst.put("annotations", anns);
        inst.put("categories", cats);
        JSON.writerWithDefaultPrettyPrinter().writeValue(ann.resolve("instances.json").toFile(), inst);
        Map<String, Object> capJson = new LinkedHashMap<>();
        capJson.put("images", imgs);
        capJson.put("annotations", caps);
        JSON.writerWithDefaultPrettyPrinter().writeValue(ann.resolve("captions.json").toFile(), capJson);
        Path llava = Files.createDirectories(root.resolve("llava"));
        JSON.writerWithDefaultPrettyPrinter().writeValue(llava.resolve("conversations.json").toFile(), conv);
    }
}
