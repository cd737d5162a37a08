package org.vistabench.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import org.vistabench.core.FileError;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a composed YAML node tree, whose nodes keep their line and column, and collects every problem as a located
 * {@link FileError} instead of stopping at the first: a loader checks the whole file and reports all of it at once.
 * Spec files and golden files both read through this class, each in its own {@link Voice}.
 *
 * <p>Each method that reads a value reports what was expected and what was found, then returns {@code null}, so the
 * caller goes on with the rest of the file. {@code path} arguments are key paths such as {@code train.lr} or
 * {@code claims[2].expect}; they name the value in the error.
 */
public final class NodeReader {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern FLOATING = Pattern.compile("[-+]?([0-9][0-9_]*)?(\\.[0-9_]*)?([eE][-+]?[0-9]+)?");
    /** YAML's and Java's spellings of the numbers that are not finite; refused with their own message. */
    private static final Pattern NOT_FINITE =
            Pattern.compile("[-+]?(\\.inf|\\.Inf|\\.INF|Infinity)|\\.nan|\\.NaN|\\.NAN|NaN");
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    /**
     * How a kind of file words its key errors. Spec files and golden files grew their messages apart before they
     * shared this reader; users and tests know both, so the reader speaks either way rather than changing them.
     *
     * @param quote quotes keys and did-you-mean candidates: {@code "} in specs, {@code '} in golden files
     * @param allowedIntro introduces the allowed keys after an unknown one: {@code expected one of},
     *     {@code allowed:}
     * @param suggest the did-you-mean rule: the plausible candidate closest to a misspelt word, if any
     * @param missingAtParent whether a missing key is reported at the mapping's path ({@code claims[0]: missing key
     *     'id'}) rather than at its own ({@code train.steps: missing required key (expected a positive integer)})
     */
    public record Voice(char quote, String allowedIntro,
                        BiFunction<String, Collection<String>, Optional<String>> suggest, boolean missingAtParent) {
    }

    /** A scalar after interpolation; {@code plain} scalars get YAML's implicit types, quoted ones are strings. */
    public record Scalar(ScalarNode node, String value, boolean plain) {
        /** Whether the scalar is YAML's null: plain {@code ~}, {@code null} or nothing at all. */
        public boolean isNull() {
            return plain && NULLS.contains(value);
        }
    }

    /**
     * A mapping's accepted entries by key (first occurrence; unknown, duplicate and merge keys are reported and left
     * out), with the mapping node, which locates the errors about keys that are missing.
     */
    public record Entries(MappingNode node, String path, Map<String, NodeTuple> byKey) {
        public boolean has(String key) {
            return byKey.containsKey(key);
        }

        /** The value node of {@code key}, or {@code null} when the key is absent. */
        public Node get(String key) {
            NodeTuple t = byKey.get(key);
            return t == null ? null : t.getValueNode();
        }

        public Node keyNode(String key) {
            return byKey.get(key).getKeyNode();
        }

        public String path(String key) {
            return join(path, key);
        }
    }

    private final String file;
    private final Voice voice;
    private final Map<String, String> env;
    private final Resolver resolver = new Resolver();
    private final List<FileError> errors = new ArrayList<>();
    // Mappings that had unknown (or merge) keys, and the keys suggested for them: a misspelt key is reported once, as
    // unknown with its suggestion, not a second time as the missing key it was meant to be.
    private final Map<Node, Set<String>> suggested = new IdentityHashMap<>();
    // Where each mapping and each of its values starts, by key path: later checks (files, models) point there.
    private final Map<String, Position> positions = new LinkedHashMap<>();

    /** A 1-based line and column in the file. */
    public record Position(int line, int column) {
        static Position of(Node n) {
            Mark m = n.getStartMark();
            return new Position(m.getLine() + 1, m.getColumn() + 1);
        }
    }

    /** A reader that takes scalars as written. */
    public NodeReader(String file, Voice voice) {
        this(file, voice, null);
    }

    /** A reader that interpolates {@code ${VAR}} and {@code ${VAR:-default}} in scalars from {@code env}. */
    public NodeReader(String file, Voice voice, Map<String, String> env) {
        this.file = file;
        this.voice = voice;
        this.env = env;
    }

