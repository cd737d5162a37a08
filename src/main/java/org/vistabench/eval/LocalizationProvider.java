package org.vistabench.eval;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.TreeMap;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.ObjectMask;
import org.vistabench.cell.Resources;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.results.RecordFiles;
import org.vistabench.score.Auroc;
import org.vistabench.score.Concept;
import org.vistabench.score.MatchRate;
import org.vistabench.score.PointingGame;

/**
 * {@code localization}: where on the image do the latents that name an object fire? For each held-out image and SAE
 * layer, the match-rate picks (settings as {@code match_rate}'s, from this provider's params) that matched an object
 * category present in the image; for each such (latent, category) its activation map over the patch grid against the
 * category's mask. Matches are the spec's {@link Judge}'s (an LLM judge adds {@code localization.judge_questions} and
 * {@code .judge_malformed}).
 *
 * <p>Mask: the image laid uniformly over the encoder's {@code c × c} patch grid (c² image tokens; with c² + 1 the first
 * token is a CLS and is dropped); a patch is in a category's mask when that category's instances cover at least
 * {@code min_cover} (default 0.5) of its pixels; instances of one category are unioned; masks with fewer than
 * {@code min_patches} (default 2) patches or more than {@code max_fraction} (default 0.75) of the grid are skipped.
 * Pointing game: the top patch inside the mask, ties split (see {@link PointingGame}); chance = the mask's area
 * fraction; AUROC of activation vs mask membership.
 *
 * <p>Metrics per layer {@code l<L>} and pooled over layers ({@code mean}): {@code localization.pointing},
 * {@code .chance}, {@code .excess} (pointing − chance), {@code .auroc}, {@code .n} (scored pairs); and pooled per
 * category, {@code localization.excess.<category>}; the masks-moved control ({@link #moved}), pooled:
 * {@code localization.moved_pointing.mean}, {@code .moved_chance.mean}, {@code .moved_excess.mean} (which should be
 * near 0). NaN where nothing was scored. Writes {@code localization.jsonl}
 * (one record per scored (image, layer, latent, category): hit, chance, AUROC, the mask and the activation map, both
 * row-major over the {@code grid × grid} patches), {@code patches.jsonl} (for the first {@code patch_records}, default
 * 12, held-out images, per layer: the picks with labels, matched concepts and activation maps, and the object masks)
 * and the images these records name into the results folder's {@code images/} ({@link RunImages}).
 */
