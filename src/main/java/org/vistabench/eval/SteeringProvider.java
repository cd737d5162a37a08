package org.vistabench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.ObjectMask;
import org.vistabench.cell.Resources;
import org.vistabench.cell.TrainedCell;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoQuestion;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.model.lm.ResidualHook;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.ImageEdit;
import org.vistabench.model.vlm.Vlm;
import org.vistabench.results.RecordFiles;
import org.vistabench.score.Binomial;
import org.vistabench.score.Concept;
import org.vistabench.score.SteeringJudge;

/**
 * {@code steering}: localized edits of the image tokens through the text SAEs, judged on the answers (the paper's
 * removal and replacement, and attribute steering), each beside the referee's controls.
 *
 * <p><b>Tasks</b> on the held-out images (the first {@code eval_images}), pairs drawn deterministically from the
 * cell's seed: <i>removal</i> of an object the unsteered answer to the object question names (up to
 * {@code removal} pairs, default 40); <i>replacement</i> of such an object by a category absent from the image
 * (default 40); <i>attribute</i>: the object's state flipped to the other state of its kind ({@code sleeping ↔ awake}),
 * judged on the dataset's yes/no state question about it, on pairs whose unsteered answer is right (default 20).
 *
 * <p><b>Where</b>: at the object's mask patches only (as {@code localization} defines masks), after each block of
 * {@code layers} (default: the first two SAE layers), on the prefill (generation then reads the edited cache).
 * <b>Which latents</b>, per layer: for the concept removed, the labelled latents naming it (lexicon judge), ranked by
 * their mean activation on the object's patches, the top {@code k_latents} (default 3); for the concept added, the
 * labelled latents naming it ranked by their typical activation (mean of their non-zero activations over every image
 * position of the held-out images), the top {@code k_latents}, set to that typical activation. Recorded per sample.
 *
 * <p><b>Interventions</b>: {@code sae_edit} (ours: encode, zero the object's latents, set the target's, decode and add
 * back the SAE error term), {@code additive} (the authors': ∓ {@code coefficient} (default 10) × the unit decoder rows,
 * no encode/decode); controls, by default beside them: {@code random_latents} (unit decoder rows of as many random
 * latents, at the real edit's per-position norm), {@code diff_means} (the difference of mean residuals of patches with
 * and without the concept, at the real edit's norm), {@code mean_ablation} (the patches' residuals replaced by the mean
 * image-patch residual) and {@code random_patches} (the real edit at as many random patches outside the mask).
 *
 * <p><b>Metrics</b>: {@code steering.<task>.<intervention>} success rates with {@code _lo} / {@code _hi} (Wilson 95%)
 * and {@code steering.<task>.n}; {@code steering.<task>_success} = the {@code sae_edit} rate (the claims' metric);
 * {@code steering.well_formed.<intervention>}: the share of steered answers that ended with a stop token within
 * {@code max_new_tokens}. Greedy, KV-cached. Writes {@code steering.jsonl}, one record per sample and intervention.
 *
 * <p><b>Judge</b>: the objects an unsteered or steered answer names are read by the spec's {@link Judge} (lexicon by
 * default; with {@code judge: {kind: openai}} also {@code steering.judge_questions} / {@code .judge_malformed});
 * the latents naming a concept and the dataset's state questions are read by the lexicon judge in every case.
 */
public final class SteeringProvider implements MetricProvider {
    static final String NAME = "steering";
    static final List<String> TASKS = List.of("removal", "replacement", "attribute");
    static final List<String> INTERVENTIONS = List.of("sae_edit", "additive", "random_latents", "diff_means",
            "mean_ablation", "random_patches");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean mayBeUndefined(String metric) {
        return !metric.endsWith(".n"); // a task without pairs has no rate
    }

    /** One sample: a task on one object of one held-out image. */
    record Pair(String task, int row, long imageId, String object, String from, String to, String question,
                String before, Set<String> named, boolean[] mask) {
    }

