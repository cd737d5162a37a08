package org.vistabench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vistabench.core.VistaException;

class CocoLexiconTest {
    private static final CocoLexicon COCO = CocoLexicon.coco();

    @Test
    void shipsTheEightyCocoCategories() {
        assertEquals(80, COCO.categories().size());
        for (String c : List.of("person", "traffic light", "fire hydrant", "sports ball", "hot dog", "potted plant",
                "dining table", "tv", "cell phone", "teddy bear", "hair drier", "toothbrush")) {
            assertTrue(COCO.categories().contains(c), c);
        }
    }

    @Test
    void matchesPluralsSynonymsAndCaseToOneCategory() {
        assertEquals(Optional.of("person"), COCO.categoryOf("people"));
        assertEquals(Optional.of("person"), COCO.categoryOf("Women"));
        assertEquals(Optional.of("person"), COCO.categoryOf("KIDS"));
        assertEquals(Optional.of("dog"), COCO.categoryOf("Dog"));
        assertEquals(Optional.of("dog"), COCO.categoryOf("puppies"));
        assertEquals(Optional.of("hot dog"), COCO.categoryOf("hotdogs"));
        assertEquals(Optional.of("couch"), COCO.categoryOf("sofa"));
        assertEquals(Optional.of("knife"), COCO.categoryOf("knives"));
        assertEquals(Optional.of("mouse"), COCO.categoryOf("mice"));
        assertEquals(Optional.of("cell phone"), COCO.categoryOf("smartphone"));
        assertEquals(Optional.of("teddy bear"), COCO.categoryOf("teddy"));
        assertEquals(Optional.of("bear"), COCO.categoryOf("bears"));
        assertEquals(Optional.empty(), COCO.categoryOf("light"), "ambiguous words are left out");
        assertEquals(Optional.empty(), COCO.categoryOf("traffic light"), "lookups take one word");
        assertEquals("people", COCO.plural("person"));
        assertEquals("wine glasses", COCO.plural("wine glass"));
    }

    @Test
    void everyOneWordCategoryNamesItself() {
        for (String c : COCO.categories()) {
            if (!c.contains(" ")) {
                assertEquals(Optional.of(c), COCO.categoryOf(c), c);
            }
        }
    }

    @Test
    void refusesAWordThatNamesTwoCategories() {
        String tsv = "# test\ncat\tcats\tkitty\ndog\tdogs\tpuppy, kitty\n";
        VistaException e = assertThrows(VistaException.class, () -> CocoLexicon.read(
                new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)), "lex.tsv"));
        assertEquals("lex.tsv:3: word 'kitty' names both 'cat' and 'dog'", e.getMessage());
    }

    @Test
    void restrictsToTheDatasetsCategories() {
        CocoLexicon small = COCO.restrictTo(List.of("dog", "wine glass", "unicorn"));
        assertEquals(List.of("dog", "unicorn", "wine glass"), small.categories());
        assertEquals(Optional.of("wine glass"), small.categoryOf("glass"));
        assertEquals(Optional.of("unicorn"), small.categoryOf("Unicorn"));
        assertEquals(Optional.empty(), small.categoryOf("people"));
    }
}
