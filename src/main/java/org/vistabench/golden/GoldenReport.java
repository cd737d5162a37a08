package org.vistabench.golden;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.vistabench.core.ExitCodes;

/**
 * Every claim's outcome, in golden-file order.
 *
 * @param allowMissing whether the evaluation was asked to tolerate NOT_EVALUATED claims (recorded in golden.json)
 */
public record GoldenReport(Golden golden, List<ClaimResult> claims, boolean allowMissing) {
    public GoldenReport {
        claims = List.copyOf(claims);
    }

    /** 0 when every claim is PASS or KNOWN_FAIL (NOT_EVALUATED too under {@code allowMissing}), else 1. */
    public int exitCode(boolean allowMissing) {
        for (ClaimResult c : claims) {
            boolean ok = c.outcome() == Outcome.PASS || c.outcome() == Outcome.KNOWN_FAIL
                    || (allowMissing && c.outcome() == Outcome.NOT_EVALUATED);
            if (!ok) {
                return ExitCodes.CLAIM_FAILED;
            }
        }
        return ExitCodes.OK;
    }

    /** {@link #exitCode(boolean)} under the allow-missing setting the report was made with. */
    public int exitCode() {
        return exitCode(allowMissing);
    }

    /** How many claims had each outcome, every outcome present (0 when none). */
    public Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        claims.forEach(c -> counts.merge(c.outcome(), 1, Integer::sum));
        return counts;
    }
}