    /** Per steering layer: the concept's latents removed, the target's latents set and their values. */
    record Latents(int[] remove, int[] set, float[] values) {
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        TrainedCell tc = Resources.trained(ctx, NAME, "it steers the cell's trained VLM");
        MatchInputs in = MatchInputs.of(ctx, NAME);
        SaeCodes codes = in.codes();
        LmBundle lm = Resources.lm(ctx);
        DataBundle data = Resources.data(ctx);
        CachedFeatures feats = Resources.features(ctx, "test");
        Map<String, Object> p = ctx.params();
        List<Integer> layers = layers(p, codes);
        double coefficient = Resources.doubleParam(p, "coefficient", 10.0);
        int k = Resources.intParam(p, "k_latents", 3);
        int maxNew = Resources.intParam(p, "max_new_tokens", 12);
        double minCover = Resources.doubleParam(p, "min_cover", 0.5);
        long seed = ctx.cell().seed();
        Vlm vlm = new Vlm(lm.backbone(), null);
        JniUtils.setGradMode(false);

        int n = codes.imageIds().size();
        int tokens = codes.layers().get(layers.get(0)).image().get(0).length;
        int skip = LocalizationProvider.cls(tokens);
        int side = (int) Math.round(Math.sqrt(tokens - skip));
        // the grid over the part of each served image the encoder's processor keeps (DINOv2: the central 224/256)
        ImageSplit.Visible visible = Resources.encoder(ctx).processor()::visibleRegion;
        VisualPrompt objectPrompt = tc.prompt();
        List<Set<String>> named = new ArrayList<>();
        List<String> before = new ArrayList<>();
        List<Map<String, boolean[]>> masks = new ArrayList<>();
        List<Answers.Job> unsteered = new ArrayList<>(n);
        for (int row = 0; row < n; row++) {
            unsteered.add(new Answers.Job(objectPrompt, row));
        }
        List<String> answers = Answers.texts(lm, tc, feats, unsteered, maxNew);
        for (int row = 0; row < n; row++) {
            long id = codes.imageIds().get(row);
            String a = answers.get(row);
            before.add(a);
            named.add(in.judge().objectsNamed(a));
            Map<String, boolean[]> m = new TreeMap<>();
            for (ObjectMask om : in.split().objectMasks(id, side, side, minCover, visible)) {
                if (om.size() >= 1 && om.size() < om.patches().length) {
                    m.put(om.category(), om.patches());
                }
            }
            masks.add(m);
        }
        Stats stats = Stats.of(vlm, tc, objectPrompt, feats, n, layers, masks, in, data, skip);
        List<Pair> pairs = new ArrayList<>();
        pairs.addAll(objectPairs("removal", Resources.intParam(p, "removal", 40), seed, codes, named, before, masks,
                in));
        pairs.addAll(objectPairs("replacement", Resources.intParam(p, "replacement", 40), seed, codes, named, before,
                masks, in));
        pairs.addAll(attributePairs(Resources.intParam(p, "attribute", 20), seed, lm, tc, feats, masks, in, data,
                maxNew));

