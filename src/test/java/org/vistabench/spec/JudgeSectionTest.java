package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeSectionTest {
    @TempDir
    Path tmp;

    private Spec load(String judge) throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, SpecLoaderTest.MINIMAL + judge);
        return SpecLoader.load(f, Map.of());
    }

    private List<String> errors(String judge) {
        SpecException e = assertThrows(SpecException.class, () -> load(judge));
        return e.errors().stream().map(x -> x.toString().substring(tmp.resolve("s.yaml").toString().length()))
                .toList();
    }

    @Test
    void noSectionMeansTheLexiconJudge() throws Exception {
        Spec s = load("");
        assertNull(s.judge());
        assertEquals(new JudgeSpec("lexicon", null, null, null, 60, 3), JudgeSpec.of(s));
    }

    @Test
    void readsTheOpenAiSectionWithDefaultsAndDropsATrailingSlash() throws Exception {
        Spec s = load("judge: {kind: openai, base_url: 'https://llm.example.org/v1/', model: m-7b}\n");
        assertEquals(new JudgeSpec("openai", "https://llm.example.org/v1", "m-7b", null, 60, 3), s.judge());
    }

    @Test
    void openAiNeedsBaseUrlAndModel() {
        assertEquals(List.of(":10:8: judge.base_url: missing required key (expected the server's API root, e.g. "
                        + "http://127.0.0.1:8000/v1)",
                ":10:8: judge.model: missing required key (expected the model name the server knows)"),
                errors("judge: {kind: openai}\n"));
    }

    @Test
    void refusesBadValuesAtTheirKeys() {
        assertEquals(List.of(
                ":11:9: judge.kind: expected one of lexicon|openai, got \"opanai\" (did you mean \"openai\"?)",
                ":12:13: judge.base_url: expected an http:// or https:// URL with a host and no query, got "
                        + "'ftp://x/v1'",
                ":13:10: judge.model: expected a model name, got an empty string",
                ":14:16: judge.api_key_env: expected the name of an environment variable (the key itself never goes "
                        + "in a spec), got 'sk-123'",
                ":15:14: judge.timeout_s: expected a positive number of seconds, got 0",
                ":16:12: judge.retries: expected a number of retries in [0, 20], got -1"),
                errors("""
                        judge:
                          kind: opanai
                          base_url: ftp://x/v1
                          model: ""
                          api_key_env: sk-123
                          timeout_s: 0
                          retries: -1
                        """));
    }

    @Test
    void rejectsAnUnknownKeyWithSuggestion() {
        List<String> e = errors("judge: {kind: lexicon, modle: x}\n");
        assertEquals(1, e.size());
        assertTrue(e.get(0).contains("judge.modle") && e.get(0).contains("did you mean \"model\"?"), e.get(0));
    }

    @Test
    void runJudgeOverridesTheKindAndOpenAiNeedsTheServerInTheSpec() throws Exception {
        Spec withServer = load("judge: {base_url: 'http://127.0.0.1:9/v1', model: m}\n");
        assertEquals("lexicon", JudgeSpec.of(withServer).kind());
        assertEquals(new JudgeSpec("openai", "http://127.0.0.1:9/v1", "m", null, 60, 3),
                withServer.withJudgeKind("openai").judge());
        assertEquals("lexicon", load("").withJudgeKind("lexicon").judge().kind());
        SpecException none = assertThrows(SpecException.class, () -> load("").withJudgeKind("openai"));
        assertEquals(tmp.resolve("s.yaml") + ":1:1: judge: --judge openai needs judge.base_url and judge.model in the "
                + "spec, got no base_url", none.getMessage());
        SpecException bad = assertThrows(SpecException.class, () -> withServer.withJudgeKind("gpt"));
        assertTrue(bad.getMessage().endsWith("judge.kind: --judge: expected one of lexicon|openai, got 'gpt'"),
                bad.getMessage());
    }
}