    /** Where each mapping read so far, and each of its values, starts (key path → position). */
    public Map<String, Position> positions() {
        return Collections.unmodifiableMap(positions);
    }

    /** Every problem reported so far, in the order found. */
    public List<FileError> errors() {
        return Collections.unmodifiableList(errors);
    }

    // ---- structure ------------------------------------------------------------------------------------------

    /**
     * The entries of a mapping. Reports non-scalar, duplicate and merge ({@code <<}) keys, and keys not in
     * {@code allowed} (with a did-you-mean); {@code allowed == null} means any key is fine.
     */
    public Entries mapping(Node n, String path, List<String> allowed) {
        if (!(n instanceof MappingNode mn)) {
            error(n, path, "expected a mapping, got " + describe(n));
            return null;
        }
        Map<String, NodeTuple> byKey = new LinkedHashMap<>();
        positions.putIfAbsent(path, Position.of(mn));
        for (NodeTuple t : mn.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), path, "expected a plain key, got " + describe(t.getKeyNode()));
                continue;
            }
            String key = k.getValue();
            NodeTuple first = byKey.get(key);
            if (first != null) {
                error(k, join(path, key), "duplicate key " + quote(key) + " (first at line " + line(first.getKeyNode())
                        + ")");
            } else if (key.equals("<<") && k.isPlain()) {
                suggested.computeIfAbsent(mn, x -> new HashSet<>());
                error(k, join(path, key), "merge keys (<<) are not supported; write the keys out");
            } else if (allowed != null && !allowed.contains(key)) {
                Optional<String> hint = voice.suggest().apply(key, allowed);
                Set<String> hints = suggested.computeIfAbsent(mn, x -> new HashSet<>());
                hint.ifPresent(hints::add);
                error(k, join(path, key), "unknown key " + quote(key) + hint.map(this::didYouMean).orElse("") + "; "
                        + voice.allowedIntro() + " " + String.join(", ", allowed));
            } else {
                byKey.put(key, t);
                positions.putIfAbsent(join(path, key), Position.of(t.getValueNode()));
            }
        }
        return new Entries(mn, path, byKey);
    }

    /**
     * Whether {@code key} is there; if not, reports it missing, unless the mapping had an unknown key that was
     * reported as a misspelling of it.
     *
     * @param expected what the key should hold, for the message; {@code null} to name only the key
     */
    public boolean required(Entries m, String key, String expected) {
        if (m.has(key)) {
            return true;
        }
        if (misspelt(m, key)) {
            return false;
        }
        if (voice.missingAtParent()) {
            error(m.node(), m.path(), "missing key " + quote(key) + (expected == null ? "" : " (" + expected + ")"));
        } else {
            error(m.node(), m.path(key), "missing required key" + (expected == null ? "" : " (expected " + expected
                    + ")"));
        }
        return false;
    }

    /** Whether an unknown key of {@code m} was reported as a misspelling of {@code key}. */
    public boolean misspelt(Entries m, String key) {
        return suggested.getOrDefault(m.node(), Set.of()).contains(key);
    }

    /** Whether {@code m} had keys that were reported as unknown (or as merge keys) and left out. */
    public boolean hadUnknownKeys(Entries m) {
        return suggested.containsKey(m.node());
    }

    /** The items of a list; {@code nonEmpty} refuses an empty one. */
    public List<Node> list(Node n, String p, String expected, boolean nonEmpty) {
        if (!(n instanceof SequenceNode seq)) {
            error(n, p, "expected " + expected + ", got " + describe(n));
            return null;
        }
        if (nonEmpty && seq.getValue().isEmpty()) {
            error(n, p, "expected " + expected + ", got an empty list");
            return null;
        }
        return seq.getValue();
    }

    // ---- scalars --------------------------------------------------------------------------------------------

    /** A scalar, interpolated when this reader has an environment. */
    public Scalar scalar(Node n, String p, String expected) {
        if (!(n instanceof ScalarNode sn)) {
            error(n, p, "expected " + expected + ", got " + describe(n));
            return null;
        }
        if (env == null) {
            return new Scalar(sn, sn.getValue(), sn.isPlain());
        }
        try {
            return new Scalar(sn, Interpolation.apply(sn.getValue(), env), sn.isPlain());
        } catch (Interpolation.Failure f) {
            error(n, p, f.getMessage());
            return null;
        }
    }

    /** A scalar's text, which may be empty; numbers and booleans count as their text ({@code 2b}, {@code 12}). */
    public String text(Node n, String p, String expected) {
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (s.isNull()) {
            error(n, p, "expected " + expected + ", got null");
            return null;
        }
        return s.value();
    }

    /** A scalar's text, which must not be empty. */
    public String string(Node n, String p, String expected) {
        String s = text(n, p, expected);
        if (s != null && s.isEmpty()) {
            error(n, p, "expected " + expected + ", got an empty string");
            return null;
        }
        return s;
    }

    /** One of {@code options}, with a did-you-mean for a near miss. */
    public String choice(Node n, String p, List<String> options) {
        String expected = "one of " + String.join("|", options);
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (s.isNull() || !options.contains(s.value())) {
            error(n, p, "expected " + expected + ", got " + describe(s) + didYouMean(s.value(), options));
            return null;
        }
        return s.value();
    }

    /** A plain decimal integer in {@code [min, max]} (the range is left out of the message when it is unbounded). */
    public Long integer(Node n, String p, long min, long max, String expected) {
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (!s.plain() || !DECIMAL.matcher(s.value()).matches()) {
            error(n, p, "expected " + expected + ", got " + describe(s));
            return null;
        }
        String ambiguous = ambiguousInteger(s.value());
        if (ambiguous != null) {
            error(n, p, "expected " + expected + ", got " + s.value() + ": " + ambiguous);
            return null;
        }
        long v;
        try {
            v = Long.parseLong(s.value().replace("_", ""));
        } catch (NumberFormatException e) {
            error(n, p, "expected " + expected + " " + range(min, max) + ", got " + s.value());
            return null;
        }
        if (v < min || v > max) {
            error(n, p, "expected " + expected + " " + range(min, max) + ", got " + v);
            return null;
        }
        return v;
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE ? "(at least " + min + ")" : "in [" + min + ", " + max + "]";
    }

    /**
     * Why an integer's spelling is refused although it parses: a leading zero ({@code 050} is octal 40 to a YAML 1.1
     * reader and 50 to a YAML 1.2 one) or digit separators ({@code 4_0}), which read as a different number than the
     * writer may mean; null when the spelling is plain.
     */
    static String ambiguousInteger(String v) {
        String digits = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        if (digits.length() > 1 && digits.startsWith("0")) {
            return "a leading zero reads as octal in YAML 1.1; write " + Long.parseLong(digits.replace("_", ""));
        }
        if (digits.contains("_")) {
            return "digit separators are not read the same by every YAML reader; write " + digits.replace("_", "");
        }
        return null;
    }

    public Long positiveInt(Node n, String p) {
        return integer(n, p, 1, Integer.MAX_VALUE, "a positive integer");
    }

    public Long nonNegativeLong(Node n, String p) {
        return integer(n, p, 0, Long.MAX_VALUE, "a non-negative integer");
    }

    /** A finite number in decimal or exponent notation, e.g. {@code 0.5}, {@code 4.0e-3}. */
    public Double number(Node n, String p, String expected) {
        return number(n, p, expected, d -> true);
    }

    /** A finite number that {@code accept}s; a refused one is reported as not {@code expected}. */
    public Double number(Node n, String p, String expected, DoublePredicate accept) {
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        String v = s.value();
        boolean numeral = s.plain() && isNumeral(v);
        double d = numeral ? Double.parseDouble(v.replace("_", "")) : Double.NaN;
        if (numeral && Double.isFinite(d) && accept.test(d)) {
            return d;
        }
        if (s.plain() && (NOT_FINITE.matcher(v).matches() || (numeral && !Double.isFinite(d)))) {
            error(n, p, "expected a finite number, got " + v);
        } else {
            error(n, p, "expected " + expected + ", got " + describe(s));
        }
        return null;
    }

    /**
     * Any node as plain Java values: Map (in file order), List, String, Integer or Long, Double, Boolean, or null, by
     * YAML's implicit types for plain scalars. Mappings take any keys.
     */
    public Object value(Node n, String p) {
        if (n instanceof MappingNode) {
            Entries m = mapping(n, p, null);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
                out.put(e.getKey(), value(e.getValue().getValueNode(), m.path(e.getKey())));
            }
            return Collections.unmodifiableMap(out);
        }
        if (n instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.add(value(seq.getValue().get(i), p + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        Scalar s = scalar(n, p, "a value");
        if (s == null) {
            return null;
        }
        if (!s.plain()) {
            return s.value();
        }
        Tag tag = resolver.resolve(NodeId.scalar, s.value(), true);
        String v = s.value();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Set.of("true", "yes", "on", "y").contains(v.toLowerCase(Locale.ROOT));
        }
        if (tag.equals(Tag.INT) && DECIMAL.matcher(v).matches()) {
            try {
                long l = Long.parseLong(v.replace("_", ""));
                return l == (int) l ? (Object) (int) l : (Object) l;
            } catch (NumberFormatException e) {
                error(n, p, "expected an integer that fits in 64 bits, got " + v);
                return null;
            }
        }
        if (tag.equals(Tag.FLOAT) && FLOATING.matcher(v).matches()) {
            return Double.parseDouble(v.replace("_", ""));
        }
        return v;
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    /** Reports a problem at {@code n}'s line and column. */
    public void error(Node n, String path, String message) {
        Mark m = n.getStartMark();
        errors.add(new FileError(file, m.getLine() + 1, m.getColumn() + 1, path, message));
    }

    /**
     * Reports a problem at the position recorded for {@code path}, or for its nearest recorded parent
     * ({@link #nearest}): for checks that run after the nodes were read.
     */
    public void errorAt(String path, String message) {
        Position at = nearest(positions, path);
        errors.add(new FileError(file, at == null ? 0 : at.line(), at == null ? 0 : at.column(), path, message));
    }

    /** The position of {@code path}, else of its nearest parent that has one ({@code a.b[2].c} → {@code a.b[2]} → …). */
    public static Position nearest(Map<String, Position> positions, String path) {
        String p = path;
        while (!p.isEmpty() && !positions.containsKey(p)) {
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return positions.get(p);
    }

    /** {@code " (did you mean "word"?)"} for the closest plausible candidate, or nothing. */
    public String didYouMean(String word, Collection<String> candidates) {
        return voice.suggest().apply(word, candidates).map(this::didYouMean).orElse("");
    }

    private String didYouMean(String candidate) {
        return " (did you mean " + quote(candidate) + "?)";
    }

    private String quote(String s) {
        return voice.quote() + s + voice.quote();
    }

    /** The 1-based line a node starts on. */
    public static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    /** {@code path.key}, or {@code key} at the top. */
    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether {@code n} is a plain null scalar. */
    public static boolean isNull(Node n) {
        return n instanceof ScalarNode sn && new Scalar(sn, sn.getValue(), sn.isPlain()).isNull();
    }

    /** What a node is, for "got ..." in messages: a value as written (cut at 60 characters), a list or a mapping. */
    public static String describe(Node n) {
        if (n instanceof ScalarNode sn) {
            return describe(new Scalar(sn, sn.getValue(), sn.isPlain()));
        }
        return n instanceof SequenceNode ? "a list" : "a mapping";
    }

    /** A scalar for "got ...": numbers and booleans bare, {@code null}, anything else quoted. */
    public static String describe(Scalar s) {
        if (s.isNull()) {
            return "null";
        }
        String v = s.value().length() > 60 ? s.value().substring(0, 57) + "..." : s.value();
        boolean bare = s.plain() && (isNumeral(v) || v.equals("true") || v.equals("false"));
        return bare ? v : "\"" + v.replace("\"", "\\\"") + "\"";
    }

    private static boolean isNumeral(String v) {
        return FLOATING.matcher(v).matches() && v.chars().anyMatch(Character::isDigit);
    }
}