        Map<String, int[]> tally = new LinkedHashMap<>();
        int[] formed = new int[INTERVENTIONS.size()];
        int[] asked = new int[INTERVENTIONS.size()];
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        Map<String, VisualPrompt> prompts = new TreeMap<>();
        // per layer, once: the judge's view of every latent and each latent's typical activation
        Map<Integer, LayerView> views = new TreeMap<>();
        for (int layer : layers) {
            SaeCodes.Layer l = codes.layers().get(layer);
            views.put(layer, new LayerView(l, in.latents(l, in.lexicon()), typical(l)));
        }
        // every (pair, intervention) edit first, in order (the random controls draw from each pair's generator),
        // then all answers in batches, then the verdicts in the same order
        List<Answers.Job> jobs = new ArrayList<>(pairs.size() * INTERVENTIONS.size());
        List<SortedMap<Integer, Latents>> chosen = new ArrayList<>(pairs.size());
        List<Set<Integer>> wheres = new ArrayList<>(jobs.size());
        for (int pi = 0; pi < pairs.size(); pi++) {
            Pair pair = pairs.get(pi);
            VisualPrompt prompt = pair.question() == null ? objectPrompt
                    : prompts.computeIfAbsent(pair.question(), q -> Resources.prompt(lm, q, feats.tokens()));
            SortedMap<Integer, Latents> lat = new TreeMap<>();
            for (int layer : layers) {
                lat.put(layer, latents(pair, views.get(layer), k, skip));
            }
            chosen.add(lat);
            Random r = new Random(seed * 1_000_003L + pi);
            Set<Integer> patches = positions(pair.mask(), skip);
            Set<Integer> randomPatches = randomPatches(pair.mask(), skip, r);
            for (String iv : INTERVENTIONS) {
                BiFunction<Integer, NDArray, NDArray> edit = edit(iv, pair, lat, lm, stats, coefficient, r);
                Set<Integer> where = iv.equals("random_patches") ? randomPatches : patches;
                wheres.add(where);
                jobs.add(new Answers.Job(prompt, pair.row(), ImageEdit.at(Set.copyOf(layers), prompt.imageStart(),
                        prompt.promptLength(), where, edit)));
            }
        }
        List<long[]> answered = Answers.ids(lm, tc, feats, jobs, maxNew);
        for (int pi = 0; pi < pairs.size(); pi++) {
            Pair pair = pairs.get(pi);
            SortedMap<Integer, Latents> lat = chosen.get(pi);
            for (int ii = 0; ii < INTERVENTIONS.size(); ii++) {
                String iv = INTERVENTIONS.get(ii);
                int job = pi * INTERVENTIONS.size() + ii;
                Set<Integer> where = wheres.get(job);
                long[] ids = answered.get(job);
                boolean ended = ids.length > 0 && Arrays.stream(lm.stopIds()).anyMatch(s -> s == ids[ids.length - 1]);
                asked[ii]++;
                formed[ii] += ended ? 1 : 0;
                String after = lm.decode().apply(ids).strip();
                SteeringJudge.Verdict v = judge(pair, after, in.judge());
                int[] t = tally.computeIfAbsent(pair.task() + "." + iv, x -> new int[2]);
                t[0] += v.success() ? 1 : 0;
                t[1]++;
                record(records, pair, iv, where, side, skip, lat, after, v);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String task : TASKS) {
            long count = pairs.stream().filter(x -> x.task().equals(task)).count();
            out.put(NAME + "." + task + ".n", (double) count);
            for (String iv : INTERVENTIONS) {
                int[] t = tally.getOrDefault(task + "." + iv, new int[2]);
                double[] ci = Binomial.wilson(t[0], t[1], Binomial.Z95);
                out.put(NAME + "." + task + "." + iv, t[1] == 0 ? Double.NaN : t[0] / (double) t[1]);
                out.put(NAME + "." + task + "." + iv + "_lo", ci[0]);
                out.put(NAME + "." + task + "." + iv + "_hi", ci[1]);
            }
            out.put(NAME + "." + task + "_success", out.get(NAME + "." + task + ".sae_edit"));
        }
        for (int ii = 0; ii < INTERVENTIONS.size(); ii++) {
            out.put(NAME + ".well_formed." + INTERVENTIONS.get(ii), asked[ii] == 0 ? Double.NaN
                    : formed[ii] / (double) asked[ii]);
        }
        out.putAll(in.judge().metrics(NAME));
        AtomicFiles.write(ctx.cellDir().resolve(RecordFiles.STEERING), records.toByteArray());
        RunImages.write(ctx, in.split(), pairs.stream().map(x -> x.imageId()).collect(
                java.util.stream.Collectors.toCollection(TreeSet::new)));
        return out;
    }

    private static List<Integer> layers(Map<String, Object> p, SaeCodes codes) {
        List<Integer> have = new ArrayList<>(codes.layers().keySet());
        Object v = p.get("layers");
        if (v == null) {
            return have.subList(0, Math.min(2, have.size()));
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : v instanceof List<?> l ? l : List.of(v)) {
            int layer = o instanceof Number num ? num.intValue() : Integer.parseInt(o.toString());
            if (!have.contains(layer)) {
                throw new VistaException(ExitCodes.USAGE, "metrics.steering.layers: layer " + layer + " has no SAE"
                        + " (SAE layers: " + have + ")");
            }
            out.add(layer);
        }
        return out;
    }

