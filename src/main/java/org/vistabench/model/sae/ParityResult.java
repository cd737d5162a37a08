package org.vistabench.model.sae;

/**
 * One tensor of a parity check.
 *
 * @param maxAbs the largest |ours − expected|
 * @param maxRel maxAbs divided by the largest |expected| of the tensor (a norm-wise relative error, so that elements
 *     near zero do not dominate); for counts (l0) the bound is on maxAbs and must be 0
 * @param bound the bound {@code ok} was checked against
 */
public record ParityResult(String tensor, double maxAbs, double maxRel, double bound, boolean ok) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%-22s maxAbs %.3e  maxRel %.3e  bound %.1e  %s", tensor, maxAbs,
                maxRel, bound, ok ? "ok" : "FAIL");
    }
}
