package org.vistabench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
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
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.Precision;

/**
 * Trains a projector between a frozen encoder's (cached) features and a frozen LM with the {@link VistaObjective}:
 * AdamW (torch semantics), warmup + cosine (or constant) schedule, gradient accumulation, one or more stages
 * ({@link TrainStage}: each with its own data, length, schedule and λ, a fresh optimizer each), gradient-norm clipping (torch's {@code clip_grad_norm_}),
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
    private final List<TrainStage> stages;
    /** Whether the run was given as stages ({@code train.stages}): trace rows and checkpoints then name the stage. */
    private final boolean staged;
    private final int totalSteps;
    private final VistaObjective objective;
    private final Options opts;
    private final String fingerprint;

    public Trainer(TrainConfig cfg, LmBackbone lm, VisualPrompt prompt, FeatureSource features,
                   List<TrainExample> examples, SortedMap<Integer, SaeConstraint> constraints, Options opts) {
        this(cfg, lm, prompt, features, examples, constraints, opts, null);
    }

    /**
     * One stage from {@code cfg}, as a spec without {@code train.stages} trains.
     *
     * @param device where training runs (checked against the precision: bf16 needs a GPU and the patched JNI)
     */
    public Trainer(TrainConfig cfg, LmBackbone lm, VisualPrompt prompt, FeatureSource features,
                   List<TrainExample> examples, SortedMap<Integer, SaeConstraint> constraints, Options opts,
                   Device device) {
        this(cfg, lm, List.of(single(cfg, prompt, features, examples, opts)), false, constraints, opts, device);
    }

    /**
     * Stages run in order ({@code train.stages}); {@code cfg} gives the projector, precision, seed, AdamW's betas and
     * eps, and {@code checkpoint_every} (counted in steps of the whole run). Every stage end is checkpointed too.
     */
    public Trainer(TrainConfig cfg, LmBackbone lm, List<TrainStage> stages, SortedMap<Integer, SaeConstraint> constraints,
                   Options opts, Device device) {
        this(cfg, lm, stages, true, constraints, opts, device);
    }

    private Trainer(TrainConfig cfg, LmBackbone lm, List<TrainStage> stages, boolean staged,
                    SortedMap<Integer, SaeConstraint> constraints, Options opts, Device device) {
        if (stages.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, opts.label() + ": no training stages");
        }
        this.cfg = cfg;
        this.lm = lm;
        this.stages = List.copyOf(stages);
        this.staged = staged;
        this.opts = opts;
        this.objective = new VistaObjective(lm, constraints, cfg.lambdaSae(),
                computeType(cfg.precision(), device == null ? Device.cpu() : device));
        int total = 0;
        StringBuilder fp = new StringBuilder(cfg.fingerprint());
        for (TrainStage st : this.stages) {
            if (st.examples().isEmpty()) {
                throw new VistaException(ExitCodes.CELL_FAILED, opts.label() + ": no training examples"
                        + (staged ? " in stage " + st.name() : ""));
            }
            if (st.features().dim() != this.stages.get(0).features().dim()) {
                throw new VistaException(ExitCodes.CELL_FAILED, opts.label() + ": stage " + st.name() + " has features"
                        + " of width " + st.features().dim() + ", stage " + this.stages.get(0).name() + " of width "
                        + this.stages.get(0).features().dim());
            }
            total = Math.addExact(total, st.steps());
            if (staged) {
                fp.append(";[").append(st.fingerprint()).append(']');
            }
        }
        this.totalSteps = total;
        if (!staged) {
            TrainStage only = this.stages.get(0);
            fp.append(";examples=").append(only.examples().size()).append(':').append(digest(only.examples()));
        }
        this.fingerprint = fp.toString();
    }

    private static TrainStage single(TrainConfig cfg, VisualPrompt prompt, FeatureSource features,
                                     List<TrainExample> examples, Options opts) {
        if (examples.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, opts.label() + ": no training examples");
        }
        return new TrainStage("train", cfg.steps(), cfg.batch(), cfg.accumulation(), new LrSchedule(cfg.lr(), cfg.warmup(),
                cfg.steps()), cfg.lambdaSae(), cfg.weightDecay(), cfg.gradClip(), prompt, features, examples);
    }

    /**
     * SHA-256 (first 16 hex digits) of the examples' feature rows, ids and context lengths: a resume refuses changed
     * data. (An example without context hashes as before context existed, so old checkpoints still resume.)
     */
    static String digest(List<TrainExample> examples) {
        MessageDigest md = Sha256.digest();
        for (TrainExample ex : examples) {
            ByteBuffer buf = ByteBuffer.allocate(8 * (3 + ex.answerIds().length));
            buf.putLong(ex.featureRow()).putLong(ex.answerIds().length);
            for (long v : ex.answerIds()) {
                buf.putLong(v);
            }
            if (ex.context() > 0) {
                buf.putLong(-ex.context());
            }
            md.update(buf.array(), 0, buf.position());
        }
        return Sha256.hex(md).substring(0, 16);
    }

    public VistaObjective objective() {
        return objective;
    }

    /** The stages this trainer runs (one, named {@code train}, for a run without {@code train.stages}). */
    public List<TrainStage> stages() {
        return stages;
    }

    /** Optimizer steps of all stages together. */
    public int totalSteps() {
        return totalSteps;
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
        return Projector.init(cfg.projector(), stages.get(0).features().dim(), lm.hiddenSize(), cfg.seed(), manager);
    }

    /** The seed of stage {@code index}'s data order: the cell's seed for the first stage. */
    static long stageSeed(long seed, int index) {
        return seed + index * 0x9E3779B97F4A7C15L;
    }

    private int firstStep(int stage) {
        int s = 0;
        for (int i = 0; i < stage; i++) {
            s += stages.get(i).steps();
        }
        return s;
    }

    public TrainResult train(NDManager manager) {
        // Torch's grad mode is per thread and on by default outside the engine's first thread: the optimizer's
        // in-place updates of leaves that require grad must run with it off.
        JniUtils.setGradMode(false);
        Projector projector = initialProjector(manager);
        List<TraceRow> trace = new ArrayList<>();
        int start = 0;
        TrainCheckpoint resumed = null;
        Path ckpt = opts.workDir() == null ? null : opts.workDir().resolve(TrainCheckpoint.FILE);
        Path traceFile = opts.workDir() == null ? null : opts.workDir().resolve("trace.csv");
        if (opts.resume() && ckpt != null && Files.isRegularFile(ckpt)) {
            resumed = TrainCheckpoint.read(ckpt);
            if (!resumed.fingerprint().equals(fingerprint)) {
                throw new VistaException(ExitCodes.CELL_FAILED, ckpt + ": checkpoint was made with another train"
                        + " configuration or data (" + resumed.fingerprint() + "), this run has " + fingerprint);
            }
            if (resumed.stage() < 0 || resumed.stage() >= stages.size()) {
                throw new VistaException(ExitCodes.CELL_FAILED, ckpt + ": checkpoint is of stage " + resumed.stage()
                        + ", this run has stages 0.." + (stages.size() - 1));
            }
            projector.assign(resumed.projector());
            start = resumed.stepsDone();
            for (TraceRow r : TraceCsv.read(traceFile)) {
                if (r.step() < start) {
                    trace.add(r);
                }
            }
            LOG.info("{}: resuming at step {} of {}{} from {}", opts.label(), start, totalSteps,
                    staged ? " (stage " + stages.get(resumed.stage()).name() + ")" : "", ckpt);
        }
        List<Integer> layers = new ArrayList<>(objective.constraints().keySet());
        TraceRow lastFinite = trace.isEmpty() ? null : trace.get(trace.size() - 1);
        try (ProgressBar pb = opts.progress() ? bar(start) : null) {
            for (int si = 0; si < stages.size(); si++) {
                TrainStage st = stages.get(si);
                int first = firstStep(si);
                int end = first + st.steps();
                if (end <= start) {
                    continue;
                }
                AdamW adam = new AdamW(manager, projector.parameters(), AdamW.decayAll(projector.parameters()),
                        new AdamW.Settings(AdamW.Form.TORCH, cfg.beta1(), cfg.beta2(), cfg.eps(), st.weightDecay()));
                DataOrder order = new DataOrder(st.examples().size(), stageSeed(cfg.seed(), si));
                if (resumed != null && start > first) {
                    // The checkpoint is of this stage: a checkpoint at a stage's last step makes the next stage
                    // start fresh (above), so start > first here means the checkpoint was written inside stage si.
                    if (resumed.stage() != si) {
                        throw new VistaException(ExitCodes.CELL_FAILED, ckpt + ": checkpoint of step " + start
                                + " names stage " + resumed.stage() + ", but step " + start + " is in stage " + si
                                + " (" + st.name() + ")");
                    }
                    adam.restore(resumed.optimizer(), resumed.optimizerSteps());
                    order = DataOrder.restore(st.examples().size(), resumed.orderSeed(), resumed.epoch(),
                            resumed.position());
                }
                if (staged) {
                    LOG.info("{}: stage {} ({}): steps {}..{} of {}, {} examples, batch {} x {}", opts.label(), si,
                            st.name(), Math.max(start, first) + 1, end, totalSteps, st.examples().size(), st.batch(),
                            st.accumulation());
                }
                for (int step = Math.max(start, first); step < end; step++) {
                    if (StopRequest.requested()) {
                        throw stopped(step, start, ckpt, traceFile, layers, trace, projector, adam, order, si);
                    }
                    long t0 = System.nanoTime();
                    double lr = st.schedule().at(step - first);
                    TraceRow row;
                    try (NDManager sm = manager.newSubManager()) {
                        row = step(sm, projector, adam, order, st, step, lr, lastFinite, t0);
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
                    boolean last = done == totalSteps || (staged && done == end);
                    if (ckpt != null && (last || (cfg.checkpointEvery() > 0 && done % cfg.checkpointEvery() == 0))) {
                        checkpoint(ckpt, traceFile, layers, trace, projector, adam, order, done, si);
                    }
                }
                adam.close();
            }
        }
        return new TrainResult(projector, totalSteps, start, trace);
    }

    private void checkpoint(Path ckpt, Path traceFile, List<Integer> layers, List<TraceRow> trace, Projector projector,
                            AdamW adam, DataOrder order, int done, int stage) {
        // Trace first: a checkpoint never points past the rows on disk.
        TraceCsv.write(traceFile, layers, trace);
        TrainCheckpoint.save(ckpt, projector, adam, order, done, fingerprint, staged ? stage : -1);
    }

    /**
     * A stop requested by a signal ({@link StopRequest}), seen at the boundary before step {@code step}: no step is
     * half done, so the checkpoint of the {@code step} steps done is exactly what an uninterrupted run had there and
     * {@code --resume} continues bit-identically.
     */
    private StopRequest.Stopped stopped(int step, int start, Path ckpt, Path traceFile, List<Integer> layers,
                                        List<TraceRow> trace, Projector projector, AdamW adam, DataOrder order,
                                        int stage) {
        String where;
        if (step == start) {
            where = "before step " + (step + 1) + " of " + totalSteps + " of " + opts.label()
                    + (step > 0 && ckpt != null ? " (its checkpoint of step " + step + " is kept)" : "");
        } else if (ckpt != null) {
            checkpoint(ckpt, traceFile, layers, trace, projector, adam, order, step, stage);
            where = "after step " + step + " of " + totalSteps + " of " + opts.label() + "; checkpoint written";
        } else {
            where = "after step " + step + " of " + totalSteps + " of " + opts.label()
                    + " (no work folder: no checkpoint)";
        }
        LOG.info("{}: stopping: {}", opts.label(), where);
        return new StopRequest.Stopped(StopRequest.signal(), where);
    }

    /**
     * One optimizer step: {@code accumulation} micro-batches of {@code batch} examples, their gradients summed
     * (DJL's collector adds into the leaves' gradients; {@link AdamW#step} zeroes them after the update, so once per
     * optimizer step, never per micro-batch). Each micro-batch's CE is weighted by its share of the step's answer
     * tokens and its SAE term by 1/accumulation, so the summed gradient is the one of the whole effective batch (CE
     * the mean over all its answer tokens, HF's −100-label mean; the SAE term the mean over all its images). With
     * equal answer-token counts per micro-batch the CE weight is the usual 1/accumulation.
     */
    /** Nanoseconds spent per phase of the steps run so far: data, forward, backward, optimizer. */
    private final long[] phaseNanos = new long[4];
    private static final String[] PHASES = {"data", "forward", "backward", "optimizer"};

    /**
     * Seconds spent in each phase of the steps this trainer ran (not those restored from a checkpoint):
     * {@code data} (picking examples, padding, gathering or encoding features), {@code forward} (the loss: projector,
     * LM, SAE terms), {@code backward}, {@code optimizer} (gradient norm, clipping, AdamW). On a GPU the phases are
     * measured at the host's synchronisation points (reading the loss), so forward includes queued work.
     */
    public java.util.Map<String, Double> phaseSeconds() {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < PHASES.length; i++) {
            out.put(PHASES[i], phaseNanos[i] / 1e9);
        }
        return out;
    }

    private long lap(int phase, long since) {
        long now = System.nanoTime();
        phaseNanos[phase] += now - since;
        return now;
    }

    private TraceRow step(NDManager sm, Projector projector, AdamW adam, DataOrder order, TrainStage st, int step,
                          double lr, TraceRow lastFinite, long t0) {
        long t = System.nanoTime();
        double ce;
        SortedMap<Integer, Double> sae = new TreeMap<>();
        long tokens = 0;
        Engine engine = sm.getEngine();
        if (st.accumulation() == 1) {
            int[] picks = order.next(st.batch());
            Batch b = Batch.build(sm, st.prompt(), st.features(), st.examples(), picks);
            t = lap(0, t);
            try (GradientCollector gc = engine.newGradientCollector()) {
                VistaObjective.Parts parts = objective.loss(projector, b, st.lambdaSae());
                ce = parts.ce().getFloat();
                parts.sae().forEach((l, v) -> sae.put(l, (double) v.getFloat()));
                double total = parts.total().getFloat();
                if (!Double.isFinite(total) || !Double.isFinite(ce)
                        || sae.values().stream().anyMatch(v -> !Double.isFinite(v))) {
                    throw diverged(step, "loss", ce, sae, Double.NaN, lastFinite, st);
                }
                t = lap(1, t);
                gc.backward(parts.total());
            }
            t = lap(2, t);
            tokens = b.tokens();
        } else {
            int[][] micro = new int[st.accumulation()][];
            long answerTokens = 0;
            for (int k = 0; k < micro.length; k++) {
                micro[k] = order.next(st.batch());
                for (int i : micro[k]) {
                    answerTokens += st.examples().get(i).lossTokens();
                }
            }
            double ceSum = 0;
            for (int[] picks : micro) {
                try (NDManager mm = sm.newSubManager()) {
                    Batch b = Batch.build(mm, st.prompt(), st.features(), st.examples(), picks);
                    t = lap(0, t);
                    float ceWeight = (float) b.answerTokens() / answerTokens;
                    float saeWeight = 1f / micro.length;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        VistaObjective.Parts parts = objective.loss(projector, b, st.lambdaSae());
                        double mce = parts.ce().getFloat();
                        SortedMap<Integer, Double> msae = new TreeMap<>();
                        parts.sae().forEach((l, v) -> msae.put(l, (double) v.getFloat()));
                        NDArray scaled = parts.ce().mul(NdArrays.scalar(mm, ceWeight));
                        if (parts.saeMean() != null && st.lambdaSae() != 0) {
                            scaled = scaled.add(parts.saeMean().mul(NdArrays.scalar(mm,
                                    (float) (st.lambdaSae() * saeWeight))));
                        }
                        double total = scaled.getFloat();
                        if (!Double.isFinite(total) || !Double.isFinite(mce)
                                || msae.values().stream().anyMatch(v -> !Double.isFinite(v))) {
                            throw diverged(step, "loss", mce, msae, Double.NaN, lastFinite, st);
                        }
                        t = lap(1, t);
                        gc.backward(scaled);
                        ceSum += mce * ceWeight;
                        msae.forEach((l, v) -> sae.merge(l, v * saeWeight, Double::sum));
                    }
                    t = lap(2, t);
                    tokens += b.tokens();
                }
            }
            ce = ceSum;
        }
        AdamW.Gradients grads = adam.gradients(sm);
        double gradNorm = grads.norm();
        if (!Double.isFinite(gradNorm)) {
            throw diverged(step, "gradients", ce, sae, gradNorm, lastFinite, st);
        }
        adam.step(grads, lr, st.gradClip());
        lap(3, t);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new TraceRow(step, ce, sae, gradNorm, lr, tokens / Math.max(secs, 1e-9), staged ? st.name() : null);
    }

    private TrainingDivergedException diverged(int step, String where, double ce, SortedMap<Integer, Double> sae,
                                               double gradNorm, TraceRow last, TrainStage st) {
        StringBuilder sb = new StringBuilder();
        sb.append(opts.label()).append(": training diverged at step ").append(step).append(" (non-finite ")
                .append(where).append("): ce=").append(ce);
        sae.forEach((l, v) -> sb.append(" sae.l").append(l).append('=').append(v));
        if (!Double.isNaN(gradNorm) || where.equals("gradients")) {
            sb.append(" grad_norm=").append(gradNorm);
        }
        sb.append(" lambda=").append(st.lambdaSae());
        if (staged) {
            sb.append(" (stage ").append(st.name()).append(')');
        }
        sb.append("; ");
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
        ProgressBar pb = org.vistabench.io.Progress.bar(opts.label(), totalSteps, true, false);
        pb.stepTo(start);
        return pb;
    }
}