public final class LocalizationProvider implements MetricProvider {
    static final String NAME = "localization";
    /** How many held-out images get {@link RecordFiles#PATCHES} records (param {@code patch_records}). */
    static final int PATCH_IMAGES = 12;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean mayBeUndefined(String metric) {
        return !metric.startsWith(NAME + ".n.");
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        MatchSettings ms = MatchSettings.from(ctx.params());
        double minCover = Resources.doubleParam(ctx.params(), "min_cover", 0.5);
        int minPatches = Resources.intParam(ctx.params(), "min_patches", 2);
        double maxFraction = Resources.doubleParam(ctx.params(), "max_fraction", 0.75);
        MatchInputs in = MatchInputs.of(ctx, NAME);
        Map<String, Double> out = new LinkedHashMap<>();
        Acc pooled = new Acc();
        SortedMap<String, Acc> perCategory = new TreeMap<>();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        // the masks depend on the image only: rasterized once, shared by every layer
        List<Map<String, boolean[]>> masksOf = new ArrayList<>();
        int tokens = in.codes().imageIds().isEmpty() ? 0
                : in.codes().layers().values().iterator().next().image().get(0).length;
        int skip = tokens == 0 ? 0 : cls(tokens);
        int side = (int) Math.round(Math.sqrt(tokens - skip));
        // the grid over the part of each served image the encoder's processor keeps (DINOv2: the central 224/256)
        ImageSplit.Visible visible = Resources.encoder(ctx).processor()::visibleRegion;
        for (long id : in.codes().imageIds()) {
            Map<String, boolean[]> masks = new TreeMap<>();
            for (ObjectMask m : in.split().objectMasks(id, side, side, minCover, visible)) {
                if (m.size() >= minPatches && m.size() <= maxFraction * m.patches().length) {
                    masks.put(m.category(), m.patches());
                }
            }
            masksOf.add(masks);
        }
        List<boolean[]> movedOf = moved(masksOf);
        Acc moved = new Acc();
        ByteArrayOutputStream patchRecords = new ByteArrayOutputStream();
        SortedSet<Long> recorded = new TreeSet<>();
        int shown = Math.min(in.codes().imageIds().size(), Resources.intParam(ctx.params(), "patch_records",
                PATCH_IMAGES));
        for (SaeCodes.Layer layer : in.codes().layers().values()) {
            MatchRate.Result r = ms.score(in.images(layer.image()), in.latents(layer));
            for (int i = 0; i < shown; i++) {
                patchRecord(patchRecords, r.images().get(i), layer.image().get(i), layer.layer(), masksOf.get(i), side,
                        skip, in);
            }
            Acc acc = new Acc();
            for (int i = 0; i < r.images().size(); i++) {
                MatchRate.ImageResult im = r.images().get(i);
                float[][] acts = layer.image().get(i);
                Map<String, boolean[]> masks = masksOf.get(i);
                for (MatchRate.Pick p : im.picks()) {
                    for (Concept c : p.matched()) {
                        boolean[] mask = c.kind() == Concept.Kind.OBJECT ? masks.get(c.word()) : null;
                        if (mask == null) {
                            continue;
                        }
                        double[] map = new double[mask.length];
                        for (int t = 0; t < map.length; t++) {
                            map[t] = acts[t + skip][p.latent()];
                        }
                        double hit = PointingGame.hit(map, mask);
                        double chance = PointingGame.chance(mask);
                        double auroc = Auroc.of(map, mask);
                        acc.add(hit, chance, auroc);
                        pooled.add(hit, chance, auroc);
                        perCategory.computeIfAbsent(c.word(), k -> new Acc()).add(hit, chance, auroc);
                        boolean[] elsewhere = movedOf.get(i);
                        if (elsewhere != null) {
                            moved.add(PointingGame.hit(map, elsewhere), PointingGame.chance(elsewhere), Double.NaN);
                        }
                        recorded.add(im.id());
                        record(records, im.id(), layer.layer(), c.word(), p, hit, chance, auroc, mask, side, map);
                    }
                }
            }
            acc.put(out, ".l" + layer.layer());
        }
        pooled.put(out, ".mean");
        out.put(NAME + ".moved_pointing.mean", moved.pointing());
        out.put(NAME + ".moved_chance.mean", moved.chance());
        out.put(NAME + ".moved_excess.mean", moved.excess());
        perCategory.forEach((cat, a) -> out.put(NAME + ".excess." + cat, a.excess()));
        out.putAll(in.judge().metrics(NAME));
        AtomicFiles.write(ctx.cellDir().resolve(RecordFiles.LOCALIZATION), records.toByteArray());
        AtomicFiles.write(ctx.cellDir().resolve(RecordFiles.PATCHES), patchRecords.toByteArray());
        recorded.addAll(in.codes().imageIds().subList(0, shown));
        RunImages.write(ctx, in.split(), recorded);
        return out;
    }

    /**
     * The control "masks moved to other objects": for image i, the first mask (by category name) of the next image,
     * cyclically, that has one; null when no other image has a mask. Scored against image i's activation maps it
     * keeps a real object's shape and size but not its place, so the pointing game must fall to its chance level.
     */
    static List<boolean[]> moved(List<Map<String, boolean[]>> masksOf) {
        List<boolean[]> out = new ArrayList<>(masksOf.size());
        for (int i = 0; i < masksOf.size(); i++) {
            boolean[] m = null;
            for (int k = 1; k < masksOf.size() && m == null; k++) {
                Map<String, boolean[]> other = masksOf.get((i + k) % masksOf.size());
                m = other.isEmpty() ? null : other.values().iterator().next();
            }
            out.add(m);
        }
        return out;
    }

