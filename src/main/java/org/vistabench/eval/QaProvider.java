package org.vistabench.eval;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.cell.TrainedCell;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoQuestion;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.model.projector.VisualPrompt;

/**
 * {@code qa}: the benchmark side of the performance–interpretability trade-off (the paper's Figs 22-23): greedy
 * answers (KV-cached, up to {@code max_new_tokens}, default 8) to every held-out question of the test split's first
 * {@code images} images (default: {@code eval_images}, at most 32), with the cell's trained projector. An answer is
 * right when, lower-cased with punctuation dropped, it equals the reference answer.
 *
 * <p>Metrics: {@code qa.accuracy.<type>} and {@code qa.n.<type>} per question type (object, colour, count, presence,
 * state, background in the mini world) and {@code qa.accuracy} (the mean over types, so that frequent types do not
 * dominate). The caption-loss side is {@code train.ce_final}. Writes {@code qa.json}.
 */
public final class QaProvider implements MetricProvider {
    static final String NAME = "qa";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        TrainedCell tc = Resources.trained(ctx, NAME, "it answers with the cell's trained projector");
        LmBundle lm = Resources.lm(ctx);
        ImageSplit split = Resources.data(ctx).split("test");
        CachedFeatures feats = Resources.features(ctx, "test");
        int evalN = Resources.evalLimit(ctx.spec());
        int n = Math.min(Resources.intParam(ctx.params(), "images", Math.min(evalN, 32)), split.imageIds().size());
        int maxNew = Resources.intParam(ctx.params(), "max_new_tokens", 8);
        Map<String, VisualPrompt> prompts = new HashMap<>();
        TreeMap<String, int[]> byType = new TreeMap<>();
        ArrayNode records = Json.MAPPER.createArrayNode();
        JniUtils.setGradMode(false);
        List<Answers.Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = split.imageIds().get(i);
            if (feats.imageId(i) != id) {
                throw new IllegalStateException("feature row " + i + " is image " + feats.imageId(i) + ", expected "
                        + id);
            }
            for (CocoQuestion q : split.questions(id)) {
                jobs.add(new Answers.Job(prompts.computeIfAbsent(q.question(),
                        k -> Resources.prompt(lm, k, feats.tokens())), i));
            }
        }
        Iterator<String> answers = Answers.texts(lm, tc, feats, jobs, maxNew).iterator();
        for (int i = 0; i < n; i++) {
            long id = split.imageIds().get(i);
            for (CocoQuestion q : split.questions(id)) {
                String answer = answers.next();
                boolean right = normalise(answer).equals(normalise(q.answer()));
                int[] c = byType.computeIfAbsent(q.type(), k -> new int[2]);
                c[0] += right ? 1 : 0;
                c[1]++;
                ObjectNode o = records.addObject();
                o.put("image_id", id);
                o.put("type", q.type());
                o.put("question", q.question());
                o.put("answer", answer);
                o.put("reference", q.answer());
                o.put("right", right);
            }
        }
        if (byType.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, ctx.cell().id() + ": qa found no held-out questions in the"
                    + " first " + n + " test images");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, int[]> e : byType.entrySet()) {
            double acc = e.getValue()[0] / (double) e.getValue()[1];
            out.put(NAME + ".accuracy." + e.getKey(), acc);
            out.put(NAME + ".n." + e.getKey(), (double) e.getValue()[1]);
            sum += acc;
        }
        out.put(NAME + ".accuracy", sum / byType.size());
        AtomicFiles.write(ctx.cellDir().resolve("qa.json"), Json.MAPPER.writeValueAsBytes(records));
        return out;
    }

    /** Lower case, punctuation dropped, single spaces: "The snow ." and "the snow" are the same answer. */
    static String normalise(String s) {
        return String.join(" ", s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).strip();
    }
}
