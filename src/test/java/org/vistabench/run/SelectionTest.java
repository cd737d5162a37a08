package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;

class SelectionTest {
    @TempDir
    Path tmp;

    @Test
    void shardSyntaxIsValidated() {
        for (String bad : List.of("3/2", "2/2", "x/y", "1/0", "-1/2", "1", "1/2/3", "")) {
            VistaException e = assertThrows(VistaException.class, () -> Shard.parse(bad), bad);
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().contains("--shard"), e.getMessage());
        }
        assertEquals(new Shard(1, 4), Shard.parse("1/4"));
        assertEquals(new Shard(0, 1), Shard.parse(" 0/1 "));
    }

    @Test
    void shardsPickTheCellsTheirFunctionAssignsAndPartitionTheMatrix() {
        List<Cell> cells = TestSpecs.cells(RunFixtures.fast(tmp));
        List<Cell> union = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            for (Cell c : new Shard(i, 5).select(cells, RunFixtures::shardOf)) {
                assertEquals(i, RunFixtures.shardOf(c.id(), 5), c.id());
                assertTrue(seen.add(c.id()), "in two shards: " + c.id());
                union.add(c);
            }
        }
        assertEquals(cells.size(), union.size());
        // each shard keeps the matrix order
        List<Cell> s0 = new Shard(0, 2).select(cells, (id, n) -> cells.indexOf(cells.stream()
                .filter(c -> c.id().equals(id)).findFirst().orElseThrow()) % n);
        assertEquals(List.of(cells.get(0), cells.get(2), cells.get(4)), s0.subList(0, 3));
    }

    @Test
    void cellGlobsMatchWholeIdsAndNoMatchIsAUsageError() {
        List<Cell> cells = TestSpecs.cells(RunFixtures.fast(tmp));
        assertEquals(6, CellGlob.parse("enc-a__*").select(cells).size());
        assertEquals(6, CellGlob.parse("*__early__*__s1?").select(cells).size());
        assertEquals(2, CellGlob.parse("*__none__none__s17").select(cells).size());
        // three globs: one cell, none (brackets are literal), the four s19 cells
        assertEquals(5, CellGlob.parse("enc-a__lm__early__none__s17, enc-b__*__none__none__s1[?]*,*none__s19")
                .select(cells).size());
        VistaException e = assertThrows(VistaException.class, () -> CellGlob.parse("enc-c*").select(cells));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("matches none of the 12 cells"), e.getMessage());
        assertTrue(CellGlob.parse("a.b").matches("a.b") && !CellGlob.parse("a.b").matches("axb"),
                "regex characters must be literal");
    }
}
