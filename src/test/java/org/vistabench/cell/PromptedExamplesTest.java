package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.vistabench.data.CocoQuestion;
import org.vistabench.data.feature.InMemoryFeatures;
import org.vistabench.model.lm.ChatTemplate;
import org.vistabench.score.Concept;
import org.vistabench.train.PromptedExamples;
import org.vistabench.train.TrainExample;

/** {@link Resources#promptedExamples}: per-example questions as no-loss context, and the shared-question path. */
class PromptedExamplesTest {
    /** A word-level tokenizer over the chat template's pieces: special tokens, newlines and words get ids. */
    private static final class Words implements Function<String, long[]> {
        private static final Pattern PIECE = Pattern.compile("<[^>]+>|\n|[^\\s<]+");
        final Map<String, Long> vocab = new LinkedHashMap<>();

        @Override
        public long[] apply(String text) {
            List<Long> out = new ArrayList<>();
            Matcher m = PIECE.matcher(text);
            while (m.find()) {
                out.add(vocab.computeIfAbsent(m.group(), k -> (long) vocab.size() + 1));
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** Two images; {@code questions} gives each one's own question (null: none). */
    private static ImageSplit split(String... questions) {
        return new ImageSplit() {
            public List<Long> imageIds() {
                return List.of(7L, 9L);
            }

            public BufferedImage image(long id) {
                throw new UnsupportedOperationException();
            }

            public Set<String> objects(long id) {
                return Set.of();
            }

            public String answer(long id, String question) {
                return id == 7 ? "a cat" : "a dog and a car";
            }

            public Set<Concept> concepts(long id) {
                return Set.of();
            }

            public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
                return List.of();
            }

            public String question(long id, String fallback) {
                String q = questions[id == 7 ? 0 : 1];
                return q == null ? fallback : q;
            }

            public List<CocoQuestion> questions(long id) {
                return List.of();
            }
        };
    }

    private static LmBundle lm(Words words) {
        return new LmBundle("lm", null, null, null, words, ids -> "", ChatTemplate.of("gemma2"), null, new long[0], 0,
                null);
    }

    private static final InMemoryFeatures FEATS = new InMemoryFeatures(new long[] {7, 9},
            List.of(new float[6], new float[6]), 3, 2);

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(LongStream::of).toArray();
    }

    @Test
    void ownQuestionsAreFedAsContextAfterTheSharedPrompt() {
        Words w = new Words();
        LmBundle lm = lm(w);
        PromptedExamples pe = Resources.promptedExamples(lm, split("what is this ?", null), FEATS, "describe it",
                Integer.MAX_VALUE);
        assertArrayEquals(w.apply("<bos><start_of_turn>user\n"), pe.prompt().prefixIds());
        assertArrayEquals(w.apply("\n"), pe.prompt().suffixIds());
        assertEquals(3, pe.prompt().imageTokens());
        TrainExample a = pe.examples().get(0);
        long[] context = w.apply("what is this ?<end_of_turn>\n<start_of_turn>model\n");
        assertEquals(context.length, a.context());
        assertArrayEquals(concat(context, w.apply("a cat<end_of_turn>")), a.answerIds());
        // The image without a question of its own gets the spec's prompt as its question.
        TrainExample b = pe.examples().get(1);
        long[] fallback = w.apply("describe it<end_of_turn>\n<start_of_turn>model\n");
        assertEquals(fallback.length, b.context());
        assertArrayEquals(concat(fallback, w.apply("a dog and a car<end_of_turn>")), b.answerIds());
        // Prompt + context is the whole user turn, tokenized at once, with the image placeholder's ids cut out.
        String turn = lm.template().userTurn("<image>\nwhat is this ?");
        long[] whole = w.apply(turn);
        long image = w.apply("<image>")[0];
        long[] withoutImage = LongStream.of(whole).filter(id -> id != image).toArray();
        assertArrayEquals(withoutImage, concat(pe.prompt().prefixIds(), pe.prompt().suffixIds(),
                Arrays.copyOf(a.answerIds(), a.context())));
    }

    @Test
    void aSplitWithoutOwnQuestionsTrainsExactlyAsTheSharedPrompt() {
        Words w = new Words();
        LmBundle lm = lm(w);
        PromptedExamples pe = Resources.promptedExamples(lm, split(null, null), FEATS, "describe it", 1);
        var shared = Resources.prompt(lm, "describe it", 3);
        assertArrayEquals(shared.prefixIds(), pe.prompt().prefixIds());
        assertArrayEquals(shared.suffixIds(), pe.prompt().suffixIds());
        assertEquals(shared.imageTokens(), pe.prompt().imageTokens());
        List<TrainExample> want = Resources.examples(lm, split(null, null), FEATS, "describe it", 1);
        assertEquals(1, pe.examples().size());
        assertEquals(0, pe.examples().get(0).context());
        assertArrayEquals(want.get(0).answerIds(), pe.examples().get(0).answerIds());
    }
}
