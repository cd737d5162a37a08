package org.vistabench.run;

import java.util.List;

/**
 * What a run did: cells computed now, cells that failed (ids, in run order) and cells skipped because an earlier
 * session finished them.
 */
public record RunSummary(int ok, int failed, int skipped, List<String> failedCells) {
    public RunSummary {
        failedCells = List.copyOf(failedCells);
    }

    public boolean anyFailed() {
        return failed > 0;
    }

    @Override
    public String toString() {
        return ok + " ok, " + failed + " failed, " + skipped + " skipped";
    }
}
