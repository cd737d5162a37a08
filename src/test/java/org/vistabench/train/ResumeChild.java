package org.vistabench.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM for {@link ResumeTest}: trains the toy setup in a work folder (checkpoints there) and writes the final
 * projector to {@code final.safetensors}. Args: workDir steps checkpointEvery sleepMsPerStep resume(true|false).
 */
public final class ResumeChild {
    private ResumeChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        int every = Integer.parseInt(args[2]);
        long sleep = Long.parseLong(args[3]);
        boolean resume = Boolean.parseBoolean(args[4]);
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 21, 40, 6, 8, 12, 2)) {
            TrainConfig cfg = s.config(steps, 0.5).withCheckpointEvery(every);
            Trainer.StepListener slow = row -> {
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Trainer tr = new Trainer(cfg, s.lm, s.prompt, s.features, s.examples, s.constraints(0, 1),
                    new Trainer.Options(dir, resume, false, "child", slow));
            TrainResult r = tr.train(m);
            r.projector().save(dir.resolve("final.safetensors"), Map.of("resumed_from", "" + r.resumedFrom()));
        }
    }
}
