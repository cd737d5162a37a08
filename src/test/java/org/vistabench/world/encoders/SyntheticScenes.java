package org.vistabench.world.encoders;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small scenes with exact per-patch labels for the encoder tests: 1-2 solid shapes (square, disc, diamond, ring) in
 * one of four colours on a noisy grey background. A patch's label is the shape covering most of it (and at least 30%
 * of its pixels), else background. Shapes share colours, so a patch's category is only knowable from its
 * surroundings — what a local objective has to learn and a global one need not.
 */
final class SyntheticScenes {
    static final String[] SHAPES = {"square", "disc", "diamond", "ring"};
    static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    private static final float[][] RGB = {{0.9f, 0.15f, 0.1f}, {0.1f, 0.8f, 0.2f}, {0.15f, 0.25f, 0.95f},
        {0.95f, 0.9f, 0.1f}};

    private SyntheticScenes() {
    }

    static EncoderTrainingData make(int count, int size, int patch, long seed) {
        Random r = new Random(seed);
        int g = size / patch;
        List<float[]> images = new ArrayList<>();
        List<int[]> cls = new ArrayList<>();
        List<int[]> col = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] img = new float[3 * size * size];
            int[] owner = new int[size * size];
            java.util.Arrays.fill(owner, -1);
            float base = 0.35f + 0.3f * r.nextFloat();
            for (int p = 0; p < size * size; p++) {
                float v = base + 0.08f * (float) r.nextGaussian();
                for (int c = 0; c < 3; c++) {
                    img[c * size * size + p] = clamp(v);
                }
            }
            int objects = 1 + r.nextInt(2);
            int[] shape = new int[objects];
            int[] colour = new int[objects];
            StringBuilder cap = new StringBuilder();
            for (int o = 0; o < objects; o++) {
                shape[o] = r.nextInt(SHAPES.length);
                colour[o] = r.nextInt(COLOURS.length);
                int s = size * 3 / 10 + r.nextInt(size / 5);
                int x0 = r.nextInt(size - s + 1);
                int y0 = r.nextInt(size - s + 1);
                for (int y = y0; y < y0 + s; y++) {
                    for (int x = x0; x < x0 + s; x++) {
                        if (inside(shape[o], (x - x0 + 0.5) / s * 2 - 1, (y - y0 + 0.5) / s * 2 - 1)) {
                            owner[y * size + x] = o;
                            for (int c = 0; c < 3; c++) {
                                img[c * size * size + y * size + x] = clamp(RGB[colour[o]][c]
                                        + 0.04f * (float) r.nextGaussian());
                            }
                        }
                    }
                }
                cap.append(o == 0 ? "a " : " and a ").append(COLOURS[colour[o]]).append(' ').append(SHAPES[shape[o]]);
            }
            cap.append(" on a grey background");
            int[] pc = new int[g * g];
            int[] pk = new int[g * g];
            for (int py = 0; py < g; py++) {
                for (int px = 0; px < g; px++) {
                    int[] cover = new int[objects];
                    for (int y = py * patch; y < (py + 1) * patch; y++) {
                        for (int x = px * patch; x < (px + 1) * patch; x++) {
                            if (owner[y * size + x] >= 0) {
                                cover[owner[y * size + x]]++;
                            }
                        }
                    }
                    int best = -1;
                    for (int o = 0; o < objects; o++) {
                        if (cover[o] >= 0.3 * patch * patch && (best < 0 || cover[o] > cover[best])) {
                            best = o;
                        }
                    }
                    pc[py * g + px] = best < 0 ? -1 : shape[best];
                    pk[py * g + px] = best < 0 ? -1 : colour[best];
                }
            }
            images.add(img);
            cls.add(pc);
            col.add(pk);
            captions.add(cap.toString());
        }
        List<String> vocab = new ArrayList<>(List.of("a", "and", "on", "grey", "background"));
        vocab.addAll(List.of(SHAPES));
        vocab.addAll(List.of(COLOURS));
        return new EncoderTrainingData(images, cls, col, captions, vocab, SHAPES.length, COLOURS.length, size, patch);
    }

    private static boolean inside(int shape, double u, double v) {
        double rr = u * u + v * v;
        return switch (shape) {
            case 0 -> true;
            case 1 -> rr <= 1;
            case 2 -> Math.abs(u) + Math.abs(v) <= 1;
            default -> rr <= 1 && rr >= 0.3;
        };
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
