package org.vistabench.world.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vistabench.world.lm.LmCorpus;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;

/**
 * The mini world writes its prompts with {@code model.lm.ChatTemplate}; the strings must stay exactly those the shipped
 * world's LM was trained on (the cached world is keyed by version constants, not by code), so they are compared
 * here with the world's own former chat strings, written out.
 */
class ChatFormatTest {
    private static final String[] KINDS = {"object", "describe", "colour", "count", "state", "presence", "background"};

    private static String formerPrompt(String prefix, String question) {
        return "<bos><start_of_turn>user\n" + prefix + " " + question + "<end_of_turn>\n<start_of_turn>model\n";
    }

    private static String formerFollowUp(String question) {
        return "\n<start_of_turn>user\n" + question + "<end_of_turn>\n<start_of_turn>model\n";
    }

    private static String formerAnswer(String answer) {
        return answer + "<end_of_turn>";
    }

    @Test
    void promptsEqualTheWorldsFormerStringsForEveryPrefixAndQuestionKind() {
        Lexicon lex = Lexicon.mini();
        Grammar grammar = new Grammar(lex);
        LmCorpus corpus = new LmCorpus(grammar, WordTokenizer.of(grammar.vocabulary()), 0.6, 3, 110);
        SceneGenerator gen = new SceneGenerator(lex);
        Random r = new Random(5);
        int compared = 0;
        for (int i = 0; i < 40; i++) {
            RenderedScene rs = gen.generate(i, 900 + i);
            List<String> prefixes = List.of(ChatFormat.imageSegment(), LmCorpus.gridText(rs.grid()),
                    grammar.caption(rs.scene(), r));
            List<Grammar.QA> qas = new ArrayList<>(grammar.questionSet(rs.scene(), r));
            for (String kind : KINDS) {
                qas.add(corpus.question(kind, rs.scene(), r));
            }
            for (String prefix : prefixes) {
                for (Grammar.QA qa : qas) {
                    assertEquals(formerPrompt(prefix, qa.question()), ChatFormat.prompt(prefix, qa.question()));
                    assertEquals(formerFollowUp(qa.question()), ChatFormat.TEMPLATE.followUpTurn(qa.question()));
                    assertEquals(formerAnswer(qa.answer()), ChatFormat.TEMPLATE.answerTurn(qa.answer()));
                    compared++;
                }
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    @Test
    void imageSegmentIsSixtyFourPlaceholdersAtTokenOffsetThree() {
        assertEquals("<image>".repeat(64), ChatFormat.imageSegment());
        WordTokenizer tok = WordTokenizer.of(new Grammar(Lexicon.mini()).vocabulary());
        int[] ids = tok.encode(ChatFormat.prompt(ChatFormat.imageSegment(), Grammar.OBJECT_QUESTION));
        for (int p = 0; p < ChatFormat.IMAGE_TOKENS; p++) {
            assertEquals(tok.id(WordTokenizer.IMAGE), ids[ChatFormat.IMAGE_OFFSET + p], "position " + p);
        }
        assertEquals(tok.id(WordTokenizer.START_OF_TURN), ids[1]);
    }

    @Test
    void templateSpecialsAreTheWorldTokenizersSpecials() {
        assertEquals(WordTokenizer.BOS, ChatFormat.TEMPLATE.bos());
        assertEquals(WordTokenizer.END_OF_TURN, ChatFormat.TEMPLATE.endOfTurn());
        assertEquals(WordTokenizer.IMAGE, ChatFormat.TEMPLATE.imagePlaceholder());
    }
}
