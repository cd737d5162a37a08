package org.vistabench.spec;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Command-line changes to a spec: {@code --set key.path=value} (repeatable) and {@code --limit N}, applied to the
 * composed YAML tree before the spec is read, so an overridden value is validated exactly like one in the file. An
 * error about an overridden value names the argument instead of a line of the file
 * ({@code --set train.steps=abc: train.steps: expected a positive integer, got 'abc'}).
 *
 * <p>A path is keys separated by dots, each optionally followed by list indices counted from 0:
 * {@code train.steps}, {@code metrics.qa.images}, {@code encoders[0].layer}. Missing mappings on the way are created
 * (so {@code metrics.qa.images=4} works when {@code qa:} is empty or absent); an index must name an existing item. The
 * value is one YAML value: {@code 50}, {@code 2.0e-3}, {@code cpu}, {@code [0, 1]}, {@code {images: 4}}; an empty
 * value is null.
 *
 * <p>{@code --limit N} caps the held-out evaluation images: {@code train.eval_images} becomes N when it is absent, 0
 * (all images) or larger than N, or not a plain integer; and every provider's {@code images} parameter
 * ({@code metrics.<provider>.images}, e.g. {@code qa}) larger than N becomes N. Nothing else is capped: the
 * measurements that take their images from {@code eval_images} (caption, match_rate, localization, recon, steering's
 * held-out images) follow it; steering's pair counts are not image counts and stay.
 *
 * <p>{@link #canonical()} is how the overrides enter a results folder's identity ({@code run.json}'s
 * {@code spec.overrides}): one {@code path=value} per path (the last {@code --set} of a path wins), sorted by path,
 * then {@code --limit N}. Two runs agree on their spec only when their files' sha256 and these lists are equal.
 */
