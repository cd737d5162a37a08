package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixExpanderTest {
    private static final Map<String, LayerSet> SETS = new LinkedHashMap<>();

    static {
        SETS.put("none", new LayerSet("none", false, List.of()));
        SETS.put("early", new LayerSet("early", false, List.of(0, 1)));
        SETS.put("all", new LayerSet("all", true, List.of()));
    }

    private static List<String> ids(List<Cell> cells) {
        return cells.stream().map(Cell::id).toList();
    }

    @Test
    void expandsInSpecOrderWithSeedsInnermost() {
        List<Cell> cells = MatrixExpander.all(List.of("e1", "e2"), List.of("m"), SETS, List.of(), List.of(1L, 2L));
        assertEquals(List.of(
                "e1__m__none__none__s1", "e1__m__none__none__s2", "e1__m__early__none__s1", "e1__m__early__none__s2",
                "e1__m__all__none__s1", "e1__m__all__none__s2",
                "e2__m__none__none__s1", "e2__m__none__none__s2", "e2__m__early__none__s1", "e2__m__early__none__s2",
                "e2__m__all__none__s1", "e2__m__all__none__s2"), ids(cells));
        assertEquals(new Cell("e1__m__early__none__s2", "e1", "m", "early", "none", 2), cells.get(3));
    }

    @Test
    void appliesControlsOnlyToNonEmptyLayerSets() {
        List<Cell> cells = MatrixExpander.all(List.of("e"), List.of("m"), SETS, List.of("random-sae"), List.of(7L));
        assertEquals(List.of("e__m__none__none__s7", "e__m__early__none__s7", "e__m__early__random-sae__s7",
                "e__m__all__none__s7", "e__m__all__random-sae__s7"), ids(cells));
    }

    @Test
    void filtersWithIncludeThenExcludeGlobs() {
        List<Cell> all = MatrixExpander.all(List.of("dino", "clip"), List.of("m"), SETS, List.of("random-sae"),
                List.of(1L));
        assertEquals(List.of("dino__m__early__none__s1", "dino__m__early__random-sae__s1"),
                ids(MatrixExpander.filter(all, new MatrixSpec(List.of("dino__*__early__*"), List.of()))));
        assertEquals(List.of("dino__m__none__none__s1", "dino__m__early__none__s1", "dino__m__all__none__s1"),
                ids(MatrixExpander.filter(all, new MatrixSpec(List.of("d???__*"), List.of("*random-sae*")))));
        assertEquals(10, MatrixExpander.filter(all, new MatrixSpec(List.of(), List.of())).size());
        assertEquals(0, MatrixExpander.filter(all, new MatrixSpec(List.of(), List.of("*"))).size());
    }

    @Test
    void globMatchesWholeIdOnly() {
        assertTrue(Glob.of("a*c").matches("abbbc"));
        assertTrue(Glob.of("a?c").matches("abc"));
        assertFalse(Glob.of("a?c").matches("ac"));
        assertFalse(Glob.of("abc").matches("xabcx"));
        assertTrue(Glob.of("a.c").matches("a.c"));
        assertFalse(Glob.of("a.c").matches("abc"), "regex characters are literal");
    }
}
