package org.vistabench.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vistabench.io.Sha256;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.composer.ComposerException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns a spec file into a SnakeYAML node tree, and nothing more: no Java object is ever constructed from a tag.
 *
 * <p>Specs come from users and CI jobs, so the reader defends itself before and while parsing: the size is checked
 * before anything is read, the bytes must be UTF-8 text, tabs in indentation are refused with their position, explicit
 * tags are refused, the number of aliases, the nesting depth and the node count after alias expansion (billion-laughs
 * bombs) are bounded. Every refusal is a {@link SpecException} with line and column.
 */
final class SafeYaml {
    static final long MAX_BYTES = 1L << 20;
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 64;
    static final long MAX_EXPANDED_NODES = 200_000;

    private SafeYaml() {
    }

    /** The file's single document: its root node (null when empty) and the SHA-256 of the file's bytes. */
    record Document(Node root, String sha256) {
    }

    static Document compose(Path file) {
        String name = file.toString();
        byte[] bytes = readBounded(file, name);
        String text = decode(name, bytes);
        checkCharacters(name, text);
        checkTabs(name, text);
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        // Backstop only: our own depth check below fires first and knows the key path.
        options.setNestingDepthLimit(MAX_DEPTH * 4);
        options.setCodePointLimit((int) MAX_BYTES + 1);
        options.setMergeOnCompose(false);
        options.setProcessComments(false);
        GuardedParser parser = new GuardedParser(name, new ParserImpl(new StreamReader(new StringReader(text)), options));
        Node root;
        try {
            root = new Composer(parser, new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            if (!parser.tagErrors.isEmpty()) {
                throw new SpecException(parser.tagErrors);
            }
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            String context = e.getContext() != null && e.getProblem() != null ? " (" + e.getContext() + ")" : "";
            // The composer complains about the event it has just taken (an undefined alias, a second document), the
            // scanner and parser about what comes next: each gets the key path of the place it means.
            String path = e instanceof ComposerException ? parser.pathBeforeLast() : parser.path();
            throw new SpecException(new SpecError(name, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, path, "invalid YAML: " + oneLine(problem + context)));
        } catch (YAMLException e) {
            if (!parser.tagErrors.isEmpty()) {
                throw new SpecException(parser.tagErrors);
            }
            Mark m = parser.lastMark();
            throw new SpecException(new SpecError(name, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, parser.path(), "invalid YAML: " + oneLine(e.getMessage())));
        }
        if (!parser.tagErrors.isEmpty()) {
            throw new SpecException(parser.tagErrors);
        }
        if (root != null) {
            new ExpansionCounter(name).count(root, "");
        }
        return new Document(root, Sha256.hex(bytes));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static byte[] readBounded(Path file, String name) {
        try {
            if (Files.isDirectory(file)) {
                throw fileError(name, "expected a YAML file, got a directory");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw fileError(name, "file is " + size + " bytes; a spec may be at most " + MAX_BYTES
                        + " bytes (1 MiB)");
            }
            // Read at most one byte past the limit, so a file that grows after the size check is still refused.
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw fileError(name, "file is larger than " + MAX_BYTES + " bytes (1 MiB), the limit for a spec");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw fileError(name, "spec file not found");
        } catch (IOException e) {
            throw fileError(name, "cannot read the spec file: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private static SpecException fileError(String name, String message) {
        return new SpecException(new SpecError(name, 0, 0, "", message));
    }

    private static String decode(String name, byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = start;
            for (int i = start; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
            int col = before.codePointCount(0, before.length()) + 1;
            throw new SpecException(new SpecError(name, line, col, "", String.format(
                    "expected UTF-8 text, got the invalid byte 0x%02X (is this a binary file?)", bytes[bad] & 0xff)));
        }
        dec.flush(out);
        out.flip();
        return out.toString();
    }

    /** Control characters other than tab/CR/LF mean binary data, which YAML cannot hold. */
    private static void checkCharacters(String name, String text) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (!StreamReader.isPrintable(cp)) {
                throw new SpecException(new SpecError(name, line, col, "", String.format(
                        "expected text, got the control character U+%04X (is this a binary file?)", cp)));
            }
            if (cp == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
            i += Character.charCount(cp);
        }
    }

    /** YAML forbids tabs in indentation; say so with the exact place instead of a scanner error. */
    private static void checkTabs(String name, String text) {
        List<SpecError> errors = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            for (int c = 0; c < l.length() && (l.charAt(c) == ' ' || l.charAt(c) == '\t'); c++) {
                if (l.charAt(c) == '\t') {
                    errors.add(new SpecError(name, i + 1, c + 1, "",
                            "tab character in indentation; YAML indents with spaces only"));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
    }

    /**
     * Watches the event stream on its way to the composer: refuses tags, counts aliases and depth as they arrive (so
     * a bomb is refused before it is built), and keeps the key path of the current position for error messages.
     */
    private static final class GuardedParser implements Parser {
        private final String name;
        private final Parser in;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private final List<SpecError> tagErrors = new ArrayList<>();
        private int aliases;
        private Mark lastMark;
        private String pathBeforeLast = "";

        GuardedParser(String name, Parser in) {
            this.name = name;
            this.in = in;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return in.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return in.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event e = in.getEvent();
            lastMark = e.getStartMark();
            pathBeforeLast = path();
            observe(e);
            return e;
        }

        String pathBeforeLast() {
            return pathBeforeLast;
        }

        Mark lastMark() {
            return lastMark;
        }

        private void observe(Event e) {
            if (e instanceof ScalarEvent s) {
                checkTag(s.getTag(), e);
                Frame top = stack.peek();
                if (top != null && top.mapping && top.expectKey) {
                    top.key = s.getValue();
                    top.expectKey = false;
                } else {
                    advance();
                }
            } else if (e instanceof AliasEvent a) {
                if (++aliases > MAX_ALIASES) {
                    throw new SpecException(error(e, "more than " + MAX_ALIASES
                            + " aliases (*" + a.getAnchor() + "); specs may use at most " + MAX_ALIASES));
                }
                Frame top = stack.peek();
                if (top != null && top.mapping && top.expectKey) {
                    top.key = "*" + a.getAnchor();
                    top.expectKey = false;
                } else {
                    advance();
                }
            } else if (e instanceof CollectionStartEvent c) {
                checkTag(c.getTag(), e);
                if (stack.size() >= MAX_DEPTH) {
                    throw new SpecException(error(e, "nesting deeper than " + MAX_DEPTH + " levels"));
                }
                Frame top = stack.peek();
                Frame f = new Frame(e instanceof MappingStartEvent);
                f.isKey = top != null && top.mapping && top.expectKey;
                stack.push(f);
            } else if (e instanceof CollectionEndEvent) {
                Frame f = stack.pop();
                Frame top = stack.peek();
                if (f.isKey && top != null) {
                    top.key = "?";
                    top.expectKey = false;
                } else {
                    advance();
                }
            }
        }

        private void advance() {
            Frame top = stack.peek();
            if (top == null) {
                return;
            }
            if (top.mapping) {
                top.expectKey = true;
            } else {
                top.index++;
            }
        }

        private void checkTag(String tag, Event e) {
            if (tag != null) {
                String shown = tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring(18) : tag;
                tagErrors.add(error(e, "explicit tag " + shown + " is not allowed; a spec holds plain data only"));
            }
        }

        private SpecError error(Event e, String message) {
            Mark m = e.getStartMark();
            return new SpecError(name, m.getLine() + 1, m.getColumn() + 1, path(), message);
        }

        String path() {
            StringBuilder sb = new StringBuilder();
            Iterator<Frame> it = stack.descendingIterator();
            while (it.hasNext()) {
                Frame f = it.next();
                if (f.mapping) {
                    if (!f.expectKey && f.key != null) {
                        sb.append(sb.length() == 0 ? "" : ".").append(f.key);
                    }
                } else {
                    sb.append('[').append(f.index).append(']');
                }
            }
            return sb.toString();
        }
    }

    private static final class Frame {
        final boolean mapping;
        boolean expectKey = true;
        boolean isKey;
        String key;
        int index;

        Frame(boolean mapping) {
            this.mapping = mapping;
        }
    }

    /**
     * Counts nodes as if every alias were expanded. Shared nodes are counted once and memoised, so even a bomb that
     * would expand to billions costs only as much as its text.
     */
    private static final class ExpansionCounter {
        private final String name;
        private final Map<Node, Long> memo = new IdentityHashMap<>();
        private final Set<Node> inProgress = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        ExpansionCounter(String name) {
            this.name = name;
        }

        long count(Node node, String path) {
            Long known = memo.get(node);
            if (known != null) {
                return known;
            }
            if (!inProgress.add(node)) {
                throw new SpecException(at(node, path, "recursive alias: a node contains itself"));
            }
            long total = 1;
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    String key = t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode s ? s.getValue() : "?";
                    total += count(t.getKeyNode(), path);
                    total += count(t.getValueNode(), path.isEmpty() ? key : path + "." + key);
                    checkTotal(node, path, total);
                }
            } else if (node instanceof SequenceNode s) {
                int i = 0;
                for (Node child : s.getValue()) {
                    total += count(child, path + "[" + i++ + "]");
                    checkTotal(node, path, total);
                }
            }
            inProgress.remove(node);
            memo.put(node, total);
            return total;
        }

        private void checkTotal(Node node, String path, long total) {
            if (total > MAX_EXPANDED_NODES) {
                throw new SpecException(at(node, path, "expands to more than " + MAX_EXPANDED_NODES
                        + " nodes through aliases (an alias bomb?)"));
            }
        }

        private SpecError at(Node node, String path, String message) {
            Mark m = node.getStartMark();
            return new SpecError(name, m.getLine() + 1, m.getColumn() + 1, path, message);
        }
    }
}
