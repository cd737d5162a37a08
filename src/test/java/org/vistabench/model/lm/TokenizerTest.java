package org.vistabench.model.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    static final Path DIR = Path.of("src/test/resources/lm/wordlevel");

    @Test
    void encodesGemmaChatPromptWithItsOwnBosAndNoAddedSpecials() {
        ChatTemplate t = ChatTemplate.of("gemma2");
        try (Tokenizer tok = Tokenizer.load(DIR)) {
            long[] ids = tok.encode(t.userTurn("describe the " + t.imagePlaceholder() + " ."));
            // <bos> <start_of_turn> user describe the <image> . <end_of_turn> <start_of_turn> model
            assertArrayEquals(new long[] {2, 4, 7, 9, 10, 6, 18, 5, 4, 8}, ids);
        }
    }

    @Test
    void plainTextGetsNoBosEvenThoughThePostProcessorWouldAddOne() {
        try (Tokenizer tok = Tokenizer.load(DIR)) {
            assertArrayEquals(new long[] {12, 13, 14, 15, 12, 16, 17, 18}, tok.encode("a red cube on a blue sphere."));
            assertArrayEquals(new long[] {3}, tok.encode("green"), "unknown word -> <unk>");
        }
    }

    @Test
    void decodesAndLooksUpTokenIds() {
        try (Tokenizer tok = Tokenizer.load(DIR)) {
            assertEquals("a red cube", tok.decode(new long[] {12, 13, 14}));
            assertEquals("a red", tok.decode(new long[] {2, 12, 13, 1}, true));
            assertEquals(5, tok.tokenId("<end_of_turn>").getAsLong());
            assertEquals(14, tok.tokenId("cube").getAsLong());
            assertTrue(tok.tokenId("green").isEmpty());
        }
    }

    @Test
    void missingTokenizerJsonNamesThePath() {
        LmFormatException e = assertThrows(LmFormatException.class, () -> Tokenizer.load(DIR.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void chatTemplatesMatchTheModelCards() {
        assertEquals("<bos><start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n",
                ChatTemplate.of("gemma2").userTurn(" Hi there\n"));
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatTemplate.of("llama").userTurn("Hi there"));
        assertEquals("<image>", ChatTemplate.of("llama").imagePlaceholder());
        assertEquals("<end_of_turn>", ChatTemplate.of("gemma2").endOfTurn());
        assertEquals("<|eot_id|>", ChatTemplate.of("llama").endOfTurn());
        assertThrows(LmFormatException.class, () -> ChatTemplate.of("mistral"));
    }

    @Test
    void conversationsConcatenateTurnsAsTheHfTemplatesDo() {
        ChatTemplate g = ChatTemplate.of("gemma2");
        assertEquals("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n"
                        + "<start_of_turn>user\nAnd you?<end_of_turn>\n<start_of_turn>model\n",
                g.userTurn("Hi") + g.answerTurn("Hello") + g.followUpTurn(" And you? "));
        ChatTemplate l = ChatTemplate.of("llama");
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nAnd you?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                l.userTurn("Hi") + l.answerTurn("Hello") + l.followUpTurn("And you?"));
    }

    /** Issue #20 point 16: an empty vocabulary is named at load, not as a native "WordLevel error" at encode. */
    @Test
    void emptyVocabularyIsRefusedNamingTheFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("tokenizer.json");
        java.nio.file.Files.writeString(f, "{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": null,"
                + " \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {}, \"unk_token\": \"<unk>\"}}");
        LmFormatException e = assertThrows(LmFormatException.class, () -> Tokenizer.load(tmp));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("model.vocab is empty"),
                e.getMessage());
    }
}
