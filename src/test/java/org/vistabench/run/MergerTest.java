package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

class MergerTest {
    @TempDir
    Path tmp;

    private List<Path> runShards(Spec spec, int n) {
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path d = tmp.resolve("shard" + i);
            RunFixtures.run(spec, new Shard(i, n).select(TestSpecs.cells(spec), RunFixtures::shardOf), d, false);
            dirs.add(d);
        }
        return dirs;
    }

    @Test
    void mergeOfShardRunsEqualsTheFullRunByteForByte() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.runAll(spec, tmp.resolve("full"));
        List<Path> shards = runShards(spec, 3);
        for (Path s : shards) {
            assertTrue(ResultsStore.readDoneCells(s).size() < 12, "a shard ran every cell: " + s);
        }
        Merger.Summary m = Merger.merge(shards, tmp.resolve("merged"));
        assertEquals(12, m.copied());
        assertArrayEquals(RunFixtures.csv(tmp.resolve("full")), RunFixtures.csv(tmp.resolve("merged")));
        RunManifest man = ResultsStore.readManifest(tmp.resolve("merged")).orElseThrow();
        assertEquals(shards.stream().map(Path::toString).toList(), man.sources());
        assertEquals(spec.sha256(), man.spec().sha256());
        assertEquals(12, man.cells().size());
        // whole cell folders are copied, providers' files included
        Cell any = TestSpecs.cells(spec).get(5);
        assertTrue(Files.exists(tmp.resolve("merged/cells").resolve(any.id()).resolve("fake-calls.txt")));
    }

    @Test
    void overlappingIdenticalInputsMergeAndCanBeMergedIntoAgain() {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(0, 8), tmp.resolve("a"), false);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(4, 12), tmp.resolve("b"), false);
        Merger.Summary m = Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m"));
        assertEquals(12, m.copied());
        assertEquals(4, m.identical());
        Merger.Summary again = Merger.merge(List.of(tmp.resolve("b")), tmp.resolve("m"));
        assertEquals(0, again.copied());
        assertEquals(8, again.identical());
        assertEquals(2, ResultsStore.readManifest(tmp.resolve("m")).orElseThrow().sessions().size());
    }

    @Test
    void mergeRefusesResultsOfDifferentSpecsNamingBoth() {
        RunFixtures.runAll(RunFixtures.fast(tmp), tmp.resolve("a"));
        Spec other = TestSpecs.minimal(tmp.resolve("o"), "t", TestSpecs.fakeParams(1, null, null));
        RunFixtures.run(other, TestSpecs.cells(other).subList(0, 1), tmp.resolve("b"), false);
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains(tmp.resolve("a").toString())
                && e.getMessage().contains(tmp.resolve("b").toString()) && e.getMessage().contains("different specs"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("m")), "a refused merge wrote something");
    }

    @Test
    void mergeRefusesACellWithDifferentMetricsInTwoInputs() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.runAll(spec, tmp.resolve("a"));
        RunFixtures.runAll(spec, tmp.resolve("b"));
        Cell c = TestSpecs.cells(spec).get(2);
        Path json = tmp.resolve("b/cells").resolve(c.id()).resolve("metrics.json");
        String s = Files.readString(json);
        Files.writeString(json, s.replace("\"fake.seed_third\" : ", "\"fake.seed_third\" : 1"));
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("cell " + c.id() + " differs") && e.getMessage().contains("fake.seed_third"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void failedCellsAreNotMerged() {
        Spec spec = TestSpecs.minimal(tmp, "t", TestSpecs.fakeParams(0, "enc-a__*__s17", null));
        RunFixtures.runAll(spec, tmp.resolve("a"));
        Merger.Summary m = Merger.merge(List.of(tmp.resolve("a")), tmp.resolve("m"));
        assertEquals(10, m.copied());
        assertEquals(2, m.notDone());
    }

    @Test
    void mergeRefusesAFolderWithoutManifest() throws Exception {
        Files.createDirectories(tmp.resolve("x"));
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("x")), tmp.resolve("m")));
        assertTrue(e.getMessage().contains("no run.json"), e.getMessage());
    }
}
