package org.vistabench.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.score.Concept;
import org.vistabench.spec.JudgeSpec;

/**
 * The LLM judge: asks an OpenAI-compatible chat server ({@code POST <base_url>/chat/completions}, body
 * {@code {"messages": [system, user], "model": ..., "temperature": 0}}) the two questions of {@link Judge}, each with
 * a closed list of candidates and a JSON answer, and caches every exchange in the results folder.
 *
 * <p><b>Prompts</b> (verbatim; {@code <label>} and {@code <answer>} are written as JSON string literals, candidates
 * one per line, sorted). System, both questions: {@value #SYSTEM}
 * <pre>
 * LABEL question (match_rate, localization):
 *   A sparse-autoencoder latent (a direction inside a language model) has this description:
 *   "&lt;label&gt;"
 *
 *   Candidate concepts, one per line, written as kind:word:
 *   object:cat
 *   attribute:red
 *
 *   Which candidate concepts does the description name? A synonym, a plural or a close paraphrase counts
 *   ("kitten" names object:cat); a merely related word does not ("fur" does not name object:cat).
 *   Answer with one JSON object and nothing else: {"concepts": [...]} listing candidates exactly as written above,
 *   or {"concepts": []} if the description names none of them.
 *
 * ANSWER question (steering):
 *   A vision-language model was asked about an image and answered:
 *   "&lt;answer&gt;"
 *
 *   Candidate objects, one per line:
 *   cat
 *   dog
 *
 *   Which candidate objects does the answer say the image shows? A synonym or a plural counts ("puppy" names dog);
 *   an object the answer says is absent ("there is no dog") does not count.
 *   Answer with one JSON object and nothing else: {"objects": [...]} listing candidates exactly as written above,
 *   or {"objects": []} if the answer names none of them.
 * </pre>
 * The candidates are the concepts (objects) of the images the provider scores: the measures only ever intersect an
 * answer with one of those images' concepts. Unlike the authors' judge (one call per image and layer with the image
 * and three labels), a label is judged once, without the image, so the shuffled baseline asks nothing new.
 *
 * <p><b>Parsing</b> is strict: the message content, after surrounding white space and at most one Markdown code fence
 * ({@code ```json ... ```}), must be exactly one JSON object with exactly the one key, whose value is a list of
 * strings each one of the candidates. Anything else is <i>malformed</i>: it counts as naming nothing (no match), is
 * logged (WARN, with the cache file's hash) and counted in {@code <provider>.judge_malformed}; {@code
 * <provider>.judge_questions} counts the distinct questions asked (cached or not). A 200 answer without
 * {@code choices[0].message.content} is malformed too.
 *
 * <p><b>Cache</b>: {@code <results>/judge/<sha256>.json}, {@code sha256} of the request body's canonical JSON (keys
 * sorted, no white space: model, temperature, prompts; not the URL, not the key), holding {@code request} and
 * {@code answer} (the message content, or null), written atomically. A question whose file exists is answered from it
 * without any network call (nor an API key), so a rerun is offline and byte-identical.
 *
 * <p><b>Network</b>: each request may take {@code timeout_s}; timeouts, connection failures, 429 and 5xx are retried
 * {@code retries} times after 1 s, 2 s, 4 s, … (capped at 30 s); 401/403 and 404 stop at once with a one-line error
 * naming the URL (and the key's variable); the key ({@code Bearer}, from {@code api_key_env}) is read when the first
 * request is sent and never written.
 */
public final class LlmJudge implements Judge {
    private static final Logger LOG = LoggerFactory.getLogger(LlmJudge.class);
    static final String SYSTEM = "You are a strict annotator for a benchmark. You answer with one JSON object and "
            + "nothing else.";
    static final String CACHE_FOLDER = "judge";
    private static final long MAX_BACKOFF_MS = 30_000;

    private final JudgeSpec spec;
    private final Path cacheDir;
    private final Map<String, Concept> concepts = new TreeMap<>();
    private final Set<String> objects = new TreeSet<>();
    private final Function<String, String> env;
    private final Duration backoff;
    private final HttpClient http;
    private final Map<String, Set<Concept>> labels = new HashMap<>();
    private final Map<String, Set<String>> answers = new HashMap<>();
    private int questions;
    private int malformed;
    private int fromCache;

