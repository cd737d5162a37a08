package org.vistabench.eval;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.TrainedCell;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.model.lm.ResidualHook;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.vlm.Vlm;

/**
 * The cell's greedy answers for many (prompt, image, edit) jobs, decoded in batches: jobs with the same prompt object
 * are grouped in first-seen order and run {@link #BATCH} at a time through {@link Vlm#generate(
 * ai.djl.ndarray.NDManager, org.vistabench.model.projector.Projector, VisualPrompt, List, int, int, long[], List)}.
 * A batch costs about one answer's decoding steps, which is where a batch of one spends its time at the mini shapes.
 * The grouping depends only on the jobs' order, so the answers are deterministic; each is what the job run alone
 * gives, but for the rounding of batched kernels.
 */
final class Answers {
    /** Rows per decoding batch. */
    static final int BATCH = 32;

    /** One answer to make: {@code prompt} for feature row {@code row}, with {@code edit} on the prefill (or null). */
    record Job(VisualPrompt prompt, int row, ResidualHook edit) {
        Job(VisualPrompt prompt, int row) {
            this(prompt, row, null);
        }
    }

    private Answers() {
    }

    /** The new token ids of each job, in the order of {@code jobs}. */
    static List<long[]> ids(LmBundle lm, TrainedCell tc, CachedFeatures feats, List<Job> jobs, int maxNew) {
        Map<VisualPrompt, List<Integer>> groups = new IdentityHashMap<>();
        List<VisualPrompt> order = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            VisualPrompt p = jobs.get(i).prompt();
            if (!groups.containsKey(p)) {
                order.add(p);
            }
            groups.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
        }
        Vlm vlm = new Vlm(lm.backbone(), null);
        long[][] out = new long[jobs.size()][];
        for (VisualPrompt p : order) {
            List<Integer> idx = groups.get(p);
            for (int from = 0; from < idx.size(); from += BATCH) {
                List<Integer> chunk = idx.subList(from, Math.min(idx.size(), from + BATCH));
                List<float[]> rows = new ArrayList<>(chunk.size());
                List<ResidualHook> edits = new ArrayList<>(chunk.size());
                for (int i : chunk) {
                    rows.add(feats.row(jobs.get(i).row()));
                    edits.add(jobs.get(i).edit());
                }
                long[][] got = vlm.generate(tc.manager(), tc.projector(), p, rows, feats.dim(), maxNew, lm.stopIds(),
                        edits);
                for (int c = 0; c < chunk.size(); c++) {
                    out[chunk.get(c)] = got[c];
                }
            }
        }
        return List.of(out);
    }

    /** Each job's answer as text (decoded, stripped), in the order of {@code jobs}. */
    static List<String> texts(LmBundle lm, TrainedCell tc, CachedFeatures feats, List<Job> jobs, int maxNew) {
        List<String> out = new ArrayList<>(jobs.size());
        for (long[] ids : ids(lm, tc, feats, jobs, maxNew)) {
            out.add(lm.decode().apply(ids).strip());
        }
        return out;
    }
}
