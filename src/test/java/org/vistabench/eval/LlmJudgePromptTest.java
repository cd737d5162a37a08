package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.score.Concept;
import org.vistabench.spec.JudgeSpec;

/** The LLM judge's prompts, request body and strict answer reading, as exact strings. */
class LlmJudgePromptTest {
    private static final Set<String> CANDIDATES = Set.of("object:cat", "attribute:red");

    @Test
    void labelPromptQuotesTheLabelAsJsonAndListsSortedCandidates() {
        assertEquals("""
                A sparse-autoencoder latent (a direction inside a language model) has this description:
                "the word \\"cat\\" (felines)"

                Candidate concepts, one per line, written as kind:word:
                attribute:red
                object:cat

                Which candidate concepts does the description name? A synonym, a plural or a close paraphrase \
                counts ("kitten" names object:cat); a merely related word does not ("fur" does not name object:cat).
                Answer with one JSON object and nothing else: {"concepts": [...]} listing candidates exactly as \
                written above, or {"concepts": []} if the description names none of them.""",
                LlmJudge.labelPrompt("the word \"cat\" (felines)", List.of("object:cat", "attribute:red")));
    }

    @Test
    void answerPromptQuotesTheAnswerAndListsSortedObjects() {
        assertEquals("""
                A vision-language model was asked about an image and answered:
                "A dog.\\nNo cat."

                Candidate objects, one per line:
                cat
                dog

                Which candidate objects does the answer say the image shows? A synonym or a plural counts \
                ("puppy" names dog); an object the answer says is absent ("there is no dog") does not count.
                Answer with one JSON object and nothing else: {"objects": [...]} listing candidates exactly as \
                written above, or {"objects": []} if the answer names none of them.""",
                LlmJudge.answerPrompt("A dog.\nNo cat.", List.of("dog", "cat")));
    }

    @Test
    void theRequestBodyIsCanonicalJsonWithSortedKeysAndNoWhiteSpace() {
        LlmJudge j = new LlmJudge(new JudgeSpec("openai", "http://127.0.0.1:1/v1", "m", null, 1, 0),
                Path.of("unused"), List.of(), List.of(), k -> null, Duration.ZERO);
        assertEquals("{\"messages\":[{\"content\":\"" + LlmJudge.SYSTEM + "\",\"role\":\"system\"},"
                        + "{\"content\":\"hi\\n\",\"role\":\"user\"}],\"model\":\"m\",\"temperature\":0}",
                new String(LlmJudge.canonical(j.request("hi\n")), StandardCharsets.UTF_8));
        assertEquals("object:dog", LlmJudge.candidate(new Concept(Concept.Kind.OBJECT, "dog")));
    }

    @Test
    void readsAStrictJsonAnswerOptionallyInOneCodeFence() {
        assertEquals(List.of("object:cat"), LlmJudge.parse("{\"concepts\": [\"object:cat\"]}", "concepts",
                CANDIDATES));
        assertEquals(List.of(), LlmJudge.parse("  {\"concepts\":[]}\n", "concepts", CANDIDATES));
        assertEquals(List.of("attribute:red", "object:cat"), LlmJudge.parse(
                "```json\n{\"concepts\": [\"attribute:red\", \"object:cat\"]}\n```", "concepts", CANDIDATES));
        assertEquals(List.of("object:cat"), LlmJudge.parse("```\n{\"concepts\": [\"object:cat\"]}\n```", "concepts",
                CANDIDATES));
    }

    @Test
    void anythingElseIsMalformed() {
        for (String bad : List.of("none", "object:cat", "", "[\"object:cat\"]", "{\"concepts\": \"object:cat\"}",
                "{\"concepts\": [\"object:dog\"]}", "{\"concepts\": [\"Object:cat\"]}", "{\"concepts\": [1]}",
                "{\"concepts\": [\"object:cat\"], \"why\": \"fur\"}", "{\"objects\": [\"object:cat\"]}",
                "{\"concepts\": [\"object:cat\"]} I hope this helps", "Sure! {\"concepts\": []}",
                "```python\n{\"concepts\": []}\n```", "```json\n{\"concepts\": []}", "{\"concepts\": [null]}")) {
            assertNull(LlmJudge.parse(bad, "concepts", CANDIDATES), bad);
        }
        assertNull(LlmJudge.parse(null, "concepts", CANDIDATES));
    }

    @Test
    void takesTheFirstChoicesMessageContent() {
        assertEquals("{\"objects\": []}", LlmJudge.content(
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"objects\\\": []}\"}}]}"));
        assertNull(LlmJudge.content("{\"choices\":[]}"));
        assertNull(LlmJudge.content("{\"choices\":[{\"message\":{\"content\":null}}]}"));
        assertNull(LlmJudge.content("<html>bad gateway</html>"));
    }
}