    /** Removal or replacement pairs: objects the unsteered answer names, present with a mask; shuffled by seed. */
    private static List<Pair> objectPairs(String task, int want, long seed, SaeCodes codes, List<Set<String>> named,
                                          List<String> before, List<Map<String, boolean[]>> masks, MatchInputs in) {
        List<String> categories = new ArrayList<>(new TreeSet<>(allObjects(codes, in)));
        List<Pair> cands = new ArrayList<>();
        for (int row = 0; row < named.size(); row++) {
            long id = codes.imageIds().get(row);
            Set<String> present = objects(in.split().concepts(id));
            for (String o : new TreeSet<>(named.get(row))) {
                if (present.contains(o) && masks.get(row).containsKey(o)) {
                    cands.add(new Pair(task, row, id, o, o, null, null, before.get(row), named.get(row),
                            masks.get(row).get(o)));
                }
            }
        }
        Random r = new Random(seed * 31 + task.hashCode());
        Collections.shuffle(cands, r);
        List<Pair> out = new ArrayList<>();
        for (Pair c : cands.subList(0, Math.min(want, cands.size()))) {
            if (task.equals("replacement")) {
                Set<String> present = objects(in.split().concepts(c.imageId()));
                List<String> absent = categories.stream().filter(x -> !present.contains(x)).toList();
                if (absent.isEmpty()) {
                    continue;
                }
                String target = absent.get(r.nextInt(absent.size()));
                out.add(new Pair(task, c.row(), c.imageId(), c.object(), c.object(), target, null, c.before(),
                        c.named(), c.mask()));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /** Attribute pairs: a state question about an object with a mask, answered right before steering. */
    private static List<Pair> attributePairs(int want, long seed, LmBundle lm, TrainedCell tc,
                                             CachedFeatures feats, List<Map<String, boolean[]>> masks,
                                             MatchInputs in, DataBundle data, int maxNew) {
        List<Pair> cands = new ArrayList<>();
        for (int row = 0; row < masks.size(); row++) {
            long id = in.codes().imageIds().get(row);
            for (CocoQuestion q : in.split().questions(id)) {
                StateQuestion sq = StateQuestion.of(q, in, data);
                if (sq == null || !masks.get(row).containsKey(sq.object())) {
                    continue;
                }
                String current = sq.yes() ? sq.state() : data.alternatives(sq.state()).get(0);
                cands.add(new Pair("attribute", row, id, sq.object(), current, data.alternatives(current).get(0),
                        q.question(), q.answer(), Set.of(), masks.get(row).get(sq.object())));
            }
        }
        Collections.shuffle(cands, new Random(seed * 31 + "attribute".hashCode()));
        // the first `want` candidates answered right; answered a batch of candidates at a time
        List<Pair> out = new ArrayList<>();
        Map<String, VisualPrompt> prompts = new HashMap<>();
        for (int from = 0; from < cands.size() && out.size() < want; from += Answers.BATCH) {
            List<Pair> chunk = cands.subList(from, Math.min(cands.size(), from + Answers.BATCH));
            List<Answers.Job> jobs = new ArrayList<>(chunk.size());
            for (Pair c : chunk) {
                jobs.add(new Answers.Job(prompts.computeIfAbsent(c.question(),
                        q -> Resources.prompt(lm, q, feats.tokens())), c.row()));
            }
            List<String> answers = Answers.texts(lm, tc, feats, jobs, maxNew);
            for (int i = 0; i < chunk.size() && out.size() < want; i++) {
                Pair c = chunk.get(i);
                String a = answers.get(i);
                if (QaProvider.normalise(a).equals(QaProvider.normalise(c.before()))) {
                    out.add(new Pair(c.task(), c.row(), c.imageId(), c.object(), c.from(), c.to(), c.question(), a,
                            c.named(), c.mask()));
                }
            }
        }
        return out;
    }

    /**
     * A yes/no state question about one object ("Is the dog sleeping?"): the object and the state word it names (one
     * the data knows alternatives of), and whether the reference answer is yes; null for any other question.
     */
    record StateQuestion(String object, String state, boolean yes) {
        static StateQuestion of(CocoQuestion q, MatchInputs in, DataBundle data) {
            if (!q.type().equals("state")) {
                return null;
            }
            String object = null;
            String state = null;
            for (Concept c : in.lexicon().named(q.question())) {
                if (c.kind() == Concept.Kind.OBJECT) {
                    object = c.word();
                } else if (c.kind() == Concept.Kind.ATTRIBUTE && !data.alternatives(c.word()).isEmpty()) {
                    state = c.word();
                }
            }
            return object == null || state == null ? null
                    : new StateQuestion(object, state, QaProvider.normalise(q.answer()).equals("yes"));
        }
    }

    private static Set<String> objects(Set<Concept> cs) {
        Set<String> out = new TreeSet<>();
        cs.stream().filter(c -> c.kind() == Concept.Kind.OBJECT).forEach(c -> out.add(c.word()));
        return out;
    }

    private static Set<String> allObjects(SaeCodes codes, MatchInputs in) {
        Set<String> out = new TreeSet<>();
        codes.imageIds().forEach(id -> out.addAll(objects(in.split().concepts(id))));
        return out;
    }

    /** One SAE layer's codes with what latent choice needs of it, computed once per cell. */
    private record LayerView(SaeCodes.Layer codes, List<org.vistabench.score.MatchRate.Latent> judged,
                             double[] typical) {
    }

    /** The concept's latents (ranked on the object's patches) and the target's (at their typical activation). */
    private static Latents latents(Pair pair, LayerView v, int k, int skip) {
        SaeCodes.Layer l = v.codes();
        List<org.vistabench.score.MatchRate.Latent> judged = v.judged();
        float[][] acts = l.image().get(pair.row());
        double[] onPatches = new double[l.width()];
        int count = 0;
        for (int t = 0; t < pair.mask().length; t++) {
            if (pair.mask()[t]) {
                count++;
                for (int j = 0; j < l.width(); j++) {
                    onPatches[j] += acts[t + skip][j];
                }
            }
        }
        final int c = Math.max(1, count);
        int[] remove = top(judged, pair.from(), k, j -> onPatches[j] / c);
        if (pair.to() == null) {
            return new Latents(remove, new int[0], new float[0]);
        }
        double[] typical = v.typical();
        int[] set = top(judged, pair.to(), k, j -> typical[j]);
        float[] values = new float[set.length];
        for (int i = 0; i < set.length; i++) {
            values[i] = (float) typical[set[i]];
        }
        return new Latents(remove, set, values);
    }

    /** The labelled latents naming {@code word}, by {@code score} descending (ties: lower index), the first k. */
    private static int[] top(List<org.vistabench.score.MatchRate.Latent> judged, String word, int k,
                             java.util.function.IntToDoubleFunction score) {
        List<Integer> named = new ArrayList<>();
        for (int j = 0; j < judged.size(); j++) {
            if (judged.get(j).names().stream().anyMatch(x -> x.word().equals(word))) {
                named.add(j);
            }
        }
        named.sort((a, b) -> {
            int cmp = Double.compare(score.applyAsDouble(b), score.applyAsDouble(a));
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        return named.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Mean of each latent's non-zero activations over every image position of the held-out images. */
    private static double[] typical(SaeCodes.Layer l) {
        double[] sum = new double[l.width()];
        int[] n = new int[l.width()];
        for (float[][] im : l.image()) {
            for (float[] row : im) {
                for (int j = 0; j < row.length; j++) {
                    if (row[j] > 0) {
                        sum[j] += row[j];
                        n[j]++;
                    }
                }
            }
        }
        for (int j = 0; j < sum.length; j++) {
            sum[j] = n[j] == 0 ? 0 : sum[j] / n[j];
        }
        return sum;
    }

    private static Set<Integer> positions(boolean[] mask, int skip) {
        Set<Integer> out = new TreeSet<>();
        for (int t = 0; t < mask.length; t++) {
            if (mask[t]) {
                out.add(t + skip);
            }
        }
        return out;
    }

    /** As many patches as the mask has, drawn outside it (all of them when fewer remain). */
    private static Set<Integer> randomPatches(boolean[] mask, int skip, Random r) {
        List<Integer> outside = new ArrayList<>();
        int size = 0;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t]) {
                size++;
            } else {
                outside.add(t + skip);
            }
        }
        Collections.shuffle(outside, r);
        return new TreeSet<>(outside.subList(0, Math.min(size, outside.size())));
    }

    private static BiFunction<Integer, NDArray, NDArray> edit(String iv, Pair pair, SortedMap<Integer, Latents> lat,
                                                              LmBundle lm, Stats stats, double coefficient, Random r) {
        Map<Integer, float[]> direction = new TreeMap<>();
        for (Map.Entry<Integer, Latents> e : lat.entrySet()) {
            Sae sae = lm.saes().get(e.getKey());
            Latents l = e.getValue();
            switch (iv) {
                case "additive" -> direction.put(e.getKey(), SteeringEdits.additiveDirection(sae, l.remove(), l.set(),
                        coefficient));
                case "random_latents" -> {
                    int[] random = new int[l.remove().length + l.set().length];
                    for (int i = 0; i < random.length; i++) {
                        random[i] = r.nextInt(sae.dSae());
                    }
                    direction.put(e.getKey(), SteeringEdits.additiveDirection(sae, new int[0], random, 1.0));
                }
                case "diff_means" -> direction.put(e.getKey(), stats.direction(e.getKey(), pair));
                default -> {
                }
            }
        }
        return (layer, x) -> {
            Sae sae = lm.saes().get(layer);
            Latents l = lat.get(layer);
            return switch (iv) {
                case "sae_edit", "random_patches" -> SteeringEdits.saeEdit(sae, x, l.remove(), l.set(), l.values());
                case "additive" -> SteeringEdits.add(x, direction.get(layer));
                case "random_latents", "diff_means" -> SteeringEdits.matchedNorm(x,
                        SteeringEdits.saeDelta(sae, x, l.remove(), l.set(), l.values()), direction.get(layer));
                case "mean_ablation" -> SteeringEdits.meanAblation(x, stats.mean(layer));
                default -> throw new IllegalStateException("unknown intervention " + iv);
            };
        };
    }

    private static SteeringJudge.Verdict judge(Pair pair, String after, Judge judge) {
        return switch (pair.task()) {
            case "removal" -> SteeringJudge.removal(pair.named(), judge.objectsNamed(after), pair.object());
            case "replacement" -> SteeringJudge.replacement(judge.objectsNamed(after), pair.object(), pair.to());
            default -> SteeringJudge.attribute(pair.before(), after);
        };
    }

    private static void record(ByteArrayOutputStream to, Pair pair, String iv, Set<Integer> where, int side,
                               int skip, SortedMap<Integer, Latents> lat, String after, SteeringJudge.Verdict v)
            throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image_id", pair.imageId());
        o.put("task", pair.task());
        o.put("object", pair.object());
        o.put("from", pair.from());
        o.put("to", pair.to());
        o.put("question", pair.question());
        o.put("intervention", iv);
        o.putPOJO("patches", where);
        // image-token positions; the patch grid is side × side after `cls` leading tokens (patch = position − cls)
        o.put("grid", side);
        o.put("cls", skip);
        ObjectNode l = o.putObject("latents");
        lat.forEach((layer, x) -> {
            ObjectNode e = l.putObject(Integer.toString(layer));
            e.putPOJO("remove", x.remove());
            e.putPOJO("set", x.set());
            e.putPOJO("values", x.values());
        });
        o.put("unsteered", pair.before());
        o.put("steered", after);
        o.put("success", v.success());
        o.put("why", v.why());
        to.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o));
        to.write('\n');
    }

