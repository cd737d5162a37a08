package org.vistabench.train;

import java.util.Locale;

/**
 * The learning rate of each optimizer step (0-based {@code s}), after a linear warmup ({@code lr · s / warmup} while
 * {@code s < warmup}):
 * <ul>
 *   <li>{@link Kind#COSINE} (the default): {@code lr · ½(1 + cos(π · (s − warmup) / (steps − warmup)))}, exactly HF's
 *       {@code get_cosine_schedule_with_warmup} (LLaVA's {@code lr_scheduler_type: cosine});</li>
 *   <li>{@link Kind#CONSTANT}: {@code lr} (HF's {@code constant_with_warmup}; {@code constant} when warmup is 0).</li>
 * </ul>
 */
public record LrSchedule(double peak, int warmup, int steps, Kind kind) {
    public enum Kind {
        COSINE, CONSTANT;

        /** The spec name ({@code cosine}, {@code constant}). */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.specName().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("schedule: expected cosine or constant, got '" + name + "'");
        }
    }

    /** Warmup then cosine decay to 0 (the schedule of a spec without stages). */
    public LrSchedule(double peak, int warmup, int steps) {
        this(peak, warmup, steps, Kind.COSINE);
    }

    public double at(int step) {
        if (step < warmup) {
            return peak * step / Math.max(1, warmup);
        }
        if (kind == Kind.CONSTANT) {
            return peak;
        }
        double progress = (double) (step - warmup) / Math.max(1, steps - warmup);
        return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}
