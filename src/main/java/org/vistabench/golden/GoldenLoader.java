package org.vistabench.golden;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vistabench.core.FileError;
import org.vistabench.io.Sha256;
import org.vistabench.spec.NodeReader;
import org.vistabench.spec.NodeReader.Entries;
import org.vistabench.spec.Suggest;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads a golden file through SnakeYAML's node API, so that every error names its line and column. It reports every
 * problem it finds in one {@link GoldenException}, not only the first, so a reviewer fixes a file in one pass.
 */
public final class GoldenLoader {
    static final List<String> TOP_KEYS = List.of("name", "description", "paper", "claims");
    static final List<String> CLAIM_KEYS =
            List.of("id", "source", "metric", "baseline", "for", "expect", "known_failure", "note");
    static final List<String> EXPECT_KEYS = List.of("value", "tolerance", "at_least", "at_most", "ratio_of", "to",
            "compare", "greater_than", "less_than", "by_at_least");
    static final List<String> SELECTOR_KEYS = Arrays.stream(Coordinate.values()).map(Coordinate::key).toList();

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");
    /**
     * Golden files' wording: {@code 'key'} quotes, "allowed:", a looser did-you-mean than specs' (two edits even for
     * short keys, and no prefix matches), and a missing key named at its mapping ({@code claims[0]: missing key 'id'}).
     */
    private static final NodeReader.Voice VOICE = new NodeReader.Voice('\'', "allowed:", GoldenLoader::suggest,
            true);

    /** Golden files' did-you-mean: the closest candidate within max(2, length / 3) edits, no prefix rule. */
    static java.util.Optional<String> suggest(String word, java.util.Collection<String> candidates) {
        return Suggest.closest(word, candidates, Math.max(2, word.length() / 3));
    }
    private static final String STRING = "a string";

    private final NodeReader r;

    private GoldenLoader(String file) {
        this.r = new NodeReader(file, VOICE);
    }

