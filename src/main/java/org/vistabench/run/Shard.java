package org.vistabench.run;

import java.util.List;
import java.util.function.ToIntBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Shards;

/**
 * {@code --shard i/N}: shard {@code i} of {@code N}, counted from 0 (so a Kubernetes {@code JOB_COMPLETION_INDEX} or a
 * 0-based Slurm array index can be passed as is). Which shard a cell belongs to depends only on its id and N (the spec
 * package's {@link Shards#of}), so shards of one spec never overlap and together hold every cell.
 */
public record Shard(int index, int count) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new VistaException(ExitCodes.USAGE, "--shard " + index + "/" + count
                    + ": expected i/N with N >= 1 and 0 <= i < N (shards count from 0)");
        }
    }

    /** Parses {@code i/N}; anything else is an exit-2 error quoting the text. */
    public static Shard parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new VistaException(ExitCodes.USAGE, "--shard '" + text
                    + "': expected i/N, e.g. 0/4 for the first of four shards (shards count from 0)");
        }
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * The cells of this shard, in their original order.
     *
     * @param shardOf cell id and N to the cell's shard in [0, N): {@code Shards::of} outside tests
     */
    public List<Cell> select(List<Cell> cells, ToIntBiFunction<String, Integer> shardOf) {
        return Shards.select(cells, index, count, shardOf);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