    /**
     * Mean residuals at the steering layers over the held-out images' patches: all patches (mean-ablation), and per
     * object category and per state word the patches inside and outside its masks (difference-of-means directions).
     */
    record Stats(Map<Integer, float[]> all, Map<Integer, Map<String, double[]>> in,
                 Map<Integer, Map<String, double[]>> out, Map<String, int[]> counts) {
        static Stats of(Vlm vlm, TrainedCell tc, VisualPrompt prompt, CachedFeatures feats, int n,
                        List<Integer> layers, List<Map<String, boolean[]>> masks, MatchInputs mi, DataBundle data,
                        int skip) {
            Map<Integer, double[]> sum = new TreeMap<>();
            Map<Integer, Map<String, double[]>> in = new TreeMap<>();
            Map<Integer, Map<String, double[]>> out = new TreeMap<>();
            Map<String, int[]> counts = new TreeMap<>();
            int total = 0;
            int d = vlm.lm().hiddenSize();
            int tokens = prompt.imageTokens();
            Map<Integer, float[]> batch = Map.of();
            for (int row = 0; row < n; row++) {
                Map<String, boolean[]> byConcept = new TreeMap<>(masks.get(row));
                stateMasks(mi, data, row, masks.get(row), byConcept);
                int at = row % Answers.BATCH;
                if (at == 0) {
                    batch = residuals(vlm, tc, prompt, feats, row, Math.min(n, row + Answers.BATCH), layers);
                }
                int base = at * tokens * d;
                for (int layer : layers) {
                    float[] r = batch.get(layer);
                    double[] s = sum.computeIfAbsent(layer, x -> new double[d]);
                    for (int t = skip; t < tokens; t++) {
                        int o = base + t * d;
                        for (int j = 0; j < d; j++) {
                            s[j] += r[o + j];
                        }
                        for (Map.Entry<String, boolean[]> e : byConcept.entrySet()) {
                            boolean inside = e.getValue()[t - skip];
                            double[] acc = (inside ? in : out).computeIfAbsent(layer, x -> new TreeMap<>())
                                    .computeIfAbsent(e.getKey(), x -> new double[d]);
                            for (int j = 0; j < d; j++) {
                                acc[j] += r[o + j];
                            }
                            if (layer == layers.get(0)) {
                                counts.computeIfAbsent(e.getKey(), x -> new int[2])[inside ? 0 : 1]++;
                            }
                        }
                    }
                }
                total += prompt.imageTokens() - skip;
            }
            Map<Integer, float[]> all = new TreeMap<>();
            final int t = total;
            sum.forEach((layer, s) -> {
                float[] m = new float[s.length];
                for (int j = 0; j < s.length; j++) {
                    m[j] = (float) (s[j] / t);
                }
                all.put(layer, m);
            });
            return new Stats(all, in, out, counts);
        }

        /** Image-position residuals {@code [rows, N, D]} of feature rows {@code from .. to} at each layer, flat. */
        private static Map<Integer, float[]> residuals(Vlm vlm, TrainedCell tc, VisualPrompt prompt,
                                                       CachedFeatures feats, int from, int to, List<Integer> layers) {
            List<float[]> rows = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                rows.add(feats.row(r));
            }
            Map<Integer, float[]> out = new TreeMap<>();
            try (NDManager sm = tc.manager().newSubManager()) {
                Vlm.Pass pass = vlm.forward(sm, tc.projector(), prompt, rows, feats.dim(), Set.copyOf(layers));
                for (int layer : layers) {
                    out.put(layer, pass.imageResiduals(layer).toFloatArray());
                }
            }
            return out;
        }

