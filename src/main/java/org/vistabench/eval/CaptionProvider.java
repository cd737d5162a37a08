package org.vistabench.eval;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.cell.TrainedCell;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.vlm.Vlm;

/**
 * {@code caption}: greedy answers (KV-cached, up to {@code max_new_tokens}, default 32) to the prompt
 * ({@code What is shown in this image?}) for the test split's first {@code eval_images} images, with the cell's
 * trained projector. Scored by the object names they contain (the world lexicon's synonyms count):
 * {@code caption.recall} = named ∩ present / present, {@code caption.precision} = named ∩ present / named (micro
 * averages over images), and the same against a fixed derangement of the images (image i's answer scored against
 * image i+1's objects, cyclically): {@code caption.recall_shuffled}, {@code caption.precision_shuffled}, the chance
 * level. Precision is undefined (NaN) when no answer names any object. Writes {@code captions.json}.
 */
public final class CaptionProvider implements MetricProvider {
    @Override
    public String name() {
        return "caption";
    }

    @Override
    public boolean mayBeUndefined(String metric) {
        return metric.startsWith("caption.precision");
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        TrainedCell tc = Resources.trained(ctx, "caption", "it captions with the cell's trained projector");
        LmBundle lm = Resources.lm(ctx);
        DataBundle data = Resources.data(ctx);
        CachedFeatures feats = Resources.features(ctx, "test");
        ImageSplit split = data.split("test");
        String question = Resources.param(ctx.params(), "prompt", tc.question());
        VisualPrompt prompt = question.equals(tc.question()) ? tc.prompt()
                : Resources.prompt(lm, question, feats.tokens());
        int maxNew = Resources.intParam(ctx.params(), "max_new_tokens", 32);
        int evalN = Resources.evalLimit(ctx.spec());
        int n = Math.min(evalN, split.imageIds().size());
        if (n < 2) {
            throw new VistaException(ExitCodes.CELL_FAILED, ctx.cell().id() + ": caption needs at least 2 test images,"
                    + " have " + n);
        }
        List<String> answers = new ArrayList<>();
        List<Set<String>> named = new ArrayList<>();
        List<Set<String>> truth = new ArrayList<>();
        JniUtils.setGradMode(false);
        List<Answers.Job> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            jobs.add(new Answers.Job(prompt, i));
        }
        List<String> texts = Answers.texts(lm, tc, feats, jobs, maxNew);
        for (int i = 0; i < n; i++) {
            long id = split.imageIds().get(i);
            String text = texts.get(i);
            answers.add(text);
            named.add(objectsNamed(data, text));
            truth.add(new TreeSet<>(split.objects(id)));
        }
        double[] s = score(named, truth, 0);
        double[] sh = score(named, truth, 1);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("caption.recall", s[0]);
        out.put("caption.precision", s[1]);
        out.put("caption.recall_shuffled", sh[0]);
        out.put("caption.precision_shuffled", sh[1]);
        writeSamples(ctx, split, answers, named, truth, n);
        return out;
    }

    /** Micro recall and precision of names[i] against truth[(i + shift) mod n]. */
    static double[] score(List<Set<String>> named, List<Set<String>> truth, int shift) {
        int n = named.size();
        long tp = 0;
        long present = 0;
        long said = 0;
        for (int i = 0; i < n; i++) {
            Set<String> t = truth.get((i + shift) % n);
            Set<String> g = named.get(i);
            present += t.size();
            said += g.size();
            for (String w : g) {
                if (t.contains(w)) {
                    tp++;
                }
            }
        }
        return new double[] {present == 0 ? Double.NaN : tp / (double) present,
            said == 0 ? Double.NaN : tp / (double) said};
    }

    static Set<String> objectsNamed(DataBundle data, String text) {
        Set<String> out = new TreeSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                data.objectOf(w).ifPresent(out::add);
            }
        }
        return out;
    }

    private static void writeSamples(CellContext ctx, ImageSplit split, List<String> answers, List<Set<String>> named,
                                     List<Set<String>> truth, int n) throws Exception {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (int i = 0; i < n; i++) {
            ObjectNode o = arr.addObject();
            o.put("image_id", split.imageIds().get(i));
            o.put("answer", answers.get(i));
            o.putPOJO("named", named.get(i));
            o.putPOJO("present", truth.get(i));
        }
        AtomicFiles.write(ctx.cellDir().resolve("captions.json"), Json.MAPPER.writeValueAsBytes(arr));
    }
}
