package org.vistabench.model.sae;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** The SAEs of one LLM, by block index (TransformerLens {@code blocks.{L}}), with the file each came from. */
public final class SaeSet implements AutoCloseable {
    private final Path root;
    private final SortedMap<Integer, Sae> saes;
    private final SortedMap<Integer, Path> sources;

    public SaeSet(Path root, Map<Integer, Sae> saes, Map<Integer, Path> sources) {
        this.root = root;
        this.saes = Collections.unmodifiableSortedMap(new TreeMap<>(saes));
        this.sources = Collections.unmodifiableSortedMap(new TreeMap<>(sources));
        if (!this.saes.keySet().equals(this.sources.keySet())) {
            throw new IllegalArgumentException("layers of saes " + this.saes.keySet() + " and sources "
                    + this.sources.keySet() + " differ");
        }
    }

    public Path root() {
        return root;
    }

    /** The layers that have an SAE, ascending. */
    public List<Integer> layers() {
        return new ArrayList<>(saes.keySet());
    }

    public boolean has(int layer) {
        return saes.containsKey(layer);
    }

    /** The SAE of {@code layer}; a layer without one → exit 3 naming the folder and the layers it has. */
    public Sae get(int layer) {
        Sae s = saes.get(layer);
        if (s == null) {
            throw new VistaException(ExitCodes.CELL_FAILED, root + ": no SAE for layer " + layer + " (have layers "
                    + saes.keySet() + ")");
        }
        return s;
    }

    /** The params.npz or Llama Scope folder layer {@code layer}'s SAE was read from. */
    public Path source(int layer) {
        get(layer);
        return sources.get(layer);
    }

    /** All SAEs, ascending by layer. */
    public SortedMap<Integer, Sae> asMap() {
        return saes;
    }

    @Override
    public void close() {
        saes.values().forEach(Sae::close);
    }
}
