package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/**
 * match_rate, localization and steering through the LLM judge, end to end on the tiny fixture, against a stub server
 * that answers like the lexicon judge: the same numbers as the lexicon run; a rerun with the server stopped asks
 * nothing and writes the same bytes.
 */
class LlmJudgeRunTest {
    private static final List<String> MEASURES = List.of("match_rate", "localization", "steering");

    @TempDir
    Path tmp;

    /** Answers a judge prompt by word matching (parenthesised text ignored, the fixture's synonyms known). */
    static String lexiconLike(String user) throws Exception {
        String[] lines = user.split("\n");
        String text = Json.MAPPER.readValue(lines[1], String.class).replaceAll("\\([^()]*\\)", " ");
        Set<String> words = new TreeSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            words.add(MiniFixture.SYNONYMS.getOrDefault(w, w));
        }
        boolean label = user.startsWith("A sparse-autoencoder latent");
        List<String> picked = new ArrayList<>();
        for (int i = 4; i < lines.length && !lines[i].isEmpty(); i++) {
            String word = label ? lines[i].substring(lines[i].indexOf(':') + 1) : lines[i];
            if (words.contains(word)) {
                picked.add(lines[i]);
            }
        }
        return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(Map.of(label ? "concepts" : "objects", picked));
    }

    private static void writeLabels(Path saes) throws Exception {
        for (int l = 0; l < 4; l++) {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < 128; i++) {
                if (i % 8 == 7) {
                    continue;
                }
                sb.append(sb.length() > 1 ? "," : "").append('"').append(i).append("\": {\"description\": \"")
                        .append(MiniFixture.OBJECTS[i % 4]).append(" (top tokens 'a', 'dog')\", \"top_tokens\": [],"
                                + " \"density\": 0.01}");
            }
            Files.writeString(saes.resolve("layer_" + l + "/labels.json"), sb.append('}').toString());
        }
    }

    /** Trains once and runs the measures into {@code root/cells/<cell>}; {@code judge} is appended to the spec. */
    private Map<String, Double> run(Path root, String judge) throws Exception {
        MiniFixture fx = new MiniFixture(root, "  train: {feature_cache: " + root.resolve("features") + "}\n"
                + "  match_rate: {k: 3}\n  localization: {k: 3}\n"
                + "  steering: {removal: 3, replacement: 3, max_new_tokens: 4}\n", "random-sae", 6);
        writeLabels(root.resolve("saes"));
        Files.writeString(fx.spec, Files.readString(fx.spec) + judge);
        Spec spec = SpecLoader.load(fx.spec);
        return new TreeMap<>(FakeContext.onMiniCell(spec, root, MEASURES));
    }

    private static byte[] record(Path root, String file) throws Exception {
        return Files.readAllBytes(root.resolve("cells/enc__lm__early__none__s3").resolve(file));
    }

    @Test
    void aLexiconLikeServerGivesTheLexiconsNumbersAndARerunIsOfflineAndByteIdentical() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            requests.incrementAndGet();
            try {
                JsonNode body = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
                String answer = lexiconLike(body.get("messages").get(1).get("content").asText());
                byte[] out = ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
                        + Json.MAPPER.writeValueAsString(answer) + "}}]}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            } finally {
                ex.close();
            }
        });
        server.start();
        String judge = "judge: {kind: openai, base_url: 'http://127.0.0.1:" + server.getAddress().getPort()
                + "/v1', model: stub, timeout_s: 30, retries: 0}\n";
        Map<String, Double> llm;
        try {
            llm = run(tmp.resolve("llm"), judge);
        } finally {
            server.stop(0);
        }
        Map<String, Double> lexicon = run(tmp.resolve("lex"), "");

        int asked = requests.get();
        assertTrue(asked > 0);
        for (String p : MEASURES) {
            assertEquals(0.0, llm.remove(p + ".judge_malformed"), p);
            assertTrue(llm.remove(p + ".judge_questions") > 0, p);
        }
        assertEquals(lexicon, llm);
        for (String f : List.of("match_rate.jsonl", "localization.jsonl", "steering.jsonl")) {
            assertArrayEquals(record(tmp.resolve("lex"), f), record(tmp.resolve("llm"), f), f);
        }
        try (Stream<Path> s = Files.list(tmp.resolve("llm/judge"))) {
            assertEquals(asked, s.count(), "one cache file per distinct question");
        }

        // the rerun: a fresh results folder holding only the first one's judge cache; the server is gone
        Path rerun = Files.createDirectories(tmp.resolve("rerun"));
        Path cache = Files.createDirectories(rerun.resolve("judge"));
        Map<String, byte[]> cached = new TreeMap<>();
        try (Stream<Path> s = Files.list(tmp.resolve("llm/judge"))) {
            for (Path f : s.toList()) {
                cached.put(f.getFileName().toString(), Files.readAllBytes(f));
                Files.copy(f, cache.resolve(f.getFileName()));
            }
        }
        Map<String, Double> again = run(rerun, judge);
        assertEquals(requests.get(), asked, "the rerun asked nothing");
        for (String p : MEASURES) {
            assertEquals(0.0, again.remove(p + ".judge_malformed"), p);
            assertTrue(again.remove(p + ".judge_questions") > 0, p);
        }
        assertEquals(lexicon, again);
        for (String f : List.of("match_rate.jsonl", "localization.jsonl", "steering.jsonl")) {
            assertArrayEquals(record(tmp.resolve("llm"), f), record(rerun, f), f);
        }
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(cached.keySet(), new TreeSet<>(s.map(f -> f.getFileName().toString()).toList()));
        }
    }
}
