package org.vistabench.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Match rate of one SAE layer over a set of images: do the text-SAE latents that fire on an image's tokens carry
 * labels naming what the image shows?
 *
 * <p>Two protocols:
 * <ul>
 *   <li>{@link #vistabench}: per latent, aggregate the activation over the image's tokens (max or mean); drop
 *       generic latents; keep the top-{@code k} labelled latents with a positive aggregate (ties: lower index first);
 *       rate = latents whose label names a concept of the image / {@code k} (fixed denominator, so an image whose
 *       latents were all filtered scores 0), averaged over images.</li>
 *   <li>{@link #vista}: the authors' definition: all (token, latent) activations sorted together (ties: token, then
 *       latent, ascending), the first {@code k} (3) distinct labelled non-generic latents; a latent whose activation
 *       is ≤ 0 keeps its place but cannot match; one judgement per image (matched when any of them matches);
 *       rate = matched images / images.</li>
 * </ul>
 * Generic latents, in both: (a) "on" (mean over the image's tokens &gt; 0) in more than {@code maxImageShare} of the
 * scored images; (b) text density (fraction of text tokens on which it fires) above {@code maxTextDensity}.
 *
 * <p>Every rate comes with its shuffled-image baseline: the same picks judged against the concepts of another
 * image (image {@code i} against image {@code i+1}, cyclically, in the given order), and split by the kind of the
 * concept matched (object words vs attribute words).
 */
public final class MatchRate {
    /** How {@link #vistabench} aggregates a latent over an image's tokens. */
    public enum Aggregation { MAX, MEAN }

    /**
     * @param k              latents kept per image
     * @param aggregation    vistabench only
     * @param maxImageShare  generic filter (a): the share of images a latent may be on in (the authors: 0.05)
     * @param maxTextDensity generic filter (b): the text density a latent may have (the authors: 0.005)
     */
    public record Settings(int k, Aggregation aggregation, double maxImageShare, double maxTextDensity) {
        public Settings {
            if (k < 1) {
                throw new IllegalArgumentException("match rate: k must be >= 1, got " + k);
            }
        }
    }

    /**
     * One scored image: its SAE activations {@code acts[token][latent]} (token = an image position) and the concepts
     * it shows.
     */
    public record Image(long id, float[][] acts, Set<Concept> concepts) {
    }

    /**
     * What the judge knows of a latent: whether it has a label, the concepts the label names (through the lexicon),
     * and its text density (NaN: unknown, never filtered by density).
     */
    public record Latent(boolean labelled, Set<Concept> names, double textDensity) {
        public static final Latent UNLABELLED = new Latent(false, Set.of(), Double.NaN);
    }

    /** One kept latent of one image: its activation, and the concepts it matched on the image and on the shuffled one. */
    public record Pick(int latent, double activation, Set<Concept> matched, Set<Concept> matchedShuffled) {
    }

    /** One image's judgement; rates are per image ({@code vista}: 0 or 1). */
    public record ImageResult(long id, List<Pick> picks, double rate, double rateObject, double rateAttribute,
                              double shuffled, double shuffledObject, double shuffledAttribute) {
    }

    /** Means over images; {@code generic} = latents dropped by either generic filter. */
    public record Result(List<ImageResult> images, double rate, double rateObject, double rateAttribute,
                         double shuffled, double shuffledObject, double shuffledAttribute, int generic) {
        public double excess() {
            return rate - shuffled;
        }

        public double excessObject() {
            return rateObject - shuffledObject;
        }

        public double excessAttribute() {
            return rateAttribute - shuffledAttribute;
        }
    }

    private MatchRate() {
    }

    /** Our protocol (see the class comment). */
    public static Result vistabench(List<Image> images, List<Latent> latents, Settings s) {
        boolean[] generic = generic(images, latents, s);
        List<ImageResult> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            Set<Concept> other = images.get((i + 1) % images.size()).concepts();
            double[] agg = aggregate(im.acts(), latents.size(), s.aggregation());
            Integer[] order = new Integer[agg.length];
            for (int l = 0; l < agg.length; l++) {
                order[l] = l;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer l) -> -agg[l]).thenComparingInt(l -> l));
            List<Pick> picks = new ArrayList<>();
            for (int l : order) {
                if (picks.size() == s.k() || agg[l] <= 0) {
                    break;
                }
                if (!generic[l] && latents.get(l).labelled()) {
                    picks.add(pick(l, agg[l], latents.get(l), im.concepts(), other));
                }
            }
            out.add(judgePerLatent(im.id(), picks, s.k()));
        }
        return mean(out, count(generic));
    }

    /** The authors' protocol (see the class comment). */
    public static Result vista(List<Image> images, List<Latent> latents, Settings s) {
        boolean[] generic = generic(images, latents, s);
        List<ImageResult> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            Set<Concept> other = images.get((i + 1) % images.size()).concepts();
            // The first distinct latents of the sorted (token, latent) list are the latents sorted by their max over
            // tokens (ties: the token where the max first occurs, then the latent): O(T·W), no T·W sort.
            int width = latents.size();
            double[] max = aggregate(im.acts(), width, Aggregation.MAX);
            int[] at = firstArgmax(im.acts(), max);
            Integer[] order = new Integer[width];
            for (int l = 0; l < width; l++) {
                order[l] = l;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer l) -> -max[l]).thenComparingInt(l -> at[l])
                    .thenComparingInt(l -> l));
            List<Pick> picks = new ArrayList<>();
            for (int l : order) {
                if (picks.size() == s.k()) {
                    break;
                }
                if (generic[l] || !latents.get(l).labelled()) {
                    continue;
                }
                double act = max[l];
                picks.add(act > 0 ? pick(l, act, latents.get(l), im.concepts(), other)
                        : new Pick(l, act, Set.of(), Set.of()));
            }
            out.add(judgePerImage(im.id(), picks));
        }
        return mean(out, count(generic));
    }

    /** Per latent, the first token where its activation equals {@code max} (0 for an image without tokens). */
    private static int[] firstArgmax(float[][] acts, double[] max) {
        int[] at = new int[max.length];
        Arrays.fill(at, -1);
        for (int t = 0; t < acts.length; t++) {
            for (int l = 0; l < max.length; l++) {
                if (at[l] < 0 && acts[t][l] == max[l]) {
                    at[l] = t;
                }
            }
        }
        for (int l = 0; l < max.length; l++) {
            at[l] = Math.max(at[l], 0);
        }
        return at;
    }

    /** Latents dropped by either generic filter. */
    static boolean[] generic(List<Image> images, List<Latent> latents, Settings s) {
        int width = latents.size();
        int[] onIn = new int[width];
        for (Image im : images) {
            double[] mean = aggregate(im.acts(), width, Aggregation.MEAN);
            for (int l = 0; l < width; l++) {
                if (mean[l] > 0) {
                    onIn[l]++;
                }
            }
        }
        boolean[] out = new boolean[width];
        for (int l = 0; l < width; l++) {
            double density = latents.get(l).textDensity();
            out[l] = (!images.isEmpty() && onIn[l] > s.maxImageShare() * images.size())
                    || (!Double.isNaN(density) && density > s.maxTextDensity());
        }
        return out;
    }

    static double[] aggregate(float[][] acts, int width, Aggregation how) {
        double[] out = new double[width];
        if (acts.length == 0) {
            return out;
        }
        if (how == Aggregation.MAX) {
            Arrays.fill(out, Double.NEGATIVE_INFINITY);
        }
        for (float[] row : acts) {
            if (row.length != width) {
                throw new IllegalArgumentException("match rate: a token has " + row.length + " activations, the SAE "
                        + width + " latents");
            }
            for (int l = 0; l < width; l++) {
                out[l] = how == Aggregation.MAX ? Math.max(out[l], row[l]) : out[l] + row[l];
            }
        }
        if (how == Aggregation.MEAN) {
            for (int l = 0; l < width; l++) {
                out[l] /= acts.length;
            }
        }
        return out;
    }

    private static Pick pick(int l, double act, Latent latent, Set<Concept> own, Set<Concept> other) {
        return new Pick(l, act, intersect(latent.names(), own), intersect(latent.names(), other));
    }

    private static Set<Concept> intersect(Set<Concept> a, Set<Concept> b) {
        Set<Concept> out = new TreeSet<>();
        for (Concept c : a) {
            if (b.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static boolean has(Set<Concept> matched, Concept.Kind kind) {
        return matched.stream().anyMatch(c -> c.kind() == kind);
    }

    private static ImageResult judgePerLatent(long id, List<Pick> picks, int k) {
        int any = 0, obj = 0, attr = 0, sAny = 0, sObj = 0, sAttr = 0;
        for (Pick p : picks) {
            any += p.matched().isEmpty() ? 0 : 1;
            obj += has(p.matched(), Concept.Kind.OBJECT) ? 1 : 0;
            attr += has(p.matched(), Concept.Kind.ATTRIBUTE) ? 1 : 0;
            sAny += p.matchedShuffled().isEmpty() ? 0 : 1;
            sObj += has(p.matchedShuffled(), Concept.Kind.OBJECT) ? 1 : 0;
            sAttr += has(p.matchedShuffled(), Concept.Kind.ATTRIBUTE) ? 1 : 0;
        }
        return new ImageResult(id, List.copyOf(picks), any / (double) k, obj / (double) k, attr / (double) k,
                sAny / (double) k, sObj / (double) k, sAttr / (double) k);
    }

    private static ImageResult judgePerImage(long id, List<Pick> picks) {
        boolean any = false, obj = false, attr = false, sAny = false, sObj = false, sAttr = false;
        for (Pick p : picks) {
            any |= !p.matched().isEmpty();
            obj |= has(p.matched(), Concept.Kind.OBJECT);
            attr |= has(p.matched(), Concept.Kind.ATTRIBUTE);
            sAny |= !p.matchedShuffled().isEmpty();
            sObj |= has(p.matchedShuffled(), Concept.Kind.OBJECT);
            sAttr |= has(p.matchedShuffled(), Concept.Kind.ATTRIBUTE);
        }
        return new ImageResult(id, List.copyOf(picks), b(any), b(obj), b(attr), b(sAny), b(sObj), b(sAttr));
    }

    private static double b(boolean x) {
        return x ? 1 : 0;
    }

    private static int count(boolean[] xs) {
        int c = 0;
        for (boolean x : xs) {
            c += x ? 1 : 0;
        }
        return c;
    }

    private static Result mean(List<ImageResult> rs, int generic) {
        double n = rs.size();
        if (rs.isEmpty()) {
            return new Result(List.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    generic);
        }
        return new Result(List.copyOf(rs), rs.stream().mapToDouble(ImageResult::rate).sum() / n,
                rs.stream().mapToDouble(ImageResult::rateObject).sum() / n,
                rs.stream().mapToDouble(ImageResult::rateAttribute).sum() / n,
                rs.stream().mapToDouble(ImageResult::shuffled).sum() / n,
                rs.stream().mapToDouble(ImageResult::shuffledObject).sum() / n,
                rs.stream().mapToDouble(ImageResult::shuffledAttribute).sum() / n, generic);
    }
}
