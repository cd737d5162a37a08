package org.vistabench.golden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vistabench.core.FileError;
import org.vistabench.io.Sha256;
import org.vistabench.spec.Suggest;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

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
    static final List<String> SELECTOR_KEYS =
            java.util.Arrays.stream(Coordinate.values()).map(Coordinate::key).toList();

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");

    private final String file;
    private final List<FileError> errors = new ArrayList<>();
    // Mappings that had unknown keys, and the keys suggested for them: a misspelt key is reported once, as unknown
    // with its suggestion, not a second time as the missing key it was meant to be.
    private final Map<Node, java.util.Set<String>> suggested = new java.util.IdentityHashMap<>();

    private GoldenLoader(String file) {
        this.file = file;
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
        GoldenLoader loader = new GoldenLoader(path.toString());
        List<Claim> claims = new ArrayList<>();
        String name = loader.parse(new String(bytes, StandardCharsets.UTF_8), claims);
        if (!loader.errors.isEmpty()) {
            throw new GoldenException(loader.errors);
        }
        return new Golden(path, Sha256.hex(bytes), name, claims);
    }

    private String parse(String text, List<Claim> claims) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            errors.add(new FileError(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, "",
                    "invalid YAML: " + problem.replace('\n', ' ')));
            return null;
        } catch (YAMLException e) {
            errors.add(new FileError(file, 1, 1, "", "invalid YAML: " + String.valueOf(e.getMessage()).replace('\n', ' ')));
            return null;
        }
        if (root == null) {
            errors.add(new FileError(file, 1, 1, "", "empty golden file: expected a mapping with a 'claims' list"));
            return null;
        }
        Map<String, NodeTuple> top = mapping(root, "", TOP_KEYS);
        if (top == null) {
            return null;
        }
        String name = top.containsKey("name") ? string(top.get("name").getValueNode(), "name") : null;
        if (top.containsKey("description")) {
            string(top.get("description").getValueNode(), "description");
        }
        if (top.containsKey("paper")) {
            string(top.get("paper").getValueNode(), "paper");
        }
        NodeTuple claimsTuple = top.get("claims");
        if (claimsTuple == null) {
            error(root, "", "missing key 'claims' (a list of claims)");
            return name;
        }
        Node list = claimsTuple.getValueNode();
        if (!(list instanceof SequenceNode seq)) {
            error(list, "claims", "expected a list of claims, got " + describe(list));
            return name;
        }
        if (seq.getValue().isEmpty()) {
            error(list, "claims", "expected at least one claim, got an empty list");
        }
        Map<String, Node> seen = new LinkedHashMap<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            Claim c = claim(item, "claims[" + i + "]", seen);
            if (c != null) {
                claims.add(c);
            }
        }
        return name;
    }

    private Claim claim(Node node, String path, Map<String, Node> seen) {
        Map<String, NodeTuple> m = mapping(node, path, CLAIM_KEYS);
        if (m == null) {
            return null;
        }
        int before = errors.size();
        String id = required(node, m, "id", path);
        if (id != null) {
            Node idNode = m.get("id").getValueNode();
            if (!ID.matcher(id).matches()) {
                error(idNode, path + ".id", "expected an id of letters, digits, '.', '_' or '-', got \"" + id + "\"");
            } else if (seen.containsKey(id)) {
                error(idNode, path + ".id", "duplicate claim id \"" + id + "\" (first used at line "
                        + (seen.get(id).getStartMark().getLine() + 1) + ")");
            } else {
                seen.put(id, idNode);
            }
        }
        String source = required(node, m, "source", path);
        String metric = required(node, m, "metric", path);
        if (metric != null && !METRIC.matcher(metric).matches()) {
            error(m.get("metric").getValueNode(), path + ".metric",
                    "expected a metric name like \"<provider>.<metric>\", got \"" + metric + "\"");
        }
        String baseline = null;
        if (m.containsKey("baseline")) {
            baseline = string(m.get("baseline").getValueNode(), path + ".baseline");
            if (baseline != null && !METRIC.matcher(baseline).matches()) {
                error(m.get("baseline").getValueNode(), path + ".baseline",
                        "expected a metric name like \"<provider>.<metric>\", got \"" + baseline + "\"");
            } else if (baseline != null && baseline.equals(metric)) {
                error(m.get("baseline").getValueNode(), path + ".baseline",
                        "the baseline is the claim's own metric; the difference would always be 0");
            }
        }
        Selector select = Selector.of(Map.of(Coordinate.CONTROL, List.of("none")));
        if (m.containsKey("for")) {
            Selector s = selector(m.get("for").getValueNode(), path + ".for", true);
            if (s != null) {
                // control defaults to none: the referee's controls only enter a claim that names them.
                select = select.with(s);
            }
        }
        String knownFailure = m.containsKey("known_failure")
                ? string(m.get("known_failure").getValueNode(), path + ".known_failure") : null;
        if (knownFailure != null && knownFailure.isBlank()) {
            error(m.get("known_failure").getValueNode(), path + ".known_failure",
                    "expected a reason why the claim is known not to reproduce, got an empty string");
        }
        String note = m.containsKey("note") ? string(m.get("note").getValueNode(), path + ".note") : null;
        Expectation expect = null;
        if (!m.containsKey("expect")) {
            if (!misspelt(node, "expect")) {
                error(node, path, "missing key 'expect'");
            }
        } else {
            expect = expectation(m.get("expect").getValueNode(), path + ".expect");
        }
        if (errors.size() > before || id == null || source == null || metric == null || expect == null) {
            return null;
        }
        return new Claim(id, source, metric, baseline, select, expect, knownFailure, note,
                node.getStartMark().getLine() + 1);
    }

    private Expectation expectation(Node node, String path) {
        Map<String, NodeTuple> m = mapping(node, path, EXPECT_KEYS);
        if (m == null) {
            return null;
        }
        boolean relative = m.containsKey("ratio_of") || m.containsKey("to");
        boolean relational = m.containsKey("compare") || m.containsKey("greater_than") || m.containsKey("less_than")
                || m.containsKey("by_at_least");
        if (relative && relational) {
            error(node, path, "mixes a ratio (ratio_of/to) with a comparison (compare/greater_than/less_than); "
                    + "write two claims");
            return null;
        }
        if (relative) {
            return ratio(node, m, path);
        }
        if (relational) {
            return compare(node, m, path);
        }
        return absolute(node, m, path);
    }

    private Expectation absolute(Node node, Map<String, NodeTuple> m, String path) {
        Double value = number(m, "value", path);
        Double tolerance = number(m, "tolerance", path);
        Double atLeast = number(m, "at_least", path);
        Double atMost = number(m, "at_most", path);
        if (m.containsKey("value")) {
            if (m.containsKey("at_least") || m.containsKey("at_most")) {
                error(node, path, "'value' cannot be combined with 'at_least'/'at_most'; use value+tolerance or a range");
                return null;
            }
            if (!m.containsKey("tolerance")) {
                error(node, path, "'value' needs a 'tolerance' (how far the measured mean may be from it)");
                return null;
            }
            if (tolerance != null && tolerance < 0) {
                error(m.get("tolerance").getValueNode(), path + ".tolerance",
                        "expected a number >= 0, got " + Numbers.plain(tolerance));
                return null;
            }
            return value == null || tolerance == null ? null : new Expectation.Absolute(Bound.around(value, tolerance));
        }
        if (m.containsKey("tolerance")) {
            error(m.get("tolerance").getKeyNode(), path + ".tolerance", "'tolerance' only goes with 'value'");
            return null;
        }
        return bound(node, m, path, atLeast, atMost, "expected one of {value, tolerance}, {at_least}, {at_most}, "
                + "{at_least, at_most}, {ratio_of, to, at_least|at_most} or {compare, greater_than|less_than}")
                .map(Expectation.Absolute::new).orElse(null);
    }

    private Expectation ratio(Node node, Map<String, NodeTuple> m, String path) {
        for (String k : List.of("value", "tolerance")) {
            if (m.containsKey(k)) {
                error(m.get(k).getKeyNode(), path + "." + k, "a ratio takes 'at_least' and/or 'at_most', not '" + k + "'");
            }
        }
        Selector of = side(node, m, "ratio_of", path);
        Selector to = side(node, m, "to", path);
        Double atLeast = number(m, "at_least", path);
        Double atMost = number(m, "at_most", path);
        var bound = bound(node, m, path, atLeast, atMost, "a ratio needs 'at_least' and/or 'at_most'");
        if (of == null || to == null || bound.isEmpty()) {
            return null;
        }
        if (!sameKeys(m, of, to, "ratio_of", "to", path)) {
            return null;
        }
        return new Expectation.Ratio(of, to, bound.get());
    }

    private Expectation compare(Node node, Map<String, NodeTuple> m, String path) {
        for (String k : List.of("value", "tolerance", "at_least", "at_most")) {
            if (m.containsKey(k)) {
                error(m.get(k).getKeyNode(), path + "." + k,
                        "a comparison takes 'by_at_least', not '" + k + "'");
            }
        }
        boolean greater = m.containsKey("greater_than");
        boolean less = m.containsKey("less_than");
        if (greater && less) {
            error(node, path, "give 'greater_than' or 'less_than', not both");
            return null;
        }
        Selector left = side(node, m, "compare", path);
        Selector right = null;
        if (!greater && !less) {
            if (!misspelt(node, "greater_than") && !misspelt(node, "less_than")) {
                error(node, path, "a comparison needs 'greater_than' or 'less_than'");
            }
        } else {
            right = side(node, m, greater ? "greater_than" : "less_than", path);
        }
        Double by = number(m, "by_at_least", path);
        if (by != null && by < 0) {
            error(m.get("by_at_least").getValueNode(), path + ".by_at_least",
                    "expected a number >= 0 (the direction is set by greater_than/less_than), got " + Numbers.plain(by));
            return null;
        }
        if (left == null || right == null || (m.containsKey("by_at_least") && by == null)) {
            return null;
        }
        if (!sameKeys(m, left, right, "compare", greater ? "greater_than" : "less_than", path)) {
            return null;
        }
        return new Expectation.Compare(left, right, greater, by == null ? 0.0 : by);
    }

    private boolean sameKeys(Map<String, NodeTuple> m, Selector a, Selector b, String ka, String kb, String path) {
        if (!a.keys().equals(b.keys())) {
            error(m.get(kb).getValueNode(), path + "." + kb, "'" + ka + "' and '" + kb + "' must name the same keys "
                    + "(the others pair the two sides); got " + keyList(a) + " and " + keyList(b));
            return false;
        }
        if (a.equals(b)) {
            error(m.get(kb).getValueNode(), path + "." + kb, "selects the same cells as '" + ka + "': " + a.describe());
            return false;
        }
        return true;
    }

    private static String keyList(Selector s) {
        return s.keys().stream().map(Coordinate::key).toList().toString();
    }

    private java.util.Optional<Bound> bound(Node node, Map<String, NodeTuple> m, String path, Double atLeast,
                                            Double atMost, String whenNone) {
        boolean hasLeast = m.containsKey("at_least");
        boolean hasMost = m.containsKey("at_most");
        if (!hasLeast && !hasMost) {
            if (!hadUnknownKeys(node)) {
                error(node, path, whenNone);
            }
            return java.util.Optional.empty();
        }
        if ((hasLeast && atLeast == null) || (hasMost && atMost == null)) {
            return java.util.Optional.empty();
        }
        if (atLeast != null && atMost != null && atLeast > atMost) {
            error(m.get("at_most").getValueNode(), path + ".at_most", "empty range: at_least " + Numbers.plain(atLeast)
                    + " > at_most " + Numbers.plain(atMost));
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Bound.range(atLeast, atMost));
    }

    private Selector side(Node parent, Map<String, NodeTuple> m, String key, String path) {
        if (!m.containsKey(key)) {
            if (!misspelt(parent, key)) {
                error(parent, path, "missing key '" + key + "'");
            }
            return null;
        }
        return selector(m.get(key).getValueNode(), path + "." + key, false);
    }

    private Selector selector(Node node, String path, boolean emptyAllowed) {
        Map<String, NodeTuple> m = mapping(node, path, SELECTOR_KEYS);
        if (m == null) {
            return null;
        }
        if (m.isEmpty() && !emptyAllowed) {
            error(node, path, "expected at least one of " + SELECTOR_KEYS + ", got an empty mapping");
            return null;
        }
        Map<Coordinate, List<String>> patterns = new EnumMap<>(Coordinate.class);
        boolean ok = true;
        for (Map.Entry<String, NodeTuple> e : m.entrySet()) {
            Node v = e.getValue().getValueNode();
            String p = path + "." + e.getKey();
            List<String> globs = new ArrayList<>();
            if (v instanceof SequenceNode seq) {
                if (seq.getValue().isEmpty()) {
                    error(v, p, "expected a name, a glob or a non-empty list of them, got an empty list");
                    ok = false;
                }
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String s = nonEmpty(seq.getValue().get(i), p + "[" + i + "]");
                    ok &= s != null;
                    globs.add(s);
                }
            } else {
                String s = nonEmpty(v, p);
                ok &= s != null;
                globs.add(s);
            }
            Coordinate.byKey(e.getKey()).ifPresent(c -> patterns.put(c, globs));
        }
        return ok ? Selector.of(patterns) : null;
    }

    private String nonEmpty(Node node, String path) {
        String s = string(node, path);
        if (s != null && s.isEmpty()) {
            error(node, path, "expected a name or a glob, got an empty string");
            return null;
        }
        return s;
    }

    private String required(Node parent, Map<String, NodeTuple> m, String key, String path) {
        if (!m.containsKey(key)) {
            if (!misspelt(parent, key)) {
                error(parent, path, "missing key '" + key + "'");
            }
            return null;
        }
        String s = string(m.get(key).getValueNode(), path + "." + key);
        if (s != null && s.isBlank()) {
            error(m.get(key).getValueNode(), path + "." + key, "expected a non-empty string");
            return null;
        }
        return s;
    }

    /** A scalar as text. Numbers and booleans are accepted as their text, since ids like {@code 2b} are plain scalars. */
    private String string(Node node, String path) {
        if (node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return s.getValue();
        }
        error(node, path, "expected a string, got " + describe(node));
        return null;
    }

    private Double number(Map<String, NodeTuple> m, String key, String path) {
        NodeTuple t = m.get(key);
        if (t == null) {
            return null;
        }
        Node node = t.getValueNode();
        String p = path + "." + key;
        if (node instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
                && !Tag.NULL.equals(s.getTag())) {
            try {
                double d = Double.parseDouble(s.getValue().replace("_", ""));
                if (!Double.isFinite(d)) {
                    error(node, p, "expected a finite number, got " + s.getValue());
                    return null;
                }
                return d;
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        error(node, p, "expected a number, got " + describe(node));
        return null;
    }

    /** The keys of a mapping node; unknown and duplicate keys are reported (with a did-you-mean), then skipped. */
    private Map<String, NodeTuple> mapping(Node node, String path, List<String> allowed) {
        if (!(node instanceof MappingNode mn)) {
            error(node, path, "expected a mapping, got " + describe(node));
            return null;
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode ks)) {
                error(k, path, "expected a plain key, got " + describe(k));
                continue;
            }
            String key = ks.getValue();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (!allowed.contains(key)) {
                java.util.Set<String> hints = suggested.computeIfAbsent(node, x -> new java.util.HashSet<>());
                // Looser than spec files' rule: two edits even for short keys, and no prefix matches.
                Optional<String> hint = Suggest.closest(key, allowed, Math.max(2, key.length() / 3));
                hint.ifPresent(hints::add);
                error(k, keyPath, "unknown key '" + key + "'" + hint.map(s -> " (did you mean '" + s + "'?)")
                        .orElse("") + "; allowed: " + String.join(", ", allowed));
                continue;
            }
            if (out.containsKey(key)) {
                error(k, keyPath, "duplicate key '" + key + "' (first at line "
                        + (out.get(key).getKeyNode().getStartMark().getLine() + 1) + ")");
                continue;
            }
            out.put(key, t);
        }
        return out;
    }

    /** Whether a missing {@code key} of {@code mapping} was already reported as a misspelt key. */
    private boolean misspelt(Node mapping, String key) {
        return suggested.getOrDefault(mapping, java.util.Set.of()).contains(key);
    }

    private boolean hadUnknownKeys(Node mapping) {
        return suggested.containsKey(mapping);
    }

    private void error(Node node, String path, String message) {
        Mark m = node.getStartMark();
        errors.add(new FileError(file, m.getLine() + 1, m.getColumn() + 1, path, message));
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            if (Tag.NULL.equals(s.getTag())) {
                return "nothing (null)";
            }
            return "\"" + s.getValue() + "\"";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return "a " + node.getNodeId();
    }
}
