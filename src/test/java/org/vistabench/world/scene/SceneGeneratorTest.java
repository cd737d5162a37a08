package org.vistabench.world.scene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {
    private final Lexicon lex = Lexicon.mini();
    private final SceneGenerator gen = new SceneGenerator(lex);

    @Test
    void sameSeedDrawsTheSamePixelsAndMasks() {
        RenderedScene a = gen.generate(5, 1234);
        RenderedScene b = gen.generate(5, 1234);
        assertEquals(a.scene(), b.scene());
        assertArrayEquals(a.instanceMap(), b.instanceMap());
        assertArrayEquals(a.image().getRGB(0, 0, 112, 112, null, 0, 112), b.image().getRGB(0, 0, 112, 112, null, 0, 112));
        assertNotEquals(a.scene(), gen.generate(5, 1235).scene());
    }

    @Test
    void everyObjectOwnsAtLeastFourPatchesAndShowsAllItsWordsInOrder() {
        for (int i = 0; i < 200; i++) {
            RenderedScene rs = gen.generate(i, 9000 + i);
            List<SceneObject> objs = rs.scene().objects();
            assertTrue(objs.size() >= 1 && objs.size() <= 3);
            Set<Integer> cats = new HashSet<>();
            for (int o = 0; o < objs.size(); o++) {
                SceneObject so = objs.get(o);
                assertTrue(cats.add(so.category()), "categories are distinct within a scene");
                List<String> words = new ArrayList<>();
                for (int p = 0; p < 64; p++) {
                    if (rs.patchOwner()[p] == o) {
                        words.add(rs.grid()[p]);
                    }
                }
                assertTrue(words.size() >= SceneGenerator.MIN_PATCHES, "scene " + i + " object " + o + " owns " + words.size());
                assertEquals(lex.category(so.category()).name(), words.get(0));
                assertEquals(lex.colours().get(so.colour()), words.get(1));
                assertEquals(lex.category(so.category()).name(), words.get(2));
                assertEquals(lex.statesOf(so.category()).get(so.state()), words.get(3));
            }
            for (int p = 0; p < 64; p++) {
                if (rs.patchOwner()[p] < 0) {
                    assertEquals(lex.backgrounds().get(rs.scene().background()), rs.grid()[p]);
                }
            }
        }
    }

    @Test
    void patchOwnerIsTheObjectCoveringMostOfThePatch() {
        RenderedScene rs = gen.generate(3, 77);
        for (int p = 0; p < 64; p++) {
            int[] count = new int[rs.scene().objects().size()];
            for (int y = (p / 8) * 14; y < (p / 8 + 1) * 14; y++) {
                for (int x = (p % 8) * 14; x < (p % 8 + 1) * 14; x++) {
                    int o = rs.instanceMap()[y * 112 + x];
                    if (o >= 0) {
                        count[o]++;
                    }
                }
            }
            int owner = rs.patchOwner()[p];
            for (int o = 0; o < count.length; o++) {
                if (owner >= 0) {
                    assertTrue(count[owner] >= count[o]);
                    assertTrue(count[owner] >= 59, "owner covers at least 30% of the patch");
                } else {
                    assertTrue(count[o] < 59);
                }
            }
        }
    }

    @Test
    void allCategoriesColoursStatesAndBackgroundsOccur() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            RenderedScene rs = gen.generate(i, 50_000 + i);
            seen.add("bg:" + rs.scene().background());
            for (SceneObject o : rs.scene().objects()) {
                seen.add("cat:" + o.category());
                seen.add("col:" + o.colour());
                seen.add("state:" + lex.statesOf(o.category()).get(o.state()));
            }
        }
        assertEquals(16 + 8 + 6 + 5, seen.size(), seen.toString());
    }
}