        /** The object's mask also counts as its state's (so a state direction comes from states' patches). */
        private static void stateMasks(MatchInputs mi, DataBundle data, int row, Map<String, boolean[]> objectMasks,
                                       Map<String, boolean[]> byConcept) {
            long id = mi.codes().imageIds().get(row);
            for (CocoQuestion q : mi.split().questions(id)) {
                StateQuestion sq = StateQuestion.of(q, mi, data);
                if (sq != null && sq.yes() && objectMasks.containsKey(sq.object())) {
                    boolean[] om = objectMasks.get(sq.object());
                    boolean[] m = byConcept.computeIfAbsent("state:" + sq.state(), x -> new boolean[om.length]);
                    for (int i = 0; i < m.length; i++) {
                        m[i] |= om[i];
                    }
                }
            }
        }

        float[] mean(int layer) {
            return all.get(layer);
        }

        /** Removal: mean without − mean with the concept; replacement and attribute: mean(target) − mean(source). */
        float[] direction(int layer, Pair pair) {
            boolean state = pair.task().equals("attribute");
            String from = (state ? "state:" : "") + pair.from();
            double[] fromMean = mean(in, layer, from, 0);
            // removal moves away from the concept (towards patches without it); the others towards the target
            double[] towards = pair.to() == null ? mean(out, layer, from, 1)
                    : mean(in, layer, (state ? "state:" : "") + pair.to(), 0);
            float[] d = new float[fromMean.length];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) (towards[j] - fromMean[j]);
            }
            return d;
        }

        private double[] mean(Map<Integer, Map<String, double[]>> sums, int layer, String concept, int which) {
            double[] s = sums.getOrDefault(layer, Map.of()).get(concept);
            int[] c = counts.get(concept);
            int d = all.get(layer).length;
            if (s == null || c == null || c[which] == 0) {
                return new double[d];
            }
            double[] m = new double[d];
            for (int j = 0; j < d; j++) {
                m[j] = s[j] / c[which];
            }
            return m;
        }
    }
}
