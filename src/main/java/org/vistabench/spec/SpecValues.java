package org.vistabench.spec;

import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The spec's own kinds of value, read through a {@link NodeReader}: ids (they become parts of cell ids and folder
 * names), model references and paths, which are resolved against the spec file's folder.
 */
final class SpecValues {
    private final NodeReader r;
    private final Path dir;

    SpecValues(NodeReader r, Path dir) {
        this.r = r;
        this.dir = dir;
    }

    /** The folder of the spec file. */
    Path dir() {
        return dir;
    }

    /** An id: it becomes part of cell ids ({@code a__b__c}) and folder names, see {@link SpecSchema#ID}. */
    String id(Node n, String p) {
        String s = r.string(n, p, "an id");
        if (s != null && (!SpecSchema.ID.matcher(s).matches() || s.contains("__"))) {
            r.error(n, p, "expected an id of letters, digits, '.', '_' or '-' that starts and ends with a letter or "
                    + "digit and has no '__', got \"" + s + "\"");
            return null;
        }
        return s;
    }

    /** An id not yet in {@code seen} (ids to the nodes that named them first); {@code what} names the kind. */
    String uniqueId(Node n, String p, String what, Map<String, Node> seen) {
        String id = id(n, p);
        if (id == null) {
            return null;
        }
        if (seen.containsKey(id)) {
            r.error(n, p, "duplicate " + what + " id \"" + id + "\" (first at line " + NodeReader.line(seen.get(id))
                    + ")");
            return null;
        }
        seen.put(id, n);
        return id;
    }

    /** {@code world:...} (needs a world section), {@code hf:org/name[/sub]}, or a path relative to the spec. */
    String modelRef(Node n, String p, boolean hasWorld) {
        String s = r.string(n, p, "world:..., hf:org/name or a folder");
        if (s == null) {
            return null;
        }
        if (s.startsWith("world:")) {
            if (!hasWorld) {
                r.error(n, p, "expected hf:org/name or a folder (world: paths need a world section), got \"" + s
                        + "\"");
                return null;
            }
            if (s.length() == "world:".length() || s.contains("..")) {
                r.error(n, p, "expected world:<path inside the world> without '..', got \"" + s + "\"");
                return null;
            }
            return s;
        }
        if (s.startsWith("hf:")) {
            if (!SpecSchema.HF_REF.matcher(s).matches()) {
                r.error(n, p, "expected hf:org/name (optionally /sub/folder), got \"" + s + "\"");
                return null;
            }
            return s;
        }
        return dir.resolve(s).normalize().toString();
    }

    /** A path, resolved against the spec's folder (absolute paths stay as they are). */
    Path localPath(Node n, String p) {
        String s = r.string(n, p, "a path");
        return s == null ? null : dir.resolve(s).normalize();
    }
}
