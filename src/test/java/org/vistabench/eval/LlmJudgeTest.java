package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.score.Concept;
import org.vistabench.spec.JudgeSpec;

/** The LLM judge against a stub chat-completions server on 127.0.0.1, started and stopped by each test. */
class LlmJudgeTest {
    private static final Concept CAT = new Concept(Concept.Kind.OBJECT, "cat");
    private static final Concept DOG = new Concept(Concept.Kind.OBJECT, "dog");
    private static final Concept RED = new Concept(Concept.Kind.ATTRIBUTE, "red");
    private static final Map<String, String> ENV = Map.of("JUDGE_KEY", "sk-test-123");

    @TempDir
    Path tmp;

    /** One canned reply: HTTP status, body, and how long the server waits before sending it. */
    record Reply(int status, String body, long delayMs) {
    }

    /** A received request: method, path, headers of interest and body. */
    record Received(String method, String path, String auth, String contentType, byte[] body) {
    }

    private HttpServer server;
    private ExecutorService pool;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"),
                    body));
            Reply r = replies.poll();
            if (r == null) {
                r = new Reply(500, "{\"error\":\"the test queued no reply\"}", 0);
            }
            try {
                Thread.sleep(r.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            try {
                ex.sendResponseHeaders(r.status(), out.length);
                ex.getResponseBody().write(out);
            } catch (IOException gone) {
                // the client timed out and closed the connection
            } finally {
                ex.close();
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        pool.shutdownNow();
    }

    private String baseUrl;

    private String baseUrl() {
        return baseUrl;
    }

    private LlmJudge judge(double timeoutS, int retries, Map<String, String> env) {
        return new LlmJudge(new JudgeSpec("openai", baseUrl(), "judge-7b", "JUDGE_KEY", timeoutS, retries),
                tmp.resolve("results/judge"), List.of(RED, DOG, CAT), List.of("dog", "cat"), env::get,
                Duration.ofMillis(10));
    }

    private static String chat(String content) throws IOException {
        return "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + Json.MAPPER.writeValueAsString(content) + "}}]}";
    }

    private static Reply ok(String content) throws IOException {
        return new Reply(200, chat(content), 0);
    }

    private Map<String, byte[]> cacheFiles() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        Path dir = tmp.resolve("results/judge");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    @Test
    void postsModelTemperatureZeroBothPromptsAndTheBearerKeyThenCachesByTheBodysHash() throws Exception {
        replies.add(ok("{\"concepts\": [\"object:cat\"]}"));
        assertEquals(Set.of(CAT), judge(5, 0, ENV).named("cats and kittens"));

        assertEquals(1, received.size());
        Received r = received.get(0);
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer sk-test-123", r.auth());
        assertEquals("application/json", r.contentType());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals(List.of("messages", "model", "temperature"), fieldNames(body));
        assertEquals("judge-7b", body.get("model").asText());
        assertTrue(body.get("temperature").isInt() && body.get("temperature").asInt() == 0, body.toString());
        assertEquals(2, body.get("messages").size());
        assertEquals("system", body.get("messages").get(0).get("role").asText());
        assertEquals(LlmJudge.SYSTEM, body.get("messages").get(0).get("content").asText());
        assertEquals("user", body.get("messages").get(1).get("role").asText());
        assertEquals(LlmJudge.labelPrompt("cats and kittens", List.of("attribute:red", "object:cat", "object:dog")),
                body.get("messages").get(1).get("content").asText());

        Map<String, byte[]> cache = cacheFiles();
        assertEquals(Set.of(Sha256.hex(r.body()) + ".json"), cache.keySet());
        JsonNode cached = Json.MAPPER.readTree(cache.values().iterator().next());
        assertEquals(body, cached.get("request"));
        assertEquals("{\"concepts\": [\"object:cat\"]}", cached.get("answer").asText());
        assertFalse(new String(cache.values().iterator().next(), StandardCharsets.UTF_8).contains("sk-test"),
                "the key must never be written");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void retriesAfterA500ThenSucceeds() throws Exception {
        replies.add(new Reply(500, "{\"error\":\"overloaded\"}", 0));
        replies.add(ok("{\"objects\": [\"dog\"]}"));
        LlmJudge j = judge(5, 3, ENV);
        assertEquals(Set.of("dog"), j.objectsNamed("A puppy on a rug."));
        assertEquals(2, received.size());
        assertArrayEquals(received.get(0).body(), received.get(1).body(), "a retry sends the same request");
        assertEquals(Map.of("steering.judge_questions", 1.0, "steering.judge_malformed", 0.0), j.metrics("steering"));
    }

    @Test
    void retriesAfterATimeoutThenSucceeds() throws Exception {
        replies.add(new Reply(200, chat("{\"objects\": []}"), 3000)); // answered too late
        replies.add(ok("{\"objects\": [\"cat\"]}"));
        long t0 = System.nanoTime();
        assertEquals(Set.of("cat"), judge(0.4, 1, ENV).objectsNamed("a cat"));
        assertEquals(2, received.size());
        assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "the first request must have been abandoned");
    }

    @Test
    void givesUpAfterItsRetriesWithAOneLineError() throws Exception {
        for (int i = 0; i < 5; i++) {
            replies.add(new Reply(503, "busy\nsecond line", 0));
        }
        VistaException e = assertThrows(VistaException.class, () -> judge(5, 2, ENV).named("cat"));
        assertEquals("judge: " + baseUrl() + "/chat/completions failed 3 times (judge.retries 2), last: HTTP 503: busy",
                e.getMessage());
        assertEquals(ExitCodes.CELL_FAILED, e.exitCode());
        assertEquals(3, received.size());
        assertTrue(cacheFiles().isEmpty() || !Files.exists(tmp.resolve("results/judge")),
                "a failed question caches nothing");
    }

    @Test
    void aMalformedAnswerIsNoMatchAndIsCounted() throws Exception {
        replies.add(ok("The description names a cat."));
        replies.add(ok("{\"concepts\": [\"object:cow\"]}")); // not a candidate
        replies.add(new Reply(200, "{\"choices\": []}", 0)); // no message content
        replies.add(ok("```json\n{\"concepts\": [\"attribute:red\", \"object:dog\"]}\n```"));
        LlmJudge j = judge(5, 0, ENV);
        assertEquals(Set.of(), j.named("a cat"));
        assertEquals(Set.of(), j.named("a cow"));
        assertEquals(Set.of(), j.named("nothing"));
        assertEquals(Set.of(RED, DOG), j.named("red dog"));
        assertEquals(Set.of(), j.named("a cat"), "asked once per label");
        assertEquals(4, received.size());
        assertEquals(Map.of("match_rate.judge_questions", 4.0, "match_rate.judge_malformed", 3.0),
                j.metrics("match_rate"));
    }

    @Test
    void aRerunAnswersFromTheCacheWithoutTheServerOrTheKeyByteIdentically() throws Exception {
        replies.add(ok("{\"concepts\": [\"object:dog\"]}"));
        replies.add(ok("not json"));
        replies.add(ok("{\"objects\": [\"cat\", \"dog\"]}"));
        LlmJudge first = judge(5, 0, ENV);
        List<Object> answers = List.of(first.named("dogs"), first.named("fur"), first.objectsNamed("a cat and a dog"));
        Map<String, byte[]> cache = cacheFiles();
        assertEquals(3, cache.size());
        assertEquals(3, received.size());

        server.stop(0); // any request now fails to connect
        server = null;
        LlmJudge again = judge(5, 0, Map.of());
        assertEquals(answers, List.of(again.named("dogs"), again.named("fur"), again.objectsNamed("a cat and a dog")));
        assertEquals(first.metrics("match_rate"), again.metrics("match_rate"));
        assertEquals(Map.of("match_rate.judge_questions", 3.0, "match_rate.judge_malformed", 1.0),
                again.metrics("match_rate"));
        Map<String, byte[]> after = cacheFiles();
        assertEquals(cache.keySet(), after.keySet());
        cache.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
        assertEquals(3, received.size());
    }

    @Test
    void aNewQuestionWithTheServerDownFailsNamingIt() throws Exception {
        String url = baseUrl();
        server.stop(0);
        server = null;
        VistaException e = assertThrows(VistaException.class, () -> new LlmJudge(new JudgeSpec("openai", url,
                "judge-7b", null, 2, 1), tmp.resolve("judge"), List.of(CAT), List.of("cat"), k -> null,
                Duration.ofMillis(5)).named("cat"));
        assertTrue(e.getMessage().startsWith("judge: " + url + "/chat/completions failed 2 times (judge.retries 1), "
                + "last: cannot connect"), e.getMessage());
    }

    @Test
    void unauthorizedIsAClearErrorWithoutRetries() {
        replies.add(new Reply(401, "{\"error\":{\"message\":\"Incorrect API key\"}}", 0));
        VistaException e = assertThrows(VistaException.class, () -> judge(5, 3, ENV).named("cat"));
        assertEquals("judge: " + baseUrl() + "/chat/completions refused the request (HTTP 401, key from $JUDGE_KEY): "
                + "{\"error\":{\"message\":\"Incorrect API key\"}}", e.getMessage());
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertEquals(1, received.size());
    }

    @Test
    void notFoundPointsAtTheBaseUrlAndModel() {
        replies.add(new Reply(404, "404 page not found", 0));
        VistaException e = assertThrows(VistaException.class, () -> judge(5, 3, ENV).named("cat"));
        assertEquals("judge: " + baseUrl() + "/chat/completions answered HTTP 404 (check judge.base_url, which "
                + "usually ends in /v1, and judge.model 'judge-7b'): 404 page not found", e.getMessage());
        assertEquals(1, received.size());
    }

    @Test
    void anUnsetKeyVariableIsAnErrorBeforeAnyRequest() {
        VistaException e = assertThrows(VistaException.class, () -> judge(5, 3, Map.of()).named("cat"));
        assertEquals("judge.api_key_env: environment variable JUDGE_KEY is not set (the openai judge sends it as the "
                + "API key to " + baseUrl() + "/chat/completions)", e.getMessage());
        assertEquals(0, received.size());
    }
}
