package org.vistabench.train;

/**
 * Linear warmup then cosine decay to 0, exactly HF's {@code get_cosine_schedule_with_warmup} (LLaVA's
 * {@code lr_scheduler_type: cosine}): the optimizer step with index {@code s} (0-based) uses
 * {@code lr · s / warmup} while {@code s < warmup}, then {@code lr · ½(1 + cos(π · (s − warmup) / (steps − warmup)))}.
 */
public record LrSchedule(double peak, int warmup, int steps) {
    public double at(int step) {
        if (step < warmup) {
            return peak * step / Math.max(1, warmup);
        }
        double progress = (double) (step - warmup) / Math.max(1, steps - warmup);
        return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}
