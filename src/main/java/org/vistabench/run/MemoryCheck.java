package org.vistabench.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.cell.Resources;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.tensor.DeviceChoice;
import org.vistabench.train.MemoryEstimate;

/**
 * Refuses, before the results folder is touched, a run whose training cells would not fit in memory: each cell's
 * peak is estimated from its models' shapes ({@link MemoryEstimate}, {@link ModelShapes}) and compared with the limit,
 * {@code --max-memory} or else what this machine has available (the kernel's {@code MemAvailable}, or the cgroup
 * memory limit that Slurm and Kubernetes set when it is lower). Cells differing only in their seed share
 * one estimate. A cell whose models cannot be read is not estimated (a WARN): it fails on its own when it runs.
 */
public final class MemoryCheck {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryCheck.class);
    /** The provider whose cells train (and are estimated). */
    static final String TRAIN = "train";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?",
            Pattern.CASE_INSENSITIVE);

    /** A memory limit in bytes and where it came from (for messages), e.g. {@code --max-memory 3g}. */
    public record Limit(long bytes, String source, boolean explicit) {
    }

    /**
     * The estimates of a spec's training cells: cell id → estimate (matrix order), and one line per cell that could
     * not be estimated.
     */
    public record Estimates(Map<String, MemoryEstimate> byCell, List<String> notEstimated) {
        /** The cell with the largest peak, or null when none was estimated. */
        public Map.Entry<String, MemoryEstimate> largest() {
            Map.Entry<String, MemoryEstimate> best = null;
            for (Map.Entry<String, MemoryEstimate> e : byCell.entrySet()) {
                if (best == null || e.getValue().peak() > best.getValue().peak()) {
                    best = e;
                }
            }
            return best;
        }
    }

    private MemoryCheck() {
    }

    /** {@code 3g}, {@code 512m}, {@code 1.5GiB}, {@code 2048} (bytes) → bytes; suffixes k, m, g, t, p are powers of 1024. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new VistaException(ExitCodes.USAGE, "expected a size like 3g, 512m or 1.5GiB, got '" + text + "'");
        }
        int power = "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (bytes < 1 || bytes >= Long.MAX_VALUE) {
            throw new VistaException(ExitCodes.USAGE, "size '" + text + "' is out of range");
        }
        return (long) bytes;
    }

    /** What this machine has available now (see the class comment). */
    public static Limit machine() {
        OptionalLong available = meminfo("MemAvailable");
        String source = "MemAvailable in /proc/meminfo";
        long bytes;
        if (available.isPresent()) {
            bytes = available.getAsLong();
        } else {
            bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            source = "this machine's physical memory";
        }
        OptionalLong cgroup = cgroupLimit();
        if (cgroup.isPresent() && cgroup.getAsLong() < bytes) {
            bytes = cgroup.getAsLong();
            source = "this process's cgroup memory limit";
        }
        return new Limit(bytes, source, false);
    }

    /**
     * Estimates every training cell of {@code cells} (none when the spec does not run {@code metrics.train}).
     *
     * @param buildWorld see {@link ModelShapes#of(Spec, boolean, boolean)}
     */
    public static Estimates estimate(Spec spec, List<Cell> cells, boolean buildWorld, boolean progress) {
        Map<String, MemoryEstimate> byCell = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        if (!trains(spec) || cells.isEmpty()) {
            return new Estimates(byCell, skipped);
        }
        ModelShapes shapes = ModelShapes.of(spec, buildWorld, progress);
        Map<String, MemoryEstimate> byModels = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (Cell c : cells) {
            String key = c.encoder() + "|" + c.llm() + "|" + c.saeLayers() + "|" + c.control();
            if (!byModels.containsKey(key) && !failures.containsKey(key)) {
                try {
                    byModels.put(key, MemoryEstimate.of(shapes.shapes(c)));
                } catch (RuntimeException e) {
                    failures.put(key, c.id() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                }
            }
            if (byModels.containsKey(key)) {
                byCell.put(c.id(), byModels.get(key));
            }
        }
        skipped.addAll(failures.values());
        return new Estimates(byCell, skipped);
    }

    /**
     * Estimates {@code cells} and throws when one exceeds {@code limit}; logs the largest estimate otherwise. With a
     * limit that is not explicit and a GPU to train on, nothing is checked (the weights and activations live in the
     * GPU's memory, which this check does not know).
     *
     * @throws VistaException exit 2 naming the cell, its estimate, its largest terms and the limit
     */
    public static void check(Spec spec, List<Cell> cells, Limit limit, boolean progress) {
        if (!trains(spec) || !limit.explicit() && onGpu(spec)) {
            if (trains(spec)) {
                LOG.info("memory: not checked (training on a GPU; pass --max-memory to check the estimate anyway)");
            }
            return;
        }
        Estimates est = estimate(spec, cells, true, progress);
        est.notEstimated().forEach(w -> LOG.warn("memory: not estimated for cell {}", w));
        Map.Entry<String, MemoryEstimate> worst = est.largest();
        if (worst == null) {
            return;
        }
        long over = est.byCell().values().stream().filter(e -> e.peak() > limit.bytes()).count();
        if (over > 0) {
            throw new VistaException(ExitCodes.USAGE, describe(worst.getKey(), worst.getValue(), spec)
                    + ", more than the limit of " + MemoryEstimate.bytes(limit.bytes()) + " (" + limit.source() + ")"
                    + (over > 1 ? "; " + over + " cells are over it" : "")
                    + "; lower train.batch, or raise --max-memory if the estimate is wrong");
        }
        LOG.info("memory: {} (limit {}, {})", describe(worst.getKey(), worst.getValue(), spec),
                MemoryEstimate.bytes(limit.bytes()), limit.source());
    }

    /**
     * For {@code validate}, which writes nothing: one line per kind of cell whose estimate exceeds what this machine
     * has available, unless the spec asks for a GPU. Cells whose models cannot be read without building the world
     * are passed over.
     */
    public static List<String> warnings(Spec spec, List<Cell> cells) {
        String device = spec.train() == null || spec.train().device() == null ? "auto" : spec.train().device();
        List<String> out = new ArrayList<>();
        try {
            if (DeviceChoice.parse(device).kind() == DeviceChoice.Kind.GPU) {
                return out;
            }
        } catch (RuntimeException e) {
            return out; // validate reports a bad device itself
        }
        Limit limit = machine();
        Estimates est = estimate(spec, cells, false, false);
        Set<MemoryEstimate> said = Collections.newSetFromMap(new IdentityHashMap<>());
        est.byCell().forEach((cell, e) -> {
            if (e.peak() > limit.bytes() && said.add(e)) {
                out.add(describe(cell, e, spec) + ", more than this machine's " + MemoryEstimate.bytes(limit.bytes())
                        + " (" + limit.source() + "): 'run' refuses it here");
            }
        });
        return out;
    }

    private static boolean trains(Spec spec) {
        return spec.train() != null && spec.metrics().containsKey(TRAIN);
    }

    /** Whether the cells train on a GPU; a device that cannot be had is left to fail in the cells. */
    private static boolean onGpu(Spec spec) {
        try {
            return Resources.device(spec).isGpu();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code cell X needs about 343.1 GiB at its peak (train step activations 342.8 GiB, ...; batch 100000)}. */
    static String describe(String cell, MemoryEstimate e, Spec spec) {
        return "cell " + cell + " needs about " + MemoryEstimate.bytes(e.peak()) + " at its peak ("
                + String.join(", ", e.largest(3)) + "; train.batch " + spec.train().batch() + ")";
    }

    private static OptionalLong meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: the caller falls back
        }
        return OptionalLong.empty();
    }

    /** The memory limit of this process's cgroup (v2, then v1), when it has one. */
    private static OptionalLong cgroupLimit() {
        for (String f : List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            try {
                String max = Files.readString(Path.of(f)).trim();
                long limit = max.equals("max") ? Long.MAX_VALUE : Long.parseLong(max);
                return limit >= (1L << 60) ? OptionalLong.empty() : OptionalLong.of(limit);
            } catch (IOException | NumberFormatException e) {
                // no such cgroup version here
            }
        }
        return OptionalLong.empty();
    }
}
