package org.vistabench.eval;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.cell.TrainedCell;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.spec.Cell;
import org.vistabench.spec.LayerSet;
import org.vistabench.train.AllocationFailure;
import org.vistabench.train.Evaluator;
import org.vistabench.train.SaeConstraint;
import org.vistabench.spec.StageSpec;
import org.vistabench.train.LrSchedule;
import org.vistabench.train.PromptedExamples;
import org.vistabench.train.TextStats;
import org.vistabench.train.TrainStage;
import org.vistabench.train.TrainConfig;
import org.vistabench.train.TrainExample;
import org.vistabench.train.TrainResult;
import org.vistabench.train.Trainer;

/**
 * {@code train}: trains the cell's projector (CE + λ·SAE term at the cell's layer set; the {@code random-sae}
 * control swaps each constrained layer's SAE for a random one of the same shape and sparsity) and measures it on
 * the test split's first {@code eval_images} images.
 *
 * <p>Metrics: {@code train.ce_untrained}, {@code train.ce_final}, {@code train.ce_final_over_untrained},
 * {@code train.steps}, and for every layer L that has an SAE (constrained or not, with the real SAE):
 * {@code train.image_recon_mse.l<L>}, {@code train.image_recon_rel.l<L>} (MSE over the image residual's mean square),
 * {@code train.text_recon_mse.l<L>}, {@code train.image_l0.l<L>}; for the
 * random-sae control also {@code train.control_image_recon_mse.l<L>} (the random SAE's own error) at the
 * constrained layers. Writes {@code projector.safetensors}, {@code checkpoint.safetensors} and {@code trace.csv}
 * to the cell folder. With {@code train.stages} the projector trains stage after stage (each on its own data; see
 * {@link #stages}); the measurements are taken as without stages, with the spec's prompt.
 */
public final class TrainProvider implements MetricProvider {
    private static final Logger LOG = LoggerFactory.getLogger(TrainProvider.class);
    public static final String RANDOM_SAE = "random-sae";

    @Override
    public String name() {
        return "train";
    }

