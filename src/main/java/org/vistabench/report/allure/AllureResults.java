package org.vistabench.report.allure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.results.MetricsTable;
import org.vistabench.results.RecordFiles;
import org.vistabench.spec.Cell;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A results folder as Allure 2 results: one test case per golden claim, one per cell, and one for the run as a whole
 * (the spec, run.json, the tables and figures). Everything is derived from the folder and the report's own tables and
 * figures, so two reports of the same folder are byte-identical: uuids are name-based (the run's spec sha256 and first
 * session start, plus the case), times come from run.json only.
 *
 * <p>Status of a golden claim, from its outcome:
 * <ul>
 *   <li>PASS → {@code passed}; FAIL → {@code failed} (message {@code claim fails: ...}).</li>
 *   <li>NOT_EVALUATED → {@code broken}: the check could not be made (cells or metrics missing), which is Allure's
 *       meaning of broken (the test could not run its assertion), not a verdict on the claim.</li>
 *   <li>KNOWN_FAIL → {@code skipped} with {@code statusDetails.known = true} and message
 *       {@code known failure: <reason>}: the golden gate does not fail on it (it is recorded as expected), so it must
 *       not turn the report red as a failed or broken case would; skipped keeps the failed and broken counts equal to
 *       what needs a person, and the Categories tab lists known failures apart from cells that were not run.</li>
 *   <li>UNEXPECTED_PASS → {@code failed} (message {@code unexpected pass: ...}): the gate exits 1 on it, since someone
 *       must remove the known_failure or find out why the numbers moved; it is a verdict on the claim, not a harness
 *       error, so failed rather than broken.</li>
 * </ul>
 * A cell is {@code passed} when done, {@code failed} when failed (its error line as message), {@code skipped} when
 * pending (not run), {@code broken} when incomplete (killed or still running).
 *
 * <p>Each cell has one step per stage of the spec's {@code metrics} section (parameters: the stage's metrics), with
 * the duration run.json's cell entry records ({@code seconds: {stage: s}}, the stage's own time without the shared
 * setup); steps are laid end to end from the first session's start (the durations are right, their place on the
 * timeline is not). Folders written before stage times were recorded give steps without durations.
 */
public final class AllureResults {
    /** The folder under the report's out dir. */
    public static final String DIR = "allure-results";
    /** A text attachment longer than this is cut at a line end (the whole file stays in the results folder). */
    static final int MAX_ATTACHMENT = 1 << 20;

    private static final String CLAIMS_SUITE = "golden claims";
    private static final String CELLS_SUITE = "cells";
    private static final String RUN_SUITE = "run";

    private AllureResults() {
    }