public final class Overrides {
    /** Lines at and above this one are not in the file: they locate the {@code i}-th argument at {@code BASE + i}. */
    static final int BASE_LINE = 1 << 30;

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[[0-9]+\\])*)");
    /** What an untagged YAML value resolves to; anything else (an explicit {@code !!python/...}) is refused. */
    private static final java.util.Set<Tag> PLAIN_TAGS = java.util.Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL,
            Tag.NULL, Tag.MAP, Tag.SEQ, Tag.TIMESTAMP);
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)\\]");

    /** One step of a path: a mapping key, or a list index. */
    private record Step(String key, int index) {
        boolean isIndex() {
            return key == null;
        }

        @Override
        public String toString() {
            return isIndex() ? "[" + index + "]" : key;
        }
    }

    /** One argument: its text as given (for messages), the parsed path and the value's text. */
    private record Change(String arg, List<Step> path, String pathText, String value) {
    }

    private static final Overrides NONE = new Overrides(List.of(), null);

    private final List<Change> changes;
    private final Integer limit;

    private Overrides(List<Change> changes, Integer limit) {
        this.changes = List.copyOf(changes);
        this.limit = limit;
    }

    public static Overrides none() {
        return NONE;
    }

    /**
     * Parses the arguments; a malformed one is a {@link SpecException} (exit 2) naming it.
     *
     * @param sets  the {@code --set} arguments in command-line order (null: none)
     * @param limit {@code --limit}, or null
     */
    public static Overrides of(List<String> sets, Integer limit) {
        List<SpecError> errors = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        for (String arg : sets == null ? List.<String>of() : sets) {
            int eq = arg.indexOf('=');
            String pathText = eq < 0 ? arg : arg.substring(0, eq);
            List<Step> path = eq <= 0 ? null : parsePath(pathText);
            if (path == null) {
                errors.add(new SpecError("--set " + arg, 0, 0, "", "expected key.path=value (keys separated by dots, "
                        + "list items as key[0], e.g. train.steps=50), got '" + arg + "'"));
            } else {
                changes.add(new Change(arg, path, pathText, arg.substring(eq + 1)));
            }
        }
        if (limit != null && limit < 1) {
            errors.add(new SpecError("--limit " + limit, 0, 0, "", "expected a positive number of images, got "
                    + limit));
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return changes.isEmpty() && limit == null ? NONE : new Overrides(changes, limit);
    }

    /** The overrides a {@code run.json} recorded ({@link #canonical()}), to load its spec as it was run. */
    public static Overrides fromCanonical(List<String> canonical) {
        List<String> sets = new ArrayList<>();
        Integer limit = null;
        for (String c : canonical) {
            if (c.startsWith("--limit ")) {
                limit = Integer.valueOf(c.substring("--limit ".length()).trim());
            } else {
                sets.add(c);
            }
        }
        return of(sets, limit);
    }

    public boolean isEmpty() {
        return changes.isEmpty() && limit == null;
    }

    /** The overrides as recorded in {@code run.json}: {@code path=value} sorted by path (last wins), then the limit. */
    public List<String> canonical() {
        Map<String, String> byPath = new TreeMap<>();
        for (Change c : changes) {
            byPath.put(c.pathText(), c.value());
        }
        List<String> out = new ArrayList<>();
        byPath.forEach((p, v) -> out.add(p + "=" + v));
        if (limit != null) {
            out.add("--limit " + limit);
        }
        return out;
    }

    /** The arguments as they would be typed again ({@code --set 'a=1' --limit 4}), for "continue with" lines. */
    public String asArguments() {
        StringBuilder sb = new StringBuilder();
        for (Change c : changes) {
            sb.append(" --set '").append(c.arg()).append('\'');
        }
        if (limit != null) {
            sb.append(" --limit ").append(limit);
        }
        return sb.toString();
    }

    /** Applies the overrides to a composed spec tree (changed in place; a new root only when the file was empty). */
    Node apply(Node root, String file) {
        if (isEmpty()) {
            return root;
        }
        List<SpecError> errors = new ArrayList<>();
        Node top = root;
        if (top == null || top instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            top = new MappingNode(Tag.MAP, true, new ArrayList<NodeTuple>(), mark(0), mark(0), DumperOptions.FlowStyle.BLOCK);
        }
        if (!(top instanceof MappingNode)) {
            // the reader reports a non-mapping root; overrides have nothing to go into
            return root;
        }
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            String where = "--set " + c.arg();
            Node value;
            try {
                value = relocated(composeValue(c.value()), mark(i));
            } catch (YAMLException e) {
                errors.add(new SpecError(where, 0, 0, c.pathText(), "invalid YAML value: "
                        + e.getMessage().replaceAll("\\s+", " ").trim()));
                continue;
            }
            String problem = put((MappingNode) top, c.path(), value, mark(i));
            if (problem != null) {
                errors.add(new SpecError(where, 0, 0, c.pathText(), problem));
            }
        }
        if (limit != null) {
            applyLimit((MappingNode) top, mark(changes.size()));
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return top;
    }

    /** Errors located in an override (by {@link #apply}'s marks) now name the argument; the others are unchanged. */
    public List<SpecError> relocate(List<SpecError> errors) {
        List<SpecError> out = new ArrayList<>(errors.size());
        for (SpecError e : errors) {
            int i = e.line() - 1 - BASE_LINE;
            if (i >= 0 && i < changes.size()) {
                out.add(new SpecError("--set " + changes.get(i).arg(), 0, 0, e.keyPath(), e.message()));
            } else if (i == changes.size() && limit != null) {
                out.add(new SpecError("--limit " + limit, 0, 0, e.keyPath(), e.message()));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** {@link #relocate(List)} for a whole exception. */
    public SpecException relocate(SpecException e) {
        return isEmpty() ? e : new SpecException(relocate(e.errors()));
    }

    private static List<Step> parsePath(String text) {
        List<Step> steps = new ArrayList<>();
        for (String part : text.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                return null;
            }
            steps.add(new Step(m.group(1), -1));
            Matcher ix = INDEX.matcher(m.group(2));
            while (ix.find()) {
                try {
                    steps.add(new Step(null, Integer.parseInt(ix.group(1))));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return steps;
    }

    /** Sets {@code path} under {@code top} to {@code value}; returns why it cannot, or null. */
    private static String put(MappingNode top, List<Step> path, Node value, Mark at) {
        Node current = top;
        StringBuilder walked = new StringBuilder();
        for (int k = 0; k < path.size(); k++) {
            Step step = path.get(k);
            boolean last = k == path.size() - 1;
            if (step.isIndex()) {
                if (!(current instanceof SequenceNode seq)) {
                    return walked + ": is " + kind(current) + ", not a list: cannot take item [" + step.index() + "]";
                }
                if (step.index() >= seq.getValue().size()) {
                    return walked + ": has " + seq.getValue().size() + " items, no item [" + step.index() + "]";
                }
                walked.append(step);
                if (last) {
                    seq.getValue().set(step.index(), value);
                    return null;
                }
                current = seq.getValue().get(step.index());
                continue;
            }
            if (!(current instanceof MappingNode map)) {
                return walked + ": is " + kind(current) + ", not a mapping: cannot set key '" + step.key() + "' in it";
            }
            walked.append(walked.length() == 0 ? "" : ".").append(step.key());
            NodeTuple found = null;
            int at2 = -1;
            List<NodeTuple> tuples = map.getValue();
            for (int t = 0; t < tuples.size(); t++) {
                if (tuples.get(t).getKeyNode() instanceof ScalarNode key && key.getValue().equals(step.key())) {
                    found = tuples.get(t);
                    at2 = t;
                }
            }
            Node next;
            if (last) {
                next = value;
            } else if (found != null && !(found.getValueNode() instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
                current = found.getValueNode();
                continue;
            } else {
                // `qa: {}` is a mapping already; `qa:` (null) or an absent key becomes an empty mapping to set into
                next = new MappingNode(Tag.MAP, true, new ArrayList<NodeTuple>(), at, at, DumperOptions.FlowStyle.FLOW);
            }
            Node key = found != null ? found.getKeyNode()
                    : new ScalarNode(Tag.STR, step.key(), at, at, DumperOptions.ScalarStyle.PLAIN);
            if (found != null) {
                tuples.set(at2, new NodeTuple(key, next));
            } else {
                tuples.add(new NodeTuple(key, next));
            }
            if (last) {
                return null;
            }
            current = next;
        }
        return null;
    }

    private void applyLimit(MappingNode top, Mark at) {
        MappingNode train = child(top, "train") instanceof MappingNode m ? m : null;
        if (train != null) {
            Node ev = child(train, "eval_images");
            Long have = integer(ev);
            if (have == null || have == 0 || have > limit) {
                put(top, List.of(new Step("train", -1), new Step("eval_images", -1)), number(limit, at), at);
            }
        }
        if (child(top, "metrics") instanceof MappingNode metrics) {
            for (NodeTuple t : metrics.getValue()) {
                if (t.getValueNode() instanceof MappingNode params) {
                    Long images = integer(child(params, "images"));
                    if (images != null && images > limit) {
                        put(params, List.of(new Step("images", -1)), number(limit, at), at);
                    }
                }
            }
        }
    }

    private static Node child(MappingNode map, String key) {
        Node out = null;
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                out = t.getValueNode();
            }
        }
        return out;
    }

    private static Long integer(Node n) {
        if (n instanceof ScalarNode s && s.getValue().matches("[0-9]{1,18}")) {
            return Long.parseLong(s.getValue());
        }
        return null;
    }

    private static ScalarNode number(int n, Mark at) {
        return new ScalarNode(Tag.INT, Integer.toString(n), at, at, DumperOptions.ScalarStyle.PLAIN);
    }

    private static Node composeValue(String text) {
        if (text.isBlank()) {
            return new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(SafeYaml.MAX_DEPTH);
        options.setCodePointLimit(64 * 1024);
        Node n = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        if (n == null) {
            return new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        return n;
    }

    /** The same tree with every node marked at {@code at} (so errors in it are found again by {@link #relocate}). */
    private static Node relocated(Node n, Mark at) {
        if (!PLAIN_TAGS.contains(n.getTag())) {
            throw new YAMLException("tag " + n.getTag() + " is not allowed in a spec");
        }
        if (n instanceof ScalarNode s) {
            return new ScalarNode(s.getTag(), s.getValue(), at, at, s.getScalarStyle());
        }
        if (n instanceof SequenceNode s) {
            List<Node> items = new ArrayList<>();
            s.getValue().forEach(v -> items.add(relocated(v, at)));
            return new SequenceNode(s.getTag(), true, items, at, at, s.getFlowStyle());
        }
        MappingNode m = (MappingNode) n;
        List<NodeTuple> tuples = new ArrayList<>();
        m.getValue().forEach(t -> tuples.add(new NodeTuple(relocated(t.getKeyNode(), at), relocated(t.getValueNode(),
                at))));
        return new MappingNode(m.getTag(), true, tuples, at, at, m.getFlowStyle());
    }

    private static Mark mark(int i) {
        return new Mark("--set", 0, BASE_LINE + i, 0, new int[0], 0);
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return n instanceof ScalarNode s ? "'" + s.getValue() + "'" : "a value";
    }

    @Override
    public String toString() {
        return String.join(" ", canonical());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Overrides other && canonical().equals(other.canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }
}
