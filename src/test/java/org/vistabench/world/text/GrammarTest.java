package org.vistabench.world.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.Scene;
import org.vistabench.world.scene.SceneObject;

class GrammarTest {
    private final Lexicon lex = Lexicon.mini();
    private final Grammar g = new Grammar(lex);
    // truck (10), cat (0), clock (15), drawn in that order
    private final Scene scene = new Scene(1, 0, 5, List.of(new SceneObject(10, 0, 1, 0, 0, 50, false),
            new SceneObject(0, 2, 0, 50, 50, 50, false), new SceneObject(15, 3, 0, 20, 60, 40, true)));

    @Test
    void objectAnswerListsCategoriesInLexiconOrderWithOneFixedPhrasing() {
        assertEquals("cat and truck and clock .", g.objectAnswer(scene));
        assertEquals(g.objectQa(scene), g.objectQa(scene));
        assertEquals(Grammar.OBJECT_QUESTION, g.objectQa(scene).question());
    }

    @Test
    void captionsParaphraseButNameEveryObjectColourAndTheBackground() {
        Set<String> seen = new HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 40; i++) {
            String c = g.caption(scene, r);
            seen.add(c);
            for (SceneObject o : scene.objects()) {
                String cat = lex.category(o.category()).name();
                String syn = lex.category(o.category()).synonyms().get(0);
                assertTrue(c.contains(cat) || c.contains(syn), c);
                assertTrue(c.contains(lex.colours().get(o.colour())), c);
            }
            assertTrue(c.contains("grass") || c.contains("lawn"), c);
        }
        assertTrue(seen.size() > 20, "paraphrases: " + seen.size());
    }

    @Test
    void questionAnswersFollowTheScene() {
        Random r = new Random(2);
        for (Grammar.QA qa : g.questionSet(scene, r)) {
            switch (qa.type()) {
                case "count" -> assertEquals("three", qa.answer());
                case "colour" -> assertTrue(List.of("red", "blue", "yellow").contains(qa.answer()), qa.toString());
                case "background" -> assertEquals("the grass .", qa.answer());
                case "presence", "state" -> assertTrue(List.of("yes", "no").contains(qa.answer()));
                default -> assertEquals("object", qa.type());
            }
        }
    }
}
