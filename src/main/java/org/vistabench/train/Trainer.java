package org.vistabench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.StopRequest;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.io.Sha256;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.optim.AdamW;
import org.vistabench.tensor.Precision;

/**
 * Trains a projector between a frozen encoder's (cached) features and a frozen LM with the {@link VistaObjective}:
 * AdamW (torch semantics), warmup + cosine schedule, gradient-norm clipping (torch's {@code clip_grad_norm_}),
 * gradients zeroed after every step (DJL's collector never does), NaN/Inf stop the cell with the numbers, atomic
 * checkpoints every {@code checkpointEvery} steps and at the end, resumable bit-identically on CPU. A stop requested
 * by a signal ({@link StopRequest}) ends training at the next step boundary with a checkpoint of the steps done.
 *
 * <p>Only the projector's parameters require gradients: the LM and SAE weights are plain arrays, so autograd keeps
 * no gradient buffers for them.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Called after every completed step (tests slow a child JVM down with it; benches time with it). */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(TraceRow row);
    }

    /**
     * @param workDir where checkpoint and trace.csv go (the cell folder); null = neither
     * @param resume  continue from {@code workDir}'s checkpoint when there is one
     * @param label   progress bar title (the cell id)
     */
    public record Options(Path workDir, boolean resume, boolean progress, String label, StepListener listener) {
        public static Options quiet() {
            return new Options(null, false, false, "train", null);
        }
    }

    private final TrainConfig cfg;
    private final LmBackbone lm;
    private final VisualPrompt prompt;
    private final FeatureSource features;
    private final List<TrainExample> examples;
    private final VistaObjective objective;
    private final Options opts;
    private final String fingerprint;

    public Trainer(TrainConfig cfg, LmBackbone lm, VisualPrompt prompt, FeatureSource features,
                   List<TrainExample> examples, SortedMap<Integer, SaeConstraint> constraints, Options opts) {
        this(cfg, lm, prompt, features, examples, constraints, opts, null);
    }

    /** @param device where training runs (checked against the precision: bf16 needs a GPU and the patched JNI) */
    public Trainer(TrainConfig cfg, LmBackbone lm, VisualPrompt prompt, FeatureSource features,
                   List<TrainExample> examples, SortedMap<Integer, SaeConstraint> constraints, Options opts,
                   Device device) {
        this.cfg = cfg;
        this.lm = lm;
        this.prompt = prompt;
        this.features = features;
        this.examples = List.copyOf(examples);
        this.opts = opts;
        this.objective = new VistaObjective(lm, constraints, cfg.lambdaSae(),
                computeType(cfg.precision(), device == null ? Device.cpu() : device));
        if (examples.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, opts.label() + ": no training examples");
        }
        this.fingerprint = cfg.fingerprint() + ";examples=" + examples.size() + ":" + digest(this.examples);
    }

    /** SHA-256 (first 16 hex digits) of the examples' feature rows and answer ids: a resume refuses changed data. */
    static String digest(List<TrainExample> examples) {
        MessageDigest md = Sha256.digest();
        for (TrainExample ex : examples) {
            ByteBuffer buf = ByteBuffer.allocate(8 * (2 + ex.answerIds().length));
            buf.putLong(ex.featureRow()).putLong(ex.answerIds().length);
            for (long v : ex.answerIds()) {
                buf.putLong(v);
            }
            md.update(buf.array());
        }
        return Sha256.hex(md).substring(0, 16);
    }

    public VistaObjective objective() {
        return objective;
    }

    /**
     * The projector compute type of a precision. bf16 needs a DJL JNI with the BF16 patch (the stock one aborts the
     * JVM on the first BF16 tensor); the GPU bundle that builds it sets {@code VISTABENCH_JNI_BF16=1}.
     */
    public static DataType computeType(String precision, Device device) {
        Precision p = Precision.parse(precision);
        p.check(device);
        return p.dataType();
    }

    /** The initial projector of this configuration (deterministic in the seed). */
    public Projector initialProjector(NDManager manager) {
        return Projector.init(cfg.projector(), features.dim(), lm.hiddenSize(), cfg.seed(), manager);
    }

    public TrainResult train(NDManager manager) {
        // Torch's grad mode is per thread and on by default outside the engine's first thread: the optimizer's
        // in-place updates of leaves that require grad must run with it off.
        JniUtils.setGradMode(false);
        Projector projector = initialProjector(manager);
        AdamW adam = new AdamW(manager, projector.parameters(), AdamW.decayAll(projector.parameters()),
                new AdamW.Settings(AdamW.Form.TORCH, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay()));
        DataOrder order = new DataOrder(examples.size(), cfg.seed());
        List<TraceRow> trace = new ArrayList<>();
        int start = 0;
        Path ckpt = opts.workDir() == null ? null : opts.workDir().resolve(TrainCheckpoint.FILE);
        Path traceFile = opts.workDir() == null ? null : opts.workDir().resolve("trace.csv");
        if (opts.resume() && ckpt != null && Files.isRegularFile(ckpt)) {
            TrainCheckpoint c = TrainCheckpoint.read(ckpt);
            if (!c.fingerprint().equals(fingerprint)) {
                throw new VistaException(ExitCodes.CELL_FAILED, ckpt + ": checkpoint was made with another train"
                        + " configuration or data (" + c.fingerprint() + "), this run has " + fingerprint);
            }
            projector.assign(c.projector());
            adam.restore(c.optimizer(), c.optimizerSteps());
            order = DataOrder.restore(examples.size(), c.orderSeed(), c.epoch(), c.position());
            start = c.stepsDone();
            for (TraceRow r : TraceCsv.read(traceFile)) {
                if (r.step() < start) {
                    trace.add(r);
                }
            }
            LOG.info("{}: resuming at step {} of {} from {}", opts.label(), start, cfg.steps(), ckpt);
        }
        LrSchedule schedule = new LrSchedule(cfg.lr(), cfg.warmup(), cfg.steps());
        List<Integer> layers = new ArrayList<>(objective.constraints().keySet());
        TraceRow lastFinite = trace.isEmpty() ? null : trace.get(trace.size() - 1);
        try (ProgressBar pb = opts.progress() ? bar(start) : null) {
            for (int step = start; step < cfg.steps(); step++) {
                if (StopRequest.requested()) {
                    throw stopped(step, start, ckpt, traceFile, layers, trace, projector, adam, order);
                }
                long t0 = System.nanoTime();
                int[] picks = order.next(cfg.batch());
                double lr = schedule.at(step);
                TraceRow row;
                try (NDManager sm = manager.newSubManager()) {
                    row = step(sm, projector, adam, picks, step, lr, lastFinite, t0);
                }
                trace.add(row);
                lastFinite = row;
                if (pb != null) {
                    pb.step();
                    pb.setExtraMessage(String.format(Locale.ROOT, "ce %.3f sae %.3f %.0f tok/s", row.ce(),
                            layers.isEmpty() ? 0.0 : row.saeMean(), row.tokensPerSecond()));
                }
                if (opts.listener() != null) {
                    opts.listener().afterStep(row);
                }
                int done = step + 1;
                boolean last = done == cfg.steps();
                if (ckpt != null && (last || (cfg.checkpointEvery() > 0 && done % cfg.checkpointEvery() == 0))) {
                    checkpoint(ckpt, traceFile, layers, trace, projector, adam, order, done);
                }
            }
        }
        adam.close();
        return new TrainResult(projector, cfg.steps(), start, trace);
    }

    private void checkpoint(Path ckpt, Path traceFile, List<Integer> layers, List<TraceRow> trace, Projector projector,
                            AdamW adam, DataOrder order, int done) {
        // Trace first: a checkpoint never points past the rows on disk.
        TraceCsv.write(traceFile, layers, trace);
        TrainCheckpoint.save(ckpt, projector, adam, order, done, fingerprint);
    }

    /**
     * A stop requested by a signal ({@link StopRequest}), seen at the boundary before step {@code step}: no step is
     * half done, so the checkpoint of the {@code step} steps done is exactly what an uninterrupted run had there and
     * {@code --resume} continues bit-identically.
     */
    private StopRequest.Stopped stopped(int step, int start, Path ckpt, Path traceFile, List<Integer> layers,
                                        List<TraceRow> trace, Projector projector, AdamW adam, DataOrder order) {
        String where;
        if (step == start) {
            where = "before step " + (step + 1) + " of " + cfg.steps() + " of " + opts.label()
                    + (step > 0 && ckpt != null ? " (its checkpoint of step " + step + " is kept)" : "");
        } else if (ckpt != null) {
            checkpoint(ckpt, traceFile, layers, trace, projector, adam, order, step);
            where = "after step " + step + " of " + cfg.steps() + " of " + opts.label() + "; checkpoint written";
        } else {
            where = "after step " + step + " of " + cfg.steps() + " of " + opts.label() + " (no work folder: no checkpoint)";
        }
        LOG.info("{}: stopping: {}", opts.label(), where);
        return new StopRequest.Stopped(StopRequest.signal(), where);
    }

    private TraceRow step(NDManager sm, Projector projector, AdamW adam, int[] picks, int step, double lr,
                          TraceRow lastFinite, long t0) {
        Batch b = Batch.build(sm, prompt, features, examples, picks);
        double ce;
        SortedMap<Integer, Double> sae = new TreeMap<>();
        Engine engine = sm.getEngine();
        try (GradientCollector gc = engine.newGradientCollector()) {
            VistaObjective.Parts parts = objective.loss(projector, b);
            ce = parts.ce().getFloat();
            parts.sae().forEach((l, v) -> sae.put(l, (double) v.getFloat()));
            double total = parts.total().getFloat();
            if (!Double.isFinite(total) || !Double.isFinite(ce) || sae.values().stream().anyMatch(v -> !Double.isFinite(v))) {
                throw diverged(step, "loss", ce, sae, Double.NaN, lastFinite);
            }
            gc.backward(parts.total());
        }
        AdamW.Gradients grads = adam.gradients(sm);
        double gradNorm = grads.norm();
        if (!Double.isFinite(gradNorm)) {
            throw diverged(step, "gradients", ce, sae, gradNorm, lastFinite);
        }
        adam.step(grads, lr, cfg.gradClip());
        double secs = (System.nanoTime() - t0) / 1e9;
        return new TraceRow(step, ce, sae, gradNorm, lr, b.tokens() / Math.max(secs, 1e-9));
    }

    private TrainingDivergedException diverged(int step, String where, double ce, SortedMap<Integer, Double> sae,
                                               double gradNorm, TraceRow last) {
        StringBuilder sb = new StringBuilder();
        sb.append(opts.label()).append(": training diverged at step ").append(step).append(" (non-finite ")
                .append(where).append("): ce=").append(ce);
        sae.forEach((l, v) -> sb.append(" sae.l").append(l).append('=').append(v));
        if (!Double.isNaN(gradNorm) || where.equals("gradients")) {
            sb.append(" grad_norm=").append(gradNorm);
        }
        sb.append(" lambda=").append(cfg.lambdaSae()).append("; ");
        if (last == null) {
            sb.append("no finite step before it");
        } else {
            sb.append("last finite step ").append(last.step()).append(": ce=").append(last.ce());
            last.sae().forEach((l, v) -> sb.append(" sae.l").append(l).append('=').append(v));
            sb.append(" grad_norm=").append(last.gradNorm());
        }
        return new TrainingDivergedException(step, sb.toString());
    }

    private ProgressBar bar(int start) {
        ProgressBar pb = org.vistabench.io.Progress.bar(opts.label(), cfg.steps(), true, false);
        pb.stepTo(start);
        return pb;
    }
}