    /**
     * @param cacheDir   where exchanges are cached ({@code <results>/judge})
     * @param vocabulary the concepts a label may name
     * @param objects    the object names an answer may name
     * @param env        the environment the key is read from ({@code System::getenv}; tests pass their own)
     * @param backoff    the first retry's wait (doubled for each further retry)
     */
    public LlmJudge(JudgeSpec spec, Path cacheDir, Collection<Concept> vocabulary, Collection<String> objects,
                    Function<String, String> env, Duration backoff) {
        if (!JudgeSpec.OPENAI.equals(spec.kind()) || spec.baseUrl() == null || spec.model() == null) {
            throw new IllegalArgumentException("the LLM judge needs kind openai, base_url and model, got " + spec);
        }
        this.spec = spec;
        this.cacheDir = cacheDir;
        vocabulary.forEach(c -> concepts.put(candidate(c), c));
        this.objects.addAll(objects);
        this.env = env;
        this.backoff = backoff;
        this.http = HttpClient.newBuilder().connectTimeout(timeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Set<Concept> named(String label) {
        Set<Concept> known = labels.get(label);
        if (known != null) {
            return known;
        }
        List<String> picked = judge(labelPrompt(label, concepts.keySet()), "concepts", concepts.keySet());
        Set<Concept> out = new TreeSet<>();
        if (picked != null) {
            picked.forEach(c -> out.add(concepts.get(c)));
        }
        Set<Concept> result = java.util.Collections.unmodifiableSet(out);
        labels.put(label, result);
        return result;
    }

    @Override
    public Set<String> objectsNamed(String answer) {
        Set<String> known = answers.get(answer);
        if (known != null) {
            return known;
        }
        List<String> picked = judge(answerPrompt(answer, objects), "objects", objects);
        Set<String> result = java.util.Collections.unmodifiableSet(new TreeSet<>(picked == null ? List.of()
                : picked));
        answers.put(answer, result);
        return result;
    }

    /** Also logs (INFO) how many answers came from the cache: a number for logs only, it differs on a rerun. */
    @Override
    public Map<String, Double> metrics(String provider) {
        LOG.info("{}: judge {} at {}: {} questions ({} from the cache {}), {} malformed", provider, spec.model(),
                spec.baseUrl(), questions, fromCache, cacheDir, malformed);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(provider + ".judge_questions", (double) questions);
        out.put(provider + ".judge_malformed", (double) malformed);
        return out;
    }

    /** How a concept is written among the candidates and in answers: {@code object:dog}. */
    static String candidate(Concept c) {
        return c.kind().name().toLowerCase(Locale.ROOT) + ":" + c.word();
    }

    static String labelPrompt(String label, Collection<String> candidates) {
        return "A sparse-autoencoder latent (a direction inside a language model) has this description:\n"
                + literal(label) + "\n\n"
                + "Candidate concepts, one per line, written as kind:word:\n"
                + lines(candidates) + "\n"
                + "Which candidate concepts does the description name? A synonym, a plural or a close paraphrase "
                + "counts (\"kitten\" names object:cat); a merely related word does not (\"fur\" does not name "
                + "object:cat).\n"
                + "Answer with one JSON object and nothing else: {\"concepts\": [...]} listing candidates exactly as "
                + "written above, or {\"concepts\": []} if the description names none of them.";
    }

    static String answerPrompt(String answer, Collection<String> candidates) {
        return "A vision-language model was asked about an image and answered:\n"
                + literal(answer) + "\n\n"
                + "Candidate objects, one per line:\n"
                + lines(candidates) + "\n"
                + "Which candidate objects does the answer say the image shows? A synonym or a plural counts "
                + "(\"puppy\" names dog); an object the answer says is absent (\"there is no dog\") does not count.\n"
                + "Answer with one JSON object and nothing else: {\"objects\": [...]} listing candidates exactly as "
                + "written above, or {\"objects\": []} if the answer names none of them.";
    }

    private static String lines(Collection<String> candidates) {
        StringBuilder sb = new StringBuilder();
        new TreeSet<>(candidates).forEach(c -> sb.append(c).append('\n'));
        return sb.toString();
    }

    private static String literal(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request body: sorted keys, so its canonical bytes (and the cache key) do not depend on insertion order. */
    Map<String, Object> request(String user) {
        Map<String, Object> body = new TreeMap<>();
        body.put("model", spec.model());
        body.put("temperature", 0);
        body.put("messages", List.of(message("system", SYSTEM), message("user", user)));
        return body;
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new TreeMap<>();
        m.put("content", content);
        m.put("role", role);
        return m;
    }

    static byte[] canonical(Map<String, Object> request) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The strict reading of an answer: the listed candidates, or null when the answer is malformed (see the class
     * comment). A null answer (no message content) is malformed.
     */
    static List<String> parse(String answer, String key, Set<String> candidates) {
        if (answer == null) {
            return null;
        }
        String s = answer.strip();
        if (s.startsWith("```")) {
            int nl = s.indexOf('\n');
            String fence = nl < 0 ? "" : s.substring(3, nl).strip();
            if (nl < 0 || !(fence.isEmpty() || fence.equalsIgnoreCase("json")) || !s.endsWith("```")
                    || s.length() < nl + 4) {
                return null;
            }
            s = s.substring(nl + 1, s.length() - 3).strip();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(s);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject() || root.size() != 1 || !root.has(key) || !root.get(key).isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : root.get(key)) {
            if (!e.isTextual() || !candidates.contains(e.asText())) {
                return null;
            }
            out.add(e.asText());
        }
        return out;
    }

    /**
     * One question: asked (or read from the cache) and read strictly; a malformed answer is counted, logged and read
     * as naming none of the candidates (null).
     */
    private List<String> judge(String user, String key, Set<String> candidates) {
        questions++;
        Map<String, Object> request = request(user);
        byte[] body = canonical(request);
        Path file = cacheDir.resolve(Sha256.hex(body) + ".json");
        String answer;
        if (Files.isRegularFile(file)) {
            answer = cached(file);
            fromCache++;
        } else {
            answer = post(body);
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.putPOJO("request", request);
            o.put("answer", answer);
            try {
                Files.createDirectories(cacheDir);
                AtomicFiles.write(file, Json.MAPPER.writeValueAsBytes(o));
            } catch (IOException e) {
                throw new VistaException(ExitCodes.CELL_FAILED, "judge: cannot write the cache file " + file + ": "
                        + e.getMessage());
            }
        }
        List<String> picked = parse(answer, key, candidates);
        if (picked == null) {
            malformed++;
            LOG.warn("judge: malformed answer (counted as no match), {}: {}", file,
                    answer == null ? "no message content" : brief(answer));
        }
        return picked;
    }

    private static String cached(Path file) {
        try {
            JsonNode o = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (o == null || !o.isObject() || !o.has("answer")) {
                throw new VistaException(ExitCodes.CELL_FAILED, "judge: cache file " + file + " has no \"answer\"; "
                        + "delete it to ask again");
            }
            JsonNode a = o.get("answer");
            return a.isNull() ? null : a.asText();
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, "judge: cannot read cache file " + file + ": "
                    + Json.why(e) + "; delete it to ask again");
        }
    }

    private Duration timeout() {
        return Duration.ofMillis(Math.max(1, Math.round(spec.timeoutS() * 1000)));
    }

    private URI endpoint() {
        return URI.create(spec.baseUrl() + "/chat/completions");
    }

    /** One question to the server, with retries; returns the message content or null when the answer has none. */
    private String post(byte[] body) {
        URI url = endpoint();
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (spec.apiKeyEnv() != null) {
            String key = env.apply(spec.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new VistaException(ExitCodes.USAGE, "judge.api_key_env: environment variable "
                        + spec.apiKeyEnv() + " is not set (the openai judge sends it as the API key to " + url + ")");
            }
            b.header("Authorization", "Bearer " + key);
        }
        HttpRequest req = b.build();
        String last = null;
        for (int attempt = 0; attempt <= spec.retries(); attempt++) {
            if (attempt > 0) {
                sleep(Math.min(MAX_BACKOFF_MS, backoff.toMillis() << Math.min(attempt - 1, 20)));
            }
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int code = r.statusCode();
                if (code == 200) {
                    return content(r.body());
                }
                if (code == 401 || code == 403) {
                    throw new VistaException(ExitCodes.USAGE, "judge: " + url + " refused the request (HTTP " + code
                            + (spec.apiKeyEnv() == null ? ", no API key sent: name its variable in judge.api_key_env"
                            : ", key from $" + spec.apiKeyEnv()) + "): " + brief(r.body()));
                }
                if (code == 404) {
                    throw new VistaException(ExitCodes.USAGE, "judge: " + url + " answered HTTP 404 (check "
                            + "judge.base_url, which usually ends in /v1, and judge.model '" + spec.model() + "'): "
                            + brief(r.body()));
                }
                if (code != 429 && code < 500) {
                    throw new VistaException(ExitCodes.CELL_FAILED, "judge: " + url + " answered HTTP " + code + ": "
                            + brief(r.body()));
                }
                last = "HTTP " + code + ": " + brief(r.body());
            } catch (HttpTimeoutException e) {
                last = "no answer within " + spec.timeoutS() + " s (judge.timeout_s)";
            } catch (IOException e) {
                last = "cannot connect: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VistaException(ExitCodes.CELL_FAILED, "judge: interrupted while waiting for " + url);
            }
            LOG.warn("judge: attempt {} of {} to {} failed: {}", attempt + 1, spec.retries() + 1, url, last);
        }
        throw new VistaException(ExitCodes.CELL_FAILED, "judge: " + url + " failed " + (spec.retries() + 1)
                + " times (judge.retries " + spec.retries() + "), last: " + last);
    }

    /** {@code choices[0].message.content} of a chat-completions answer, or null when it has none. */
    static String content(String responseBody) {
        try {
            JsonNode c = Json.MAPPER.readTree(responseBody).path("choices").path(0).path("message").path("content");
            return c.isTextual() ? c.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VistaException(ExitCodes.CELL_FAILED, "judge: interrupted between retries");
        }
    }

    /** The first line of a server's text, at most 200 characters, for one-line errors. */
    static String brief(String s) {
        if (s == null || s.isBlank()) {
            return "(empty)";
        }
        Iterator<String> it = s.strip().lines().iterator();
        String first = it.hasNext() ? it.next() : "";
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }
}