    /** Loads and validates {@code path}; throws {@link GoldenException} listing every problem. */
    public static Golden load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new GoldenException(path + ": golden file not found");
        } catch (IOException e) {
            throw new GoldenException(path + ": cannot read golden file: " + e.getMessage());
        }
        Node root = compose(path.toString(), new String(bytes, StandardCharsets.UTF_8));
        GoldenLoader loader = new GoldenLoader(path.toString());
        List<Claim> claims = new ArrayList<>();
        String name = loader.read(root, claims);
        if (!loader.r.errors().isEmpty()) {
            throw new GoldenException(loader.r.errors());
        }
        return new Golden(path, Sha256.hex(bytes), name, claims);
    }

    /** The node tree of a golden file; invalid YAML and an empty file are refused at their position. */
    private static Node compose(String file, String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new GoldenException(List.of(new FileError(file, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, "", "invalid YAML: " + problem.replace('\n', ' '))));
        } catch (YAMLException e) {
            throw new GoldenException(List.of(new FileError(file, 1, 1, "",
                    "invalid YAML: " + String.valueOf(e.getMessage()).replace('\n', ' '))));
        }
        if (root == null) {
            throw new GoldenException(List.of(new FileError(file, 1, 1, "",
                    "empty golden file: expected a mapping with a 'claims' list")));
        }
        return root;
    }

    private String read(Node root, List<Claim> claims) {
        Entries top = r.mapping(root, "", TOP_KEYS);
        if (top == null) {
            return null;
        }
        String name = top.has("name") ? r.text(top.get("name"), "name", STRING) : null;
        if (top.has("description")) {
            r.text(top.get("description"), "description", STRING);
        }
        if (top.has("paper")) {
            r.text(top.get("paper"), "paper", STRING);
        }
        if (!r.required(top, "claims", "a list of claims")) {
            return name;
        }
        List<Node> items = r.list(top.get("claims"), "claims", "a list of claims", false);
        if (items == null) {
            return name;
        }
        if (items.isEmpty()) {
            r.error(top.get("claims"), "claims", "expected at least one claim, got an empty list");
        }
        Map<String, Node> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Claim c = claim(items.get(i), "claims[" + i + "]", seen);
            if (c != null) {
                claims.add(c);
            }
        }
        return name;
    }

    private Claim claim(Node node, String path, Map<String, Node> seen) {
        Entries m = r.mapping(node, path, CLAIM_KEYS);
        if (m == null) {
            return null;
        }
        int before = r.errors().size();
        String id = requiredText(m, "id");
        if (id != null) {
            Node idNode = m.get("id");
            if (!ID.matcher(id).matches()) {
                r.error(idNode, m.path("id"), "expected an id of letters, digits, '.', '_' or '-', got \"" + id + "\"");
            } else if (seen.containsKey(id)) {
                r.error(idNode, m.path("id"), "duplicate claim id \"" + id + "\" (first used at line "
                        + NodeReader.line(seen.get(id)) + ")");
            } else {
                seen.put(id, idNode);
            }
        }
        String source = requiredText(m, "source");
        String metric = requiredText(m, "metric");
        if (metric != null && !METRIC.matcher(metric).matches()) {
            r.error(m.get("metric"), m.path("metric"),
                    "expected a metric name like \"<provider>.<metric>\", got \"" + metric + "\"");
        }
        String baseline = null;
        if (m.has("baseline")) {
            baseline = r.text(m.get("baseline"), m.path("baseline"), STRING);
            if (baseline != null && !METRIC.matcher(baseline).matches()) {
                r.error(m.get("baseline"), m.path("baseline"),
                        "expected a metric name like \"<provider>.<metric>\", got \"" + baseline + "\"");
            } else if (baseline != null && baseline.equals(metric)) {
                r.error(m.get("baseline"), m.path("baseline"),
                        "the baseline is the claim's own metric; the difference would always be 0");
            }
        }
        Selector select = Selector.of(Map.of(Coordinate.CONTROL, List.of("none")));
        if (m.has("for")) {
            Selector s = selector(m.get("for"), m.path("for"), true);
            if (s != null) {
                // control defaults to none: the referee's controls only enter a claim that names them.
                select = select.with(s);
            }
        }
        String knownFailure = m.has("known_failure")
                ? r.text(m.get("known_failure"), m.path("known_failure"), STRING) : null;
        if (knownFailure != null && knownFailure.isBlank()) {
            r.error(m.get("known_failure"), m.path("known_failure"),
                    "expected a reason why the claim is known not to reproduce, got an empty string");
        }
        String note = m.has("note") ? r.text(m.get("note"), m.path("note"), STRING) : null;
        Expectation expect = r.required(m, "expect", null) ? expectation(m.get("expect"), m.path("expect")) : null;
        if (r.errors().size() > before || id == null || source == null || metric == null || expect == null) {
            return null;
        }
        return new Claim(id, source, metric, baseline, select, expect, knownFailure, note, NodeReader.line(node));
    }

    private Expectation expectation(Node node, String path) {
        Entries m = r.mapping(node, path, EXPECT_KEYS);
        if (m == null) {
            return null;
        }
        boolean relative = m.has("ratio_of") || m.has("to");
        boolean relational = m.has("compare") || m.has("greater_than") || m.has("less_than") || m.has("by_at_least");
        if (relative && relational) {
            r.error(node, path, "mixes a ratio (ratio_of/to) with a comparison (compare/greater_than/less_than); "
                    + "write two claims");
            return null;
        }
        if (relative) {
            return ratio(m);
        }
        if (relational) {
            return compare(m);
        }
        return absolute(m);
    }

    private Expectation absolute(Entries m) {
        Double value = number(m, "value");
        Double tolerance = number(m, "tolerance");
        Double atLeast = number(m, "at_least");
        Double atMost = number(m, "at_most");
        if (m.has("value")) {
            if (m.has("at_least") || m.has("at_most")) {
                r.error(m.node(), m.path(), "'value' cannot be combined with 'at_least'/'at_most'; use value+tolerance "
                        + "or a range");
                return null;
            }
            if (!m.has("tolerance")) {
                r.error(m.node(), m.path(), "'value' needs a 'tolerance' (how far the measured mean may be from it)");
                return null;
            }
            if (tolerance != null && tolerance < 0) {
                r.error(m.get("tolerance"), m.path("tolerance"),
                        "expected a number >= 0, got " + Numbers.plain(tolerance));
                return null;
            }
            return value == null || tolerance == null ? null : new Expectation.Absolute(Bound.around(value, tolerance));
        }
        if (m.has("tolerance")) {
            r.error(m.keyNode("tolerance"), m.path("tolerance"), "'tolerance' only goes with 'value'");
            return null;
        }
        return bound(m, atLeast, atMost, "expected one of {value, tolerance}, {at_least}, {at_most}, "
                + "{at_least, at_most}, {ratio_of, to, at_least|at_most} or {compare, greater_than|less_than}")
                .map(Expectation.Absolute::new).orElse(null);
    }

    private Expectation ratio(Entries m) {
        for (String k : List.of("value", "tolerance")) {
            if (m.has(k)) {
                r.error(m.keyNode(k), m.path(k), "a ratio takes 'at_least' and/or 'at_most', not '" + k + "'");
            }
        }
        Selector of = side(m, "ratio_of");
        Selector to = side(m, "to");
        Double atLeast = number(m, "at_least");
        Double atMost = number(m, "at_most");
        Optional<Bound> bound = bound(m, atLeast, atMost, "a ratio needs 'at_least' and/or 'at_most'");
        if (of == null || to == null || bound.isEmpty()) {
            return null;
        }
        if (!sameKeys(m, of, to, "ratio_of", "to")) {
            return null;
        }
        return new Expectation.Ratio(of, to, bound.get());
    }

    private Expectation compare(Entries m) {
        for (String k : List.of("value", "tolerance", "at_least", "at_most")) {
            if (m.has(k)) {
                r.error(m.keyNode(k), m.path(k), "a comparison takes 'by_at_least', not '" + k + "'");
            }
        }
        boolean greater = m.has("greater_than");
        boolean less = m.has("less_than");
        if (greater && less) {
            r.error(m.node(), m.path(), "give 'greater_than' or 'less_than', not both");
            return null;
        }
        Selector left = side(m, "compare");
        Selector right = null;
        if (!greater && !less) {
            if (!r.misspelt(m, "greater_than") && !r.misspelt(m, "less_than")) {
                r.error(m.node(), m.path(), "a comparison needs 'greater_than' or 'less_than'");
            }
        } else {
            right = side(m, greater ? "greater_than" : "less_than");
        }
        Double by = number(m, "by_at_least");
        if (by != null && by < 0) {
            r.error(m.get("by_at_least"), m.path("by_at_least"),
                    "expected a number >= 0 (the direction is set by greater_than/less_than), got " + Numbers.plain(by));
            return null;
        }
        if (left == null || right == null || (m.has("by_at_least") && by == null)) {
            return null;
        }
        if (!sameKeys(m, left, right, "compare", greater ? "greater_than" : "less_than")) {
            return null;
        }
        return new Expectation.Compare(left, right, greater, by == null ? 0.0 : by);
    }

    private boolean sameKeys(Entries m, Selector a, Selector b, String ka, String kb) {
        if (!a.keys().equals(b.keys())) {
            r.error(m.get(kb), m.path(kb), "'" + ka + "' and '" + kb + "' must name the same keys "
                    + "(the others pair the two sides); got " + keyList(a) + " and " + keyList(b));
            return false;
        }
        if (a.equals(b)) {
            r.error(m.get(kb), m.path(kb), "selects the same cells as '" + ka + "': " + a.describe());
            return false;
        }
        return true;
    }

    private static String keyList(Selector s) {
        return s.keys().stream().map(Coordinate::key).toList().toString();
    }

    private Optional<Bound> bound(Entries m, Double atLeast, Double atMost, String whenNone) {
        boolean hasLeast = m.has("at_least");
        boolean hasMost = m.has("at_most");
        if (!hasLeast && !hasMost) {
            if (!r.hadUnknownKeys(m)) {
                r.error(m.node(), m.path(), whenNone);
            }
            return Optional.empty();
        }
        if ((hasLeast && atLeast == null) || (hasMost && atMost == null)) {
            return Optional.empty();
        }
        if (atLeast != null && atMost != null && atLeast > atMost) {
            r.error(m.get("at_most"), m.path("at_most"), "empty range: at_least " + Numbers.plain(atLeast)
                    + " > at_most " + Numbers.plain(atMost));
            return Optional.empty();
        }
        return Optional.of(Bound.range(atLeast, atMost));
    }

    private Selector side(Entries m, String key) {
        return r.required(m, key, null) ? selector(m.get(key), m.path(key), false) : null;
    }

    private Selector selector(Node node, String path, boolean emptyAllowed) {
        Entries m = r.mapping(node, path, SELECTOR_KEYS);
        if (m == null) {
            return null;
        }
        if (m.byKey().isEmpty() && !emptyAllowed) {
            r.error(node, path, "expected at least one of " + SELECTOR_KEYS + ", got an empty mapping");
            return null;
        }
        Map<Coordinate, List<String>> patterns = new EnumMap<>(Coordinate.class);
        boolean ok = true;
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            Node v = e.getValue().getValueNode();
            String p = m.path(e.getKey());
            List<String> globs = new ArrayList<>();
            if (v instanceof SequenceNode seq) {
                if (seq.getValue().isEmpty()) {
                    r.error(v, p, "expected a name, a glob or a non-empty list of them, got an empty list");
                    ok = false;
                }
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String s = r.string(seq.getValue().get(i), p + "[" + i + "]", "a name or a glob");
                    ok &= s != null;
                    globs.add(s);
                }
            } else {
                String s = r.string(v, p, "a name or a glob");
                ok &= s != null;
                globs.add(s);
            }
            Coordinate.byKey(e.getKey()).ifPresent(c -> patterns.put(c, globs));
        }
        return ok ? Selector.of(patterns) : null;
    }

    /** A required key's text, which must not be blank. */
    private String requiredText(Entries m, String key) {
        if (!r.required(m, key, null)) {
            return null;
        }
        String s = r.text(m.get(key), m.path(key), STRING);
        if (s != null && s.isBlank()) {
            r.error(m.get(key), m.path(key), "expected a non-empty string");
            return null;
        }
        return s;
    }

    /** The number under {@code key}, or {@code null} when the key is absent or its value was reported. */
    private Double number(Entries m, String key) {
        return m.has(key) ? r.number(m.get(key), m.path(key), "a number") : null;
    }
}