    /**
     * One {@code patches.jsonl} line: an image at a layer, its match-rate picks (labels, matched concepts) each with
     * its activation map over the patch grid, and the image's object masks, for reports and the dashboard.
     */
    private static void patchRecord(ByteArrayOutputStream to, MatchRate.ImageResult im, float[][] acts, int layer,
                                    Map<String, boolean[]> masks, int side, int skip, MatchInputs in)
            throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image_id", im.id());
        o.put("layer", layer);
        o.put("grid", side);
        com.fasterxml.jackson.databind.node.ArrayNode lat = o.putArray("latents");
        for (MatchRate.Pick p : im.picks()) {
            ObjectNode e = lat.addObject();
            e.put("latent", p.latent());
            e.put("label", in.label(layer, p.latent()));
            e.put("activation", (float) p.activation());
            e.putPOJO("matched", MatchRateProvider.words(p.matched()));
            double[] map = new double[side * side];
            for (int t = 0; t < map.length; t++) {
                map[t] = acts[t + skip][p.latent()];
            }
            e.putPOJO("map", floats(map));
        }
        ObjectNode m = o.putObject("masks");
        masks.forEach((cat, bits) -> m.put(cat, bits(bits)));
        to.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o));
        to.write('\n');
    }

    static String bits(boolean[] mask) {
        StringBuilder m = new StringBuilder(mask.length);
        for (boolean b : mask) {
            m.append(b ? '1' : '0');
        }
        return m.toString();
    }

    /** Activations as JSON floats (float precision is what the SAE computed in). */
    static float[] floats(double[] map) {
        float[] f = new float[map.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) map[i];
        }
        return f;
    }

    /** 1 when the tokens are a square grid plus a leading CLS, 0 for a square grid. */
    static int cls(int tokens) {
        for (int skip = 0; skip <= 1; skip++) {
            int side = (int) Math.round(Math.sqrt(tokens - skip));
            if (side > 0 && side * side == tokens - skip) {
                return skip;
            }
        }
        throw new VistaException(ExitCodes.CELL_FAILED, "localization: " + tokens + " image tokens are not a square"
                + " patch grid (with or without a CLS token)");
    }

    private static void record(ByteArrayOutputStream to, long image, int layer, String category, MatchRate.Pick p,
                               double hit, double chance, double auroc, boolean[] mask, int side, double[] map)
            throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image_id", image);
        o.put("layer", layer);
        o.put("category", category);
        o.put("latent", p.latent());
        o.put("hit", hit);
        o.put("chance", chance);
        o.put("auroc", auroc);
        o.put("mask", bits(mask));
        o.put("grid", side);
        o.putPOJO("map", floats(map));
        to.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o));
        to.write('\n');
    }

    /** Sums of hit, chance and AUROC (AUROC only where defined). */
    private static final class Acc {
        double hit;
        double chance;
        double auroc;
        int n;
        int nAuroc;

        void add(double h, double c, double a) {
            hit += h;
            chance += c;
            n++;
            if (!Double.isNaN(a)) {
                auroc += a;
                nAuroc++;
            }
        }

        double pointing() {
            return n == 0 ? Double.NaN : hit / n;
        }

        double chance() {
            return n == 0 ? Double.NaN : chance / n;
        }

        double excess() {
            return n == 0 ? Double.NaN : (hit - chance) / n;
        }

        void put(Map<String, Double> out, String suffix) {
            out.put(NAME + ".pointing" + suffix, pointing());
            out.put(NAME + ".chance" + suffix, chance());
            out.put(NAME + ".excess" + suffix, excess());
            out.put(NAME + ".auroc" + suffix, nAuroc == 0 ? Double.NaN : auroc / nAuroc);
            out.put(NAME + ".n" + suffix, (double) n);
        }
    }
}
