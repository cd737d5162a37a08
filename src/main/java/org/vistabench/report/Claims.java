package org.vistabench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.vistabench.golden.Outcome;

/**
 * The golden claims of a results folder as the summary shows them, read from its {@code golden.json}: per claim the
 * paper's statement (its {@code source}), what was expected, the deciding measurement (the pair or group its
 * explanation names: the worst failing one, or the weakest passing one) with its spread, and the outcome.
 */
final class Claims {
    private Claims() {
    }

    /**
     * One claim.
     *
     * @param expected  the bounds its results had to meet, e.g. {@code >= 2.33}; {@code –} when nothing was measured
     * @param measured  e.g. {@code ratio 1.28}
     * @param where     the group or pair measured, e.g. {@code early/none, mini-dino/mini-lm/none}
     * @param spread    the seeds' standard error of the measured number, or the group's sd and n, or why unknown
     */
    record Row(String id, String source, String quantity, String kind, String outcome, String expected,
               String measured, String where, String spread, String explanation) {
    }

    /** The golden file's name and its claims in golden.json's order; empty without golden.json. */
    record Golden(String name, String counts, List<Row> rows) {
    }

    static java.util.Optional<Golden> of(ReportInput in) {
        return in.golden().map(Claims::read);
    }

    static Golden read(JsonNode g) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode c : g.path("claims")) {
            rows.add(row(c));
        }
        List<String> counts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            long n = rows.stream().filter(r -> r.outcome().equals(o.name())).count();
            if (n > 0) {
                counts.add(n + " " + o.name());
            }
        }
        JsonNode file = g.path("golden");
        String name = file.path("name").isTextual() ? file.path("name").asText()
                : java.nio.file.Path.of(file.path("file").asText("?")).getFileName().toString();
        return new Golden(name, String.join(", ", counts), rows);
    }

    private static Row row(JsonNode c) {
        String explanation = c.path("explanation").asText("");
        Set<String> bounds = new LinkedHashSet<>();
        JsonNode decisive = null;
        for (JsonNode r : c.path("results")) {
            bounds.add(r.path("bound").asText());
            if (decisive == null && !r.path("detail").asText().isEmpty()
                    && explanation.contains(r.path("detail").asText())) {
                decisive = r;
            }
        }
        if (decisive == null && c.path("results").size() > 0) {
            decisive = c.path("results").get(0);
        }
        String kind = c.path("kind").asText("");
        String measured = Fmt.NONE;
        String where = "";
        String spread = Fmt.NONE;
        if (decisive != null) {
            measured = word(kind) + " " + Fmt.sig(number(decisive.get("value")));
            where = decisive.path("label").asText();
            spread = spread(decisive);
        } else if (c.path("missing").size() > 0) {
            measured = "missing: " + c.path("missing").get(0).asText()
                    + (c.path("missing").size() > 1 ? " (+" + (c.path("missing").size() - 1) + " more)" : "");
        }
        return new Row(c.path("id").asText(), c.path("source").asText(""), c.path("quantity").asText(""), kind,
                c.path("outcome").asText(""), bounds.isEmpty() ? Fmt.NONE : String.join("; ", bounds), measured,
                where, spread, explanation);
    }

    private static String word(String kind) {
        return switch (kind) {
            case "absolute" -> "mean";
            case "relative" -> "ratio";
            default -> "difference";
        };
    }

    /** The se of a pair when known, else the seed sd and n of its group(s). */
    private static String spread(JsonNode r) {
        double se = number(r.get("se"));
        if (Double.isFinite(se)) {
            return "se " + Fmt.sig(se);
        }
        List<String> sides = new ArrayList<>();
        for (String side : List.of("left", "right")) {
            JsonNode g = r.get(side);
            if (g != null && !g.isNull()) {
                int n = g.path("n").asInt();
                sides.add(n >= 2 ? "sd " + Fmt.sig(number(g.get("std"))) + " (n=" + n + ")" : "n=" + n);
            }
        }
        String s = String.join(" vs ", sides);
        return sides.stream().allMatch(x -> x.equals("n=1")) ? s + ": no spread" : s;
    }

    /** A JSON number, or NaN for {@code "NaN"}, null or absent. */
    static double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
