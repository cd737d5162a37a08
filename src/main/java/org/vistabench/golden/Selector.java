package org.vistabench.golden;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vistabench.spec.Cell;

/**
 * Selects cells by glob patterns per coordinate ({@code *} any run of characters, {@code ?} one character). A key
 * that is absent matches everything; a key with several patterns matches any of them.
 *
 * @param patterns per coordinate, in {@link Coordinate} order; each list non-empty
 */
public record Selector(Map<Coordinate, List<String>> patterns) {
    public Selector {
        EnumMap<Coordinate, List<String>> copy = new EnumMap<>(Coordinate.class);
        patterns.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        patterns = java.util.Collections.unmodifiableMap(copy);
    }

    public static Selector of(Map<Coordinate, List<String>> patterns) {
        return new Selector(patterns);
    }

    public static Selector all() {
        return new Selector(Map.of());
    }

    public boolean matches(Cell cell) {
        for (Map.Entry<Coordinate, List<String>> e : patterns.entrySet()) {
            String value = e.getKey().of(cell);
            if (e.getValue().stream().noneMatch(p -> glob(p).matcher(value).matches())) {
                return false;
            }
        }
        return true;
    }

    /** This selection with {@code side}'s keys replacing this one's (how {@code ratio_of}/{@code compare} refine {@code for}). */
    public Selector with(Selector side) {
        EnumMap<Coordinate, List<String>> merged = new EnumMap<>(Coordinate.class);
        merged.putAll(patterns);
        merged.putAll(side.patterns);
        return new Selector(merged);
    }

    public java.util.Set<Coordinate> keys() {
        return patterns.keySet();
    }

    /** The selection as a YAML-like flow mapping, e.g. {@code {encoder: mini-dino, sae_layers: [early, all]}}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        patterns.forEach((k, v) -> parts.add(k.key() + ": " + (v.size() == 1 ? v.get(0) : "[" + String.join(", ", v) + "]")));
        return "{" + String.join(", ", parts) + "}";
    }

    /** The side's own values joined by "/", used to name one side of a pair ({@code early}, {@code mini-dino}). */
    public String shortName() {
        return patterns.values().stream().map(v -> String.join("|", v)).collect(Collectors.joining("/"));
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }
}
