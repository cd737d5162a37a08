package org.vistabench.golden;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vistabench.core.FileError;
import org.vistabench.spec.Cell;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LlmSpec;
import org.vistabench.spec.MatrixExpander;
import org.vistabench.spec.Spec;

/**
 * Whether a golden file's claims can be met by a spec, checked before any training: every claim's metric (and
 * baseline) comes from a provider the spec runs, every name in its selections matches an encoder, LLM, layer set or
 * control of the spec, and each selection (each side of a relative or relational claim) picks at least one cell of
 * the spec's matrix. One located error per problem, at the claim's line.
 */
public final class GoldenFit {
    private GoldenFit() {
    }

    /**
     * Loads the spec's golden file (if it names one) and checks it against the spec; a malformed golden file or a
     * claim the spec cannot meet throws {@link GoldenException} with every problem (exit 2), before any training.
     */
    public static void loadAndCheck(Spec spec) {
        if (spec.golden() == null) {
            return;
        }
        Golden g = GoldenLoader.load(spec.golden());
        List<FileError> errors = check(g, spec.golden().toString(), spec);
        if (!errors.isEmpty()) {
            throw new GoldenException(errors);
        }
    }

    public static List<FileError> check(Golden golden, String goldenFile, Spec spec) {
        List<FileError> out = new ArrayList<>();
        List<Cell> cells = MatrixExpander.expand(spec);
        Map<Coordinate, Set<String>> names = Map.of(
                Coordinate.ENCODER, ids(spec.encoders().stream().map(EncoderSpec::id).toList()),
                Coordinate.LLM, ids(spec.llms().stream().map(LlmSpec::id).toList()),
                Coordinate.SAE_LAYERS, ids(spec.saeLayerSets().keySet()),
                Coordinate.CONTROL, controls(spec));
        for (Claim c : golden.claims()) {
            String at = "claims[" + c.id() + "]";
            for (String metric : c.baseline() == null ? List.of(c.metric()) : List.of(c.metric(), c.baseline())) {
                String provider = metric.substring(0, metric.indexOf('.'));
                if (!spec.metrics().containsKey(provider)) {
                    out.add(new FileError(goldenFile, c.line(), 1, at, "metric " + metric + " needs metrics." + provider
                            + " in " + spec.file() + " (it runs: " + String.join(", ", spec.metrics().keySet()) + ")"));
                }
            }
            List<Selector> sides;
            if (c.expect() instanceof Expectation.Ratio r) {
                sides = List.of(c.select().with(r.of()), c.select().with(r.to()));
            } else if (c.expect() instanceof Expectation.Compare k) {
                sides = List.of(c.select().with(k.left()), c.select().with(k.right()));
            } else {
                sides = List.of(c.select());
            }
            Set<String> reported = new LinkedHashSet<>();
            for (Selector side : sides) {
                boolean namesOk = true;
                for (Map.Entry<Coordinate, List<String>> e : side.patterns().entrySet()) {
                    for (String pattern : e.getValue()) {
                        Set<String> known = names.get(e.getKey());
                        if (known.stream().noneMatch(n -> Selector.glob(pattern).matcher(n).matches())) {
                            namesOk = false;
                            String msg = e.getKey().key() + " '" + pattern + "' matches no " + e.getKey().key()
                                    + " of " + spec.file() + GoldenLoader.suggest(pattern, known)
                                    .map(s -> " (did you mean '" + s + "'?)").orElse("")
                                    + "; it has: " + String.join(", ", known);
                            if (reported.add(msg)) {
                                out.add(new FileError(goldenFile, c.line(), 1, at, msg));
                            }
                        }
                    }
                }
                if (namesOk && cells.stream().noneMatch(side::matches)) {
                    String msg = "selection " + side.describe() + " picks no cell of " + spec.file()
                            + "'s matrix (" + cells.size() + " cells)";
                    if (reported.add(msg)) {
                        out.add(new FileError(goldenFile, c.line(), 1, at, msg));
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> ids(java.util.Collection<String> xs) {
        return new LinkedHashSet<>(xs);
    }

    private static Set<String> controls(Spec spec) {
        Set<String> out = new LinkedHashSet<>();
        out.add(Cell.NO_CONTROL);
        out.addAll(spec.controls());
        return out;
    }
}
