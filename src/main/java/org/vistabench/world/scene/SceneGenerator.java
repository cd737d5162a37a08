package org.vistabench.world.scene;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Samples scene layouts and draws them. A layout has 1-3 objects of distinct categories; it is accepted only when
 * every object owns at least {@link #MIN_PATCHES} patches after occlusion, so that each object is visible in the
 * image and its category, colour and state words all appear in its patch grid.
 *
 * <p>Grid words (what the LM reads at the 64 image positions): a patch belongs to the object covering most of it
 * (and at least {@link #MIN_COVER} of its pixels), else to the background. An object's own patches, in raster order,
 * cycle through its category, colour, category, state words: every object shows its category first and on half its
 * patches (what the object answer needs most), and the colour and state questions are answerable from the prefix.
 */
public final class SceneGenerator {
    public static final int IMAGE_SIZE = 112;
    public static final int PATCH = 14;
    public static final int GRID = IMAGE_SIZE / PATCH;
    public static final int MIN_PATCHES = 4;
    public static final double MIN_COVER = 0.3;
    /** Version of the drawing code (layouts are unaffected by it): part of the scene stage's cache key. */
    public static final String PAINTER_VERSION = Painter.VERSION;

    private final Lexicon lexicon;
    private final Painter painter;

    public SceneGenerator(Lexicon lexicon) {
        this.lexicon = lexicon;
        this.painter = new Painter(lexicon);
    }

    /** Samples and draws scene {@code id} from its own seed (independent of every other scene). */
    public RenderedScene generate(long id, long seed) {
        Random r = new Random(seed);
        int background = r.nextInt(lexicon.backgrounds().size());
        long textureSeed = r.nextLong();
        int wanted = 1 + r.nextInt(3);
        for (int attempt = 0; ; attempt++) {
            int n = Math.max(1, wanted - attempt / 40);
            List<SceneObject> objects = sampleObjects(r, n);
            Scene scene = new Scene(id, background, textureSeed, objects);
            RenderedScene rs = render(scene);
            if (accepted(rs)) {
                return rs;
            }
        }
    }

    private List<SceneObject> sampleObjects(Random r, int n) {
        List<Integer> cats = new ArrayList<>();
        while (cats.size() < n) {
            int c = r.nextInt(lexicon.numCategories());
            if (!cats.contains(c)) {
                cats.add(c);
            }
        }
        List<SceneObject> out = new ArrayList<>();
        for (int c : cats) {
            int size = 40 + r.nextInt(21);
            int x = -size / 10 + r.nextInt(IMAGE_SIZE - size + size / 5);
            int y = -size / 10 + r.nextInt(IMAGE_SIZE - size + size / 5);
            out.add(new SceneObject(c, r.nextInt(lexicon.colours().size()), r.nextInt(2), x, y, size, r.nextBoolean()));
        }
        return out;
    }

    private static boolean accepted(RenderedScene rs) {
        int[] owned = new int[rs.scene().objects().size()];
        for (int o : rs.patchOwner()) {
            if (o >= 0) {
                owned[o]++;
            }
        }
        for (int c : owned) {
            if (c < MIN_PATCHES) {
                return false;
            }
        }
        return true;
    }

    /** Draws a layout: image, exact instance map, patch owners and grid words. */
    public RenderedScene render(Scene scene) {
        BufferedImage img = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_INT_RGB);
        painter.background(img, scene.background(), scene.textureSeed());
        int[] inst = new int[IMAGE_SIZE * IMAGE_SIZE];
        java.util.Arrays.fill(inst, -1);
        Random detail = new Random(scene.textureSeed() ^ 0x5DEECE66DL);
        for (int i = 0; i < scene.objects().size(); i++) {
            BufferedImage layer = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_INT_ARGB);
            painter.object(layer, scene.objects().get(i), detail);
            for (int y = 0; y < IMAGE_SIZE; y++) {
                for (int x = 0; x < IMAGE_SIZE; x++) {
                    int argb = layer.getRGB(x, y);
                    if ((argb >>> 24) != 0) {
                        img.setRGB(x, y, argb | 0xFF000000);
                        inst[y * IMAGE_SIZE + x] = i;
                    }
                }
            }
        }
        int[] owner = patchOwners(inst, scene.objects().size());
        return new RenderedScene(scene, img, inst, owner, gridWords(scene, owner));
    }

    static int[] patchOwners(int[] inst, int numObjects) {
        int[] owner = new int[GRID * GRID];
        int minPixels = (int) Math.ceil(MIN_COVER * PATCH * PATCH);
        for (int py = 0; py < GRID; py++) {
            for (int px = 0; px < GRID; px++) {
                int[] count = new int[numObjects];
                for (int y = py * PATCH; y < (py + 1) * PATCH; y++) {
                    for (int x = px * PATCH; x < (px + 1) * PATCH; x++) {
                        int o = inst[y * IMAGE_SIZE + x];
                        if (o >= 0) {
                            count[o]++;
                        }
                    }
                }
                int best = -1;
                for (int o = 0; o < numObjects; o++) {
                    if (count[o] >= minPixels && (best < 0 || count[o] > count[best])) {
                        best = o;
                    }
                }
                owner[py * GRID + px] = best;
            }
        }
        return owner;
    }

    private String[] gridWords(Scene scene, int[] owner) {
        String[] words = new String[owner.length];
        int[] seen = new int[scene.objects().size()];
        for (int p = 0; p < owner.length; p++) {
            int o = owner[p];
            if (o < 0) {
                words[p] = lexicon.backgrounds().get(scene.background());
                continue;
            }
            SceneObject obj = scene.objects().get(o);
            words[p] = switch (seen[o]++ % 4) {
                case 0, 2 -> lexicon.category(obj.category()).name();
                case 1 -> lexicon.colours().get(obj.colour());
                default -> lexicon.statesOf(obj.category()).get(obj.state());
            };
        }
        return words;
    }
}
