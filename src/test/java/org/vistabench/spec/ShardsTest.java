package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardsTest {
    private static List<Cell> cells(int encoders, int seeds) {
        Map<String, LayerSet> sets = new LinkedHashMap<>();
        sets.put("none", new LayerSet("none", false, List.of()));
        sets.put("early", new LayerSet("early", false, List.of(0, 1)));
        sets.put("all", new LayerSet("all", true, List.of()));
        List<String> enc = new ArrayList<>();
        for (int i = 0; i < encoders; i++) {
            enc.add("enc" + i);
        }
        List<Long> s = new ArrayList<>();
        for (long i = 0; i < seeds; i++) {
            s.add(i);
        }
        return MatrixExpander.all(enc, List.of("lm-a", "lm-b"), sets, List.of("random-sae"), s);
    }

    @Test
    void hashesWithFnv1a64() {
        // Reference values of 64-bit FNV-1a (Fowler/Noll/Vo test suite).
        assertEquals(0xcbf29ce484222325L, Shards.fnv1a64(""));
        assertEquals(0xaf63dc4c8601ec8cL, Shards.fnv1a64("a"));
        assertEquals(0x85944171f73967e8L, Shards.fnv1a64("foobar"));
    }

    @Test
    void keepsShardOfExistingCellsWhenCellsAreAdded() {
        List<Cell> before = cells(3, 2);
        Map<String, Integer> shardBefore = new HashMap<>();
        before.forEach(c -> shardBefore.put(c.id(), Shards.of(c.id(), 4)));
        List<Cell> after = cells(5, 4);   // more encoders and seeds: a superset, in a different order
        assertTrue(after.size() > before.size());
        for (Cell c : after) {
            if (shardBefore.containsKey(c.id())) {
                assertEquals(shardBefore.get(c.id()), Shards.of(c.id(), 4), c.id());
            }
        }
    }

    @Test
    void putsEveryCellInExactlyOneShard() {
        List<Cell> all = cells(4, 3);
        for (int n : new int[] {1, 2, 3, 7}) {
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (int i = 0; i < n; i++) {
                for (Cell c : Shards.select(all, i, n)) {
                    assertTrue(seen.add(c.id()), "in two shards: " + c.id());
                    total++;
                }
            }
            assertEquals(all.size(), total);
        }
    }

    @Test
    void balancesShardsReasonably() {
        List<Cell> all = cells(20, 10);   // 20 x 2 x 5 x 10 = 2000 cells
        assertEquals(2000, all.size());
        for (int n : new int[] {2, 4, 8, 16}) {
            int[] count = new int[n];
            all.forEach(c -> count[Shards.of(c.id(), n)]++);
            double expected = all.size() / (double) n;
            for (int k : count) {
                assertTrue(Math.abs(k - expected) < 0.25 * expected, n + " shards: " + java.util.Arrays.toString(count));
            }
        }
        // Cells that differ only in their seed (the last characters) spread too.
        int[] bySeed = new int[4];
        for (long seed = 0; seed < 400; seed++) {
            bySeed[Shards.of(Cell.idOf("e", "m", "none", "none", seed), 4)]++;
        }
        for (int k : bySeed) {
            assertTrue(k > 70 && k < 130, java.util.Arrays.toString(bySeed));
        }
    }

    @Test
    void pinsShardAssignmentAcrossVersions() {
        // Shards decide which machine runs which cell; changing the function would reshuffle running jobs. The
        // values come from an independent implementation of FNV-1a 64 + the murmur3 finaliser (Python).
        assertEquals(0x5233fb0bf97e6a12L, Shards.hash("mini-dino__mini-lm__none__none__s17"));
        assertEquals(List.of(0, 6, 2), shards("mini-dino__mini-lm__none__none__s17"));
        assertEquals(List.of(0, 2, 10), shards("mini-dino__mini-lm__early__random-sae__s17"));
        assertEquals(List.of(0, 1, 12), shards("mini-ijepa__mini-lm__early__none__s17"));
        assertEquals(0, Shards.of("anything", 1));
        assertThrows(IllegalArgumentException.class, () -> Shards.of("x", 0));
        assertThrows(IllegalArgumentException.class, () -> Shards.select(List.of(), 2, 2));
    }

    private static List<Integer> shards(String id) {
        return List.of(Shards.of(id, 3), Shards.of(id, 7), Shards.of(id, 16));
    }
}
