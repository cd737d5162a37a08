package org.vistabench.run;

import java.util.ArrayList;
import java.util.List;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Glob;

/**
 * {@code --cells GLOB}: one or more comma-separated {@link Glob}s over cell ids. A cell is kept when any glob matches
 * its whole id.
 */
public record CellGlob(String text, List<Glob> globs) {
    public CellGlob {
        globs = List.copyOf(globs);
    }

    public static CellGlob parse(String text) {
        List<Glob> gs = new ArrayList<>();
        for (String g : text.split(",")) {
            String glob = g.strip();
            if (glob.isEmpty()) {
                throw new VistaException(ExitCodes.USAGE, "--cells '" + text + "': empty glob");
            }
            gs.add(Glob.of(glob));
        }
        return new CellGlob(text, gs);
    }

    public boolean matches(String cellId) {
        return globs.stream().anyMatch(g -> g.matches(cellId));
    }

    /** The matching cells, in order; none matching is an exit-2 error that shows a few cell ids. */
    public List<Cell> select(List<Cell> cells) {
        List<Cell> kept = cells.stream().filter(c -> matches(c.id())).toList();
        if (kept.isEmpty()) {
            List<String> some = cells.stream().limit(3).map(Cell::id).toList();
            throw new VistaException(ExitCodes.USAGE, "--cells '" + text + "' matches none of the " + cells.size()
                    + " cells" + (some.isEmpty() ? "" : " (e.g. " + String.join(", ", some) + ")"));
        }
        return kept;
    }
}
