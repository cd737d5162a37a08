package org.vistabench.world.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;

class WordTokenizerTest {
    private final Lexicon lex = Lexicon.mini();
    private final Grammar grammar = new Grammar(lex);
    private final WordTokenizer tok = WordTokenizer.of(grammar.vocabulary());

    @Test
    void specialTokensTakeGemmaIds() {
        assertEquals(0, tok.id("<pad>"));
        assertEquals(1, tok.id("<eos>"));
        assertEquals(2, tok.id("<bos>"));
        assertEquals(3, tok.id("<unk>"));
        assertEquals(6, tok.id("<image>"));
    }

    @Test
    void tokenizerJsonLoadsInDjlAndEncodesLikeOurs(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Json.MAPPER.writeValueAsString(tok.toHfJson()));
        RenderedScene rs = new SceneGenerator(lex).generate(1, 42);
        String text = ChatFormat.prompt(String.join(" ", rs.grid()), Grammar.OBJECT_QUESTION)
                + ChatFormat.TEMPLATE.answerTurn(grammar.objectAnswer(rs.scene()))
                + ChatFormat.TEMPLATE.followUpTurn("What colour is the cat?")
                + ChatFormat.TEMPLATE.answerTurn(grammar.caption(rs.scene(), new Random(3)));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            long[] ids = hf.encode(text).getIds();
            int[] ours = tok.encode(text);
            long[] want = new long[ours.length];
            for (int i = 0; i < ours.length; i++) {
                want[i] = ours[i];
            }
            assertArrayEquals(want, ids);
            assertEquals(ChatFormat.IMAGE_OFFSET, indexOf(tok.encode(ChatFormat.prompt(ChatFormat.imageSegment(), Grammar.OBJECT_QUESTION)),
                    tok.id(WordTokenizer.IMAGE)), "first image placeholder position");
        }
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
            Encoding e = hf.encode("What is shown in this image?");
            assertEquals(2, e.getIds()[0], "encoding prepends <bos> as Gemma's tokenizer does");
            assertEquals(tok.id("what"), e.getIds()[1], "Lowercase normalizer");
            assertEquals(3, hf.encode("zebra").getIds()[1], "unknown word -> <unk>");
        }
    }

    @Test
    void everyGeneratedTextIsInTheVocabulary() {
        SceneGenerator gen = new SceneGenerator(lex);
        Random r = new Random(1);
        for (int i = 0; i < 50; i++) {
            RenderedScene rs = gen.generate(i, 100 + i);
            tok.encode(grammar.caption(rs.scene(), r));
            for (Grammar.QA qa : grammar.questionSet(rs.scene(), r)) {
                tok.encode(qa.question() + " " + qa.answer());
            }
            tok.encode(String.join(" ", rs.grid()));
        }
        assertThrows(IllegalArgumentException.class, () -> tok.encode("a zebra"));
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
