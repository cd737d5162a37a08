package org.vistabench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Cell;

/**
 * {@code --cells GLOB}: one or more comma-separated globs over cell ids; {@code *} is any run of characters,
 * {@code ?} one character. A cell is kept when any glob matches its whole id.
 */
public record CellGlob(String text, List<Pattern> patterns) {
    public CellGlob {
        patterns = List.copyOf(patterns);
    }

    public static CellGlob parse(String text) {
        List<Pattern> ps = new ArrayList<>();
        for (String g : text.split(",")) {
            String glob = g.strip();
            if (glob.isEmpty()) {
                throw new VistaException(ExitCodes.USAGE, "--cells '" + text + "': empty glob");
            }
            ps.add(toRegex(glob));
        }
        return new CellGlob(text, ps);
    }

    public boolean matches(String cellId) {
        return patterns.stream().anyMatch(p -> p.matcher(cellId).matches());
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

    static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }
}