    /** Every file of {@code allure-results}: name to bytes, sorted by name. */
    public static SortedMap<String, byte[]> files(ReportInput in, Path out) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (AllureCase c : cases(in, out)) {
            files.put(c.uuid() + "-result.json", utf8(c.json()));
            for (AllureCase.Attachment a : c.attachments()) {
                files.put(a.source(), a.bytes());
            }
        }
        files.put("environment.properties", utf8(environment(in)));
        files.put("executor.json", utf8(json(executor(in))));
        files.put("categories.json", utf8(json(categories())));
        return files;
    }

    /** The cases: the claims in golden.json order, then the cells by id, then the run. */
    public static List<AllureCase> cases(ReportInput in, Path out) throws IOException {
        Ids ids = Ids.of(in);
        List<AllureCase> cases = new ArrayList<>();
        if (in.golden().isPresent()) {
            JsonNode g = in.golden().get();
            for (JsonNode claim : g.path("claims")) {
                cases.add(claim(ids, g.at("/golden/name").asText(""), claim));
            }
        }
        List<String> stages = stageOrder(in.specText());
        for (ReportInput.CellRow c : in.cells()) {
            cases.add(cell(ids, in, c, stages));
        }
        cases.add(run(ids, in, out));
        return cases;
    }

    // ---- claims ----

    private static AllureCase claim(Ids ids, String goldenName, JsonNode c) throws IOException {
        String id = c.path("id").asText();
        String outcome = c.path("outcome").asText();
        String explanation = c.path("explanation").asText("");
        String key = "claim/" + id;
        String status;
        String message;
        boolean known = false;
        switch (outcome) {
            case "PASS" -> {
                status = AllureCase.PASSED;
                message = null;
            }
            case "FAIL" -> {
                status = AllureCase.FAILED;
                message = "claim fails: " + explanation;
            }
            case "NOT_EVALUATED" -> {
                status = AllureCase.BROKEN;
                message = "not evaluated: " + explanation;
            }
            case "KNOWN_FAIL" -> {
                status = AllureCase.SKIPPED;
                known = true;
                message = "known failure: " + c.path("known_failure").asText("(no reason recorded)");
            }
            case "UNEXPECTED_PASS" -> {
                status = AllureCase.FAILED;
                message = "unexpected pass: the claim is recorded as a known failure ("
                        + c.path("known_failure").asText("") + ") but holds; remove known_failure or find out why";
            }
            default -> {
                status = AllureCase.BROKEN;
                message = "unknown outcome '" + outcome + "'";
            }
        }
        String quantity = c.path("quantity").asText("");
        String kind = c.path("kind").asText("");
        List<AllureCase.Label> labels = List.of(
                label("parentSuite", CLAIMS_SUITE), label("suite", "kind: " + kind),
                label("epic", "golden claims"), label("feature", stage(quantity)), label("story", quantity),
                label("tag", outcome), label("tag", kind));
        List<AllureCase.Label> params = List.of(label("quantity", quantity), label("kind", kind),
                label("outcome", outcome), label("golden", goldenName));
        List<AllureCase.Step> steps = new ArrayList<>();
        for (JsonNode r : c.path("results")) {
            List<AllureCase.Label> p = new ArrayList<>();
            p.add(label("value", r.path("value").asText()));
            p.add(label("bound", r.path("bound").asText()));
            p.add(label("se", r.path("se").asText()));
            for (String side : List.of("left", "right")) {
                JsonNode g = r.path(side);
                if (!g.isMissingNode()) {
                    p.add(label(side, g.path("group").asText() + ": mean " + g.path("mean").asText() + ", std "
                            + g.path("std").asText() + ", n " + g.path("n").asText() + ", cells "
                            + join(g.path("cells"))));
                }
            }
            boolean holds = r.path("holds").asBoolean();
            steps.add(new AllureCase.Step(r.path("label").asText() + ": " + r.path("detail").asText(),
                    holds ? AllureCase.PASSED : AllureCase.FAILED, null, null, null, p));
        }
        for (JsonNode m : c.path("missing")) {
            steps.add(new AllureCase.Step("missing: " + m.asText(), AllureCase.BROKEN, null, null, null, List.of()));
        }
        String uuid = ids.uuid(key);
        List<AllureCase.Attachment> att = List.of(attachment(uuid, "claim (golden.json)", "json", "application/json",
                utf8(json(c))));
        String description = c.path("source").asText("") + "\n\n" + explanation;
        return new AllureCase(uuid, ids.history(key), id, "golden." + goldenName + "." + id, status, message,
                known ? explanation : null, known, description, null, null, labels, params, steps, att);
    }

    /** The stage part of a quantity ({@code match_rate} of {@code match_rate.rate.l0}). */
    private static String stage(String quantity) {
        int dot = quantity.indexOf('.');
        return dot < 0 ? quantity : quantity.substring(0, dot);
    }

    // ---- cells ----

    private static AllureCase cell(Ids ids, ReportInput in, ReportInput.CellRow row, List<String> specStages)
            throws IOException {
        Cell c = row.cell();
        String key = "cell/" + c.id();
        String uuid = ids.uuid(key);
        Map<String, Map<String, Double>> metrics = metricsByStage(in.table(), c.id());
        List<String> stages = new ArrayList<>(specStages);
        metrics.keySet().stream().filter(s -> !stages.contains(s)).forEach(stages::add);
        Map<String, Double> seconds = stageSeconds(in.run().path("cells").path(c.id()).path("seconds"));
        String failedStage = row.error() == null ? null : stage(row.error().split(":", 2)[0].trim());
        String status;
        String message;
        switch (row.status()) {
            case "done" -> {
                status = AllureCase.PASSED;
                message = null;
            }
            case "failed" -> {
                status = AllureCase.FAILED;
                message = "cell failed: " + row.error();
            }
            case "pending" -> {
                status = AllureCase.SKIPPED;
                message = "pending: the manifest names this cell but it has no folder (not run yet, or a missing shard)";
            }
            default -> {
                status = AllureCase.BROKEN;
                message = "incomplete: the cell's folder has neither done nor failed (killed, or still running)";
            }
        }
        List<AllureCase.Step> steps = new ArrayList<>();
        Long base = seconds.isEmpty() ? null : firstSessionStart(in.run());
        long at = base == null ? 0 : base;
        boolean after = false;
        if ("failed".equals(row.status()) && !stages.contains(failedStage)) {
            // the error names no stage of the spec: say what failed rather than guess which stages ran
            steps.add(new AllureCase.Step("error", AllureCase.FAILED, row.error(), null, null, List.of()));
        } else if (row.done() || "failed".equals(row.status())) {
            for (String s : stages) {
                String st;
                String msg = null;
                if (row.done()) {
                    st = AllureCase.PASSED;
                } else if (after) {
                    st = AllureCase.SKIPPED;
                    msg = "not run: an earlier stage failed";
                } else if (s.equals(failedStage)) {
                    st = AllureCase.FAILED;
                    msg = row.error();
                    after = true;
                } else {
                    st = AllureCase.PASSED;
                }
                List<AllureCase.Label> p = new ArrayList<>();
                metrics.getOrDefault(s, Map.of()).forEach((k, v) -> p.add(label(k, Double.toString(v))));
                Double secs = seconds.get(s);
                Long start = null;
                Long stop = null;
                if (base != null && secs != null) {
                    start = at;
                    stop = at + Math.round(secs * 1000);
                    at = stop;
                }
                steps.add(new AllureCase.Step(s, st, msg, start, stop, p));
            }
        }
        List<AllureCase.Attachment> att = new ArrayList<>();
        for (FileAttachment f : List.of(new FileAttachment("metrics.json", "application/json"),
                new FileAttachment("error.txt", "text/plain"), new FileAttachment("trace.csv", "text/csv"),
                new FileAttachment(RecordFiles.STEERING, "text/plain"))) {
            Path p = row.dir().resolve(f.file());
            if (Files.isRegularFile(p) && Files.size(p) > 0) {
                att.add(attachment(uuid, f.file(), extension(f.file()), f.type(), readCapped(p)));
            }
        }
        List<AllureCase.Label> labels = List.of(
                label("parentSuite", CELLS_SUITE), label("suite", c.encoder()), label("subSuite", c.llm()),
                label("epic", "cells"), label("feature", "SAE layers: " + c.saeLayers()),
                label("story", "control: " + c.control()), label("tag", row.status()));
        List<AllureCase.Label> params = List.of(label("encoder", c.encoder()), label("llm", c.llm()),
                label("sae_layers", c.saeLayers()), label("control", c.control()),
                label("seed", Long.toString(c.seed())));
        String description = "Cell " + c.id() + ": encoder " + c.encoder() + ", LLM " + c.llm() + ", SAE layer set "
                + c.saeLayers() + ", control " + c.control() + ", seed " + c.seed() + ". Status: " + row.status()
                + (metrics.isEmpty() ? "." : "; " + metrics.values().stream().mapToInt(Map::size).sum()
                + " metrics in " + metrics.size() + " stages.")
                + (seconds.isEmpty() ? " Stage times are not recorded in the results folder." : "");
        Long stop = base == null ? null : at;
        return new AllureCase(uuid, ids.history(key), c.id(), "cells." + c.id(), status, message, null, false,
                description, base, stop, labels, params, steps, att);
    }

    private record FileAttachment(String file, String type) {
    }

    /** The done cell's metrics, grouped by stage (the name before the first dot), stages and metrics sorted. */
    private static Map<String, Map<String, Double>> metricsByStage(MetricsTable t, String cellId) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        for (MetricsTable.Row r : t.rows()) {
            if (r.cell().id().equals(cellId)) {
                out.computeIfAbsent(stage(r.metric()), k -> new TreeMap<>()).put(r.metric(), r.value());
            }
        }
        return out;
    }

    /** The stages of the spec's {@code metrics} section in run order; empty when the text cannot be read. */
    static List<String> stageOrder(String specText) {
        if (specText == null) {
            return List.of();
        }
        try {
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(specText);
            if (root instanceof Map<?, ?> m && m.get("metrics") instanceof Map<?, ?> metrics) {
                return metrics.keySet().stream().map(String::valueOf).toList();
            }
        } catch (RuntimeException e) {
            // a spec the run accepted always parses; an unreadable one only loses the step order
        }
        return List.of();
    }

    /** run.json's per-cell stage times ({@code seconds: {stage: seconds, setup: seconds}}; older folders have none). */
    private static Map<String, Double> stageSeconds(JsonNode stages) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (stages.isObject()) {
            stages.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) {
                    out.put(e.getKey(), e.getValue().asDouble());
                }
            });
        } else if (stages.isArray()) {
            for (JsonNode s : stages) {
                if (s.path("seconds").isNumber()) {
                    out.put(s.path("name").asText(), s.path("seconds").asDouble());
                }
            }
        }
        return out;
    }

    // ---- the run ----

    private static AllureCase run(Ids ids, ReportInput in, Path out) throws IOException {
        String key = "run";
        String uuid = ids.uuid(key);
        Map<String, Integer> counts = new TreeMap<>();
        in.cells().forEach(c -> counts.merge(c.status(), 1, Integer::sum));
        int goldenExit = in.golden().map(g -> g.path("exit_code").asInt(0)).orElse(0);
        String status;
        String message;
        if (goldenExit != 0 || counts.containsKey("failed")) {
            status = AllureCase.FAILED;
            message = "run fails: " + (goldenExit != 0 ? "golden gate exits " + goldenExit + "; " : "") + "cells "
                    + counted(counts);
        } else if (counts.keySet().stream().anyMatch(s -> !s.equals("done"))) {
            status = AllureCase.BROKEN;
            message = "run incomplete: not every cell is done: " + counted(counts);
        } else {
            status = AllureCase.PASSED;
            message = null;
        }
        List<AllureCase.Attachment> att = new ArrayList<>();
        att.add(attachment(uuid, "spec " + in.specName() + ".yaml", "yaml", "text/plain",
                utf8(in.specText() == null ? "" : in.specText())));
        att.add(attachment(uuid, "run.json", "json", "application/json", utf8(json(in.run()))));
        for (Path f : reportFiles(in, out)) {
            String name = f.getFileName().toString();
            String ext = extension(name);
            att.add(attachment(uuid, name, ext, type(ext), readCapped(f)));
        }
        JsonNode s0 = in.run().path("sessions").path(0);
        List<AllureCase.Label> labels = List.of(label("parentSuite", RUN_SUITE), label("suite", in.specName()),
                label("epic", "run"), label("host", s0.path("host").asText("")));
        List<AllureCase.Label> params = List.of(label("spec", in.specName()),
                label("git", in.run().at("/git/commit").asText("") + (in.run().at("/git/dirty").asBoolean()
                        ? " (dirty)" : "")), label("cells", counted(counts)));
        int sessions = in.run().path("sessions").size();
        String description = "The run of spec " + in.specName() + " (" + sessions + (sessions == 1 ? " session"
                : " sessions") + "): cells " + counted(counts) + (in.golden().isPresent() ? "; golden gate exit "
                + goldenExit
                : "; no golden.json") + ". Attached: the spec, run.json, and the report's tables and figures.";
        Long start = firstSessionStart(in.run());
        Long stop = lastSessionEnd(in.run());
        return new AllureCase(uuid, ids.history(key), "run " + in.specName(), "run." + in.specName(), status, message,
                null, false, description, start, stop != null && start != null && stop >= start ? stop : null,
                labels, params, List.of(), att);
    }

    /** {@code 2 done, 1 failed} for {@code {done=2, failed=1}}. */
    private static String counted(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((status, n) -> parts.add(n + " " + status));
        return String.join(", ", parts);
    }

    /**
     * The tables and figures to attach to the run: {@code out/tables/*.csv}, {@code out/summary.md},
     * {@code out/figures/*.png|svg}, then {@code RESULTS/tables/*.csv} and {@code RESULTS/golden.csv} not already
     * named; each folder sorted by name.
     */
    private static List<Path> reportFiles(ReportInput in, Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        files.addAll(list(out.resolve("tables"), ".csv"));
        Path summary = out.resolve("summary.md");
        if (Files.isRegularFile(summary)) {
            files.add(summary);
        }
        files.addAll(list(out.resolve("figures"), ".png", ".svg"));
        LinkedHashSet<String> names = new LinkedHashSet<>();
        files.forEach(f -> names.add(f.getFileName().toString()));
        List<Path> more = new ArrayList<>(list(in.results().resolve("tables"), ".csv"));
        Path golden = in.results().resolve("golden.csv");
        if (Files.isRegularFile(golden)) {
            more.add(golden);
        }
        for (Path f : more) {
            if (names.add(f.getFileName().toString())) {
                files.add(f);
            }
        }
        return files;
    }

    private static List<Path> list(Path dir, String... suffixes) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && Stream.of(suffixes).anyMatch(n::endsWith);
            }).sorted().toList();
        }
    }

    // ---- the extra files ----

    /** {@code environment.properties}: the Environment widget (spec, code, versions, device). */
    static String environment(ReportInput in) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode r = in.run();
        env.put("spec", in.specName());
        env.put("spec.sha256", r.at("/spec/sha256").asText(""));
        env.put("git.commit", r.at("/git/commit").asText(""));
        env.put("git.dirty", r.at("/git/dirty").asText(""));
        new TreeMap<String, JsonNode>(toMap(r.path("versions"))).forEach((k, v) -> env.put("version." + k, v.asText()));
        env.put("device", r.path("device").asText(""));
        env.put("sessions", Integer.toString(r.path("sessions").size()));
        env.put("results", in.results().getFileName() == null ? "" : in.results().getFileName().toString());
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return sb.toString();
    }

    private static Map<String, JsonNode> toMap(JsonNode n) {
        Map<String, JsonNode> m = new TreeMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** java.util.Properties escaping, without its date comment (so the bytes are stable). */
    private static String escape(String s, boolean key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '=', ':', '#', '!' -> sb.append('\\').append(ch);
                case ' ' -> sb.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** {@code executor.json}: names the report (its title) and the build. */
    private static ObjectNode executor(ReportInput in) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", "vistabench");
        o.put("type", "vistabench");
        o.put("buildName", in.specName() + " " + in.run().path("sessions").path(0).path("started").asText(""));
        o.put("reportName", "VISTA benchmark: " + in.specName());
        return o;
    }

    /** {@code categories.json}: sorts what needs a look by the message prefixes this class writes. */
    static ArrayNode categories() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        category(a, "Claims that fail", "failed", "claim fails: .*");
        category(a, "Unexpected passes (remove known_failure)", "failed", "unexpected pass: .*");
        category(a, "Claims not evaluated (cells or metrics missing)", "broken", "not evaluated: .*");
        category(a, "Known failures (golden KNOWN_FAIL)", "skipped", "known failure: .*");
        category(a, "Cells that failed", "failed", "cell failed: .*");
        category(a, "Cells not run (pending)", "skipped", "pending: .*");
        category(a, "Cells incomplete (killed or running)", "broken", "incomplete: .*");
        category(a, "Run: the golden gate or a cell fails", "failed", "run fails: .*");
        category(a, "Run: cells not done", "broken", "run incomplete: .*");
        return a;
    }

    private static void category(ArrayNode a, String name, String status, String regex) {
        ObjectNode c = a.addObject();
        c.put("name", name);
        c.putArray("matchedStatuses").add(status);
        c.put("messageRegex", "(?s)" + regex);
    }

    // ---- helpers ----

    /** Name-based ids: a case's uuid depends on the run and the case, its history id on the spec and the case. */
    record Ids(String run, String spec) {
        static Ids of(ReportInput in) {
            String sha = in.run().at("/spec/sha256").asText("");
            String started = in.run().path("sessions").path(0).path("started").asText("");
            return new Ids(sha + "/" + started, in.specName());
        }

        String uuid(String caseKey) {
            return name("vistabench/" + run + "/" + caseKey);
        }

        String history(String caseKey) {
            return name("vistabench/" + spec + "/" + caseKey).replace("-", "");
        }

        static String name(String s) {
            return UUID.nameUUIDFromBytes(s.getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    private static AllureCase.Attachment attachment(String caseUuid, String name, String ext, String type,
                                                    byte[] bytes) {
        String source = Ids.name(caseUuid + "/" + name) + "-attachment." + ext;
        return new AllureCase.Attachment(name, source, type, bytes);
    }

    private static Long firstSessionStart(JsonNode run) {
        return millis(run.path("sessions").path(0).path("started").asText(null));
    }

    private static Long lastSessionEnd(JsonNode run) {
        JsonNode s = run.path("sessions");
        return s.size() == 0 ? null : millis(s.path(s.size() - 1).path("ended").asText(null));
    }

    private static Long millis(String iso) {
        if (iso == null || iso.isEmpty() || "null".equals(iso)) {
            return null;
        }
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A file's bytes; a longer text than {@link #MAX_ATTACHMENT} is cut at a line end with a note naming it. */
    private static byte[] readCapped(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        if (b.length <= MAX_ATTACHMENT || f.getFileName().toString().endsWith(".png")) {
            return b;
        }
        int end = MAX_ATTACHMENT;
        while (end > 0 && b[end - 1] != '\n') {
            end--;
        }
        String note = "... cut at " + end + " of " + b.length + " bytes; the whole file is " + f + "\n";
        byte[] n = utf8(note);
        byte[] out = new byte[end + n.length];
        System.arraycopy(b, 0, out, 0, end);
        System.arraycopy(n, 0, out, end, n.length);
        return out;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "txt" : name.substring(dot + 1);
    }

    private static String type(String ext) {
        return switch (ext) {
            case "csv" -> "text/csv";
            case "png" -> "image/png";
            case "svg" -> "image/svg+xml";
            case "json" -> "application/json";
            default -> "text/plain";
        };
    }

    private static String join(JsonNode array) {
        TreeSet<String> s = new TreeSet<>();
        array.forEach(n -> s.add(n.asText()));
        return String.join(" ", s);
    }

    private static AllureCase.Label label(String name, String value) {
        return new AllureCase.Label(name, value);
    }

    private static String json(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
