package org.vistabench.world.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vistabench.world.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;
import org.vistabench.world.text.Grammar;

/** The grid corruption of LM training documents: how often, how much, with which words, and reproducibly. */
class LmCorpusNoiseTest {
    private final Lexicon lex = Lexicon.mini();
    private final LmCorpus corpus = new LmCorpus(new Grammar(lex), LmStage.tokenizer(lex), 0.8, 3, 110);

    @Test
    void halfTheGridsAreCleanTheRestCorruptObjectPatchesWithCategoryNamesAtBoundedRates() {
        Set<String> categories = new TreeSet<>();
        for (int c = 0; c < lex.numCategories(); c++) {
            categories.add(lex.category(c).name());
        }
        SceneGenerator gen = new SceneGenerator(lex);
        Random r = new Random(3);
        int clean = 0;
        int docs = 2000;
        long objectPatches = 0;
        long objectChanged = 0;
        long backgroundPatches = 0;
        long backgroundChanged = 0;
        for (int i = 0; i < docs; i++) {
            RenderedScene rs = gen.generate(i, 100 + i % 50);
            LmCorpus.Entry e = new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner());
            String[] g = corpus.noisyGrid(e, r);
            if (g == e.grid()) {
                clean++;
                continue;
            }
            for (int p = 0; p < g.length; p++) {
                boolean object = e.owners()[p] >= 0;
                if (object) {
                    objectPatches++;
                } else {
                    backgroundPatches++;
                }
                if (!g[p].equals(e.grid()[p])) {
                    assertTrue(categories.contains(g[p]), "inserted word " + g[p] + " is not a category name");
                    if (object) {
                        objectChanged++;
                    } else {
                        backgroundChanged++;
                    }
                }
            }
        }
        assertTrue(Math.abs(clean / (double) docs - 0.5) < 0.05, "clean share " + clean / (double) docs);
        // p ~ U(0, 0.4): expected replacement rate 0.2 (a replacement may draw the word already there)
        double objRate = objectChanged / (double) objectPatches;
        double bgRate = backgroundChanged / (double) backgroundPatches;
        assertTrue(objRate > 0.12 && objRate < 0.22, "object patch corruption " + objRate);
        assertTrue(bgRate > 0.01 && bgRate < 0.04, "background patch corruption " + bgRate);
    }

    @Test
    void theSameRandomStreamGivesTheSameGrids() {
        RenderedScene rs = new SceneGenerator(lex).generate(1, 42);
        LmCorpus.Entry e = new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner());
        Random a = new Random(9);
        Random b = new Random(9);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(corpus.noisyGrid(e, a), corpus.noisyGrid(e, b));
        }
    }
}
