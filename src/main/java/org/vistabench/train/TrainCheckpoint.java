package org.vistabench.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.model.projector.Projector;
import org.vistabench.optim.AdamW;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * The whole state of an interrupted training run in one safetensors file (written atomically, so it is always
 * either the previous or the new checkpoint): the projector (HF LLaVA names), AdamW's moments
 * ({@code optimizer.m.<name>}, {@code optimizer.v.<name>}) and, as metadata, the steps done, AdamW's step count,
 * the data order (seed, epoch, position: the only random state of the loop) and the configuration fingerprint.
 * A run with {@code train.stages} also records {@code stage}, the index of the stage the optimizer and data order
 * belong to ({@code steps_done} counts over the whole run); a checkpoint without it is of stage 0.
 */
public record TrainCheckpoint(int stepsDone, long optimizerSteps, long orderSeed, int epoch, int position,
                              String fingerprint, Map<String, float[]> projector, Map<String, float[]> optimizer,
                              int stage) {
    public static final String FILE = "checkpoint.safetensors";
    private static final String OPT = "optimizer.";

    public static void save(Path file, Projector p, AdamW opt, DataOrder order, int stepsDone, String fingerprint) {
        save(file, p, opt, order, stepsDone, fingerprint, -1);
    }

    /** @param stage the stage index, or −1 for a run without stages (no {@code stage} metadata is written) */
    public static void save(Path file, Projector p, AdamW opt, DataOrder order, int stepsDone, String fingerprint,
                            int stage) {
        Map<String, String> md = new TreeMap<>();
        if (stage >= 0) {
            md.put("stage", Integer.toString(stage));
        }
        md.put("steps_done", Integer.toString(stepsDone));
        md.put("optimizer_steps", Long.toString(opt.stepCount()));
        md.put("order_seed", Long.toString(order.seed()));
        md.put("order_epoch", Integer.toString(order.epoch()));
        md.put("order_position", Integer.toString(order.position()));
        md.put("config", fingerprint);
        SafeTensorsWriter w = p.writer(md);
        for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
            String param = e.getKey().substring(2);
            w.put(OPT + e.getKey(), DType.F32, p.parameters().get(param).getShape().getShape(), e.getValue());
        }
        w.write(file);
    }

    /** Reads a checkpoint; an unreadable one is an error naming the file (the cell fails rather than restarts). */
    public static TrainCheckpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new VistaException(ExitCodes.CELL_FAILED, file + ": no checkpoint to resume from");
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, String> md = st.metadata();
            Map<String, float[]> proj = new LinkedHashMap<>();
            Map<String, float[]> opt = new LinkedHashMap<>();
            for (String name : new java.util.TreeSet<>(st.names())) {
                if (name.startsWith(OPT)) {
                    opt.put(name.substring(OPT.length()), st.floats(name));
                } else {
                    proj.put(name, st.floats(name));
                }
            }
            return new TrainCheckpoint(intOf(file, md, "steps_done"), Long.parseLong(req(file, md, "optimizer_steps")),
                    Long.parseLong(req(file, md, "order_seed")), intOf(file, md, "order_epoch"),
                    intOf(file, md, "order_position"), req(file, md, "config"), proj, opt,
                    md.containsKey("stage") ? intOf(file, md, "stage") : 0);
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, file + ": bad checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static String req(Path file, Map<String, String> md, String key) {
        String v = md.get(key);
        if (v == null) {
            throw new VistaException(ExitCodes.CELL_FAILED, file + ": checkpoint metadata has no '" + key + "'");
        }
        return v;
    }

    private static int intOf(Path file, Map<String, String> md, String key) {
        return Integer.parseInt(req(file, md, key));
    }
}