    /** Trains and measures; a failed allocation fails the cell with a line that says so ({@link AllocationFailure}). */
    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        if (ctx.spec().train() == null) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": metrics.train needs a train: section");
        }
        try {
            return train(ctx);
        } catch (OutOfMemoryError | RuntimeException e) {
            if (AllocationFailure.is(e)) {
                throw AllocationFailure.cellFailure(ctx.cell().id(), ctx.spec().train().batch(), e);
            }
            throw e;
        }
    }

    private Map<String, Double> train(CellContext ctx) {
        Cell cell = ctx.cell();
        TrainConfig cfg = TrainConfig.from(ctx.spec().train(), cell.seed());
        String question = Resources.param(ctx.params(), "prompt", Resources.DEFAULT_QUESTION);
        LmBundle lm = Resources.lm(ctx);
        DataBundle data = Resources.data(ctx);
        FeatureSource trainFeats = Resources.trainingFeatures(ctx, "train");
        CachedFeatures testFeats = Resources.features(ctx, "test");
        VisualPrompt prompt = Resources.prompt(lm, question, trainFeats.tokens());
        LmBackbone backbone = lm.backbone();
        List<TrainExample> train = Resources.examples(lm, data.split("train"), trainFeats, question,
                Integer.MAX_VALUE);
        int evalN = cfg.steps() > 0 && ctx.spec().train().evalImages() > 0 ? ctx.spec().train().evalImages()
                : Integer.MAX_VALUE;
        List<TrainExample> eval = Resources.examples(lm, data.split("test"), testFeats, question, evalN);

        SortedMap<Integer, Sae> saes = lm.saes() == null ? new TreeMap<>() : new TreeMap<>(lm.saes().asMap());
        LayerSet set = ctx.spec().layerSet(cell.saeLayers());
        List<Integer> layers = set == null ? List.of() : set.resolve(new ArrayList<>(saes.keySet()));
        TextStats stats = saes.isEmpty() ? null : Resources.textStats(ctx, lm, data, question, saes);
        boolean control = RANDOM_SAE.equals(cell.control());
        if (!Cell.NO_CONTROL.equals(cell.control()) && !control) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": control '" + cell.control()
                    + "' is not known to the train provider (known: none, " + RANDOM_SAE + ")");
        }
        NDManager cellManager = lm.manager().newSubManager();
        List<Sae> owned = new ArrayList<>();
        try {
            SortedMap<Integer, SaeConstraint> cons = new TreeMap<>();
            for (int l : layers) {
                Sae real = saes.get(l);
                if (real == null) {
                    throw new VistaException(ExitCodes.CELL_FAILED, cell.id() + ": layer set " + cell.saeLayers()
                            + " asks for layer " + l + " but the LM's SAEs cover " + saes.keySet());
                }
                Sae use = real;
                if (control) {
                    use = stats.randomControl(l, real, cell.seed() * 1_000_003L + l, cellManager);
                    owned.add(use);
                }
                cons.put(l, new SaeConstraint(l, use, stats.meanSqNorm().get(l)));
            }
            Trainer.Options opts = new Trainer.Options(ctx.cellDir(), ctx.resume(), ctx.progress(), cell.id(), null);
            Trainer trainer;
            if (ctx.spec().train().stages().isEmpty()) {
                trainer = new Trainer(cfg, backbone, prompt, trainFeats, train, cons, opts, cellManager.getDevice());
            } else {
                List<TrainStage> stages = stages(ctx, lm, data, trainFeats, question);
                cfg = cfg.withSteps(stages.stream().mapToInt(TrainStage::steps).sum());
                trainer = new Trainer(cfg, backbone, stages, cons, opts, cellManager.getDevice());
            }
            double ceUntrained;
            long tEval = System.nanoTime();
            try (Projector init = trainer.initialProjector(cellManager)) {
                ceUntrained = Evaluator.meanCe(trainer.objective(), init, prompt, testFeats, eval, cfg.batch());
            }
            long evalNanos = System.nanoTime() - tEval;
            TrainResult r;
            try {
                r = trainer.train(cellManager);
            } finally {
                trainer.phaseSeconds().forEach((k, v) -> ctx.partSeconds("train." + k, v));
            }
            Projector p = r.projector();
            p.save(ctx.cellDir().resolve("projector.safetensors"), Map.of("cell", cell.id(),
                    "steps", Integer.toString(r.stepsDone())));
            tEval = System.nanoTime();
            Evaluator.Report rep = Evaluator.evaluate(backbone, p, prompt, testFeats, eval, saes, cfg.batch());
            ctx.partSeconds("train.evaluation", (evalNanos + System.nanoTime() - tEval) / 1e9);
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("train.ce_untrained", ceUntrained);
            out.put("train.ce_final", rep.ce());
            out.put("train.ce_final_over_untrained", rep.ce() / ceUntrained);
            out.put("train.steps", (double) r.stepsDone());
            rep.imageReconMse().forEach((l, v) -> out.put("train.image_recon_mse.l" + l, v));
            rep.imageReconRel().forEach((l, v) -> out.put("train.image_recon_rel.l" + l, v));
            rep.textReconMse().forEach((l, v) -> out.put("train.text_recon_mse.l" + l, v));
            rep.imageL0().forEach((l, v) -> out.put("train.image_l0.l" + l, v));
            if (control) {
                SortedMap<Integer, Sae> ctrl = new TreeMap<>();
                cons.forEach((l, c) -> ctrl.put(l, c.sae()));
                Evaluator.Report cr = Evaluator.evaluate(backbone, p, prompt, testFeats, eval, ctrl, cfg.batch());
                cr.imageReconMse().forEach((l, v) -> out.put("train.control_image_recon_mse.l" + l, v));
            }
            LOG.info("{}: ce {} -> {}; image recon mse {}", cell.id(), fmt(ceUntrained), fmt(rep.ce()),
                    rep.imageReconMse());
            ctx.artefacts().put(TrainedCell.KEY, new TrainedCell(cellManager, p, prompt, question));
            cellManager = null;
            return out;
        } finally {
            owned.forEach(Sae::close);
            if (cellManager != null) {
                cellManager.close();
            }
        }
    }

    /**
     * The {@code train.stages} of the spec with their data: {@code coco} is the data bundle's {@code train} split,
     * any other name the bundle's split of that name (a {@code data.conversations} set, each record with its own
     * question); a stage given in epochs gets its steps from its example count and effective batch.
     */
    private static List<TrainStage> stages(CellContext ctx, LmBundle lm, DataBundle data, FeatureSource trainFeats,
                                           String question) {
        List<TrainStage> out = new ArrayList<>();
        for (StageSpec s : ctx.spec().train().stages()) {
            String split = s.data().equals(StageSpec.COCO) ? "train" : s.data();
            FeatureSource f = split.equals("train") ? trainFeats : Resources.trainingFeatures(ctx, split);
            PromptedExamples pe = Resources.promptedExamples(lm, data.split(split), f, question, Integer.MAX_VALUE);
            int steps = s.steps() != null ? s.steps()
                    : TrainStage.stepsOfEpochs(s.epochs(), pe.examples().size(), s.batch(), s.accumulation());
            int warmup = s.warmupSteps(steps);
            if (warmup >= steps && warmup > 0) {
                throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": train.stages " + s.name()
                        + ": expected fewer warmup steps than the stage's " + steps + " steps, got " + warmup);
            }
            LrSchedule schedule = new LrSchedule(s.lr(), warmup, steps, LrSchedule.Kind.parse(s.schedule()));
            out.add(new TrainStage(s.name(), steps, s.batch(), s.accumulation(), schedule, s.lambdaSae(),
                    s.weightDecay(), s.gradClip(), pe.prompt(), f, pe.examples()));
            LOG.info("{}: stage {}: {} examples from {} ({} question{}), {} steps of {} x {}", ctx.cell().id(),
                    s.name(), pe.examples().size(), split, pe.examples().get(0).context() > 0 ? "own" : "shared",
                    pe.examples().get(0).context() > 0 ? "s" : "", steps, s.batch(), s.accumulation());
        }
        return out;
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.4f", d);
    }
}
