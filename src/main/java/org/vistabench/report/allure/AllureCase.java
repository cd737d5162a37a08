package org.vistabench.report.allure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.vistabench.io.Json;

/**
 * One Allure 2 test result ({@code <uuid>-result.json}): a golden claim, a cell or the run. Only the fields the Allure
 * report reads are modelled; {@link #json()} writes them in a fixed order so the same case gives the same bytes.
 *
 * @param uuid        the file name's uuid (name-based: same run and case, same uuid)
 * @param historyId   the same for the same case across runs of a spec, so Allure can draw its history
 * @param status      {@code passed}, {@code failed}, {@code broken} or {@code skipped}
 * @param message     the status line (statusDetails.message); null for a plain pass
 * @param trace       more detail under the message (statusDetails.trace); may be null
 * @param known       statusDetails.known: a failure that is recorded as expected (golden KNOWN_FAIL)
 * @param start       epoch milliseconds, or null when unknown (Allure then shows no duration)
 * @param stop        epoch milliseconds, or null when unknown
 */
public record AllureCase(String uuid, String historyId, String name, String fullName, String status, String message,
                         String trace, boolean known, String description, Long start, Long stop, List<Label> labels,
                         List<Label> parameters, List<Step> steps, List<Attachment> attachments) {
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String BROKEN = "broken";
    public static final String SKIPPED = "skipped";

    public AllureCase {
        labels = List.copyOf(labels);
        parameters = List.copyOf(parameters);
        steps = List.copyOf(steps);
        attachments = List.copyOf(attachments);
    }

    /** A name/value pair: an Allure label ({@code suite}, {@code tag}, ...) or a parameter. */
    public record Label(String name, String value) {
    }

    /**
     * A step of a case: a pipeline stage of a cell, or one checked group of a claim.
     *
     * @param start epoch milliseconds, or null when the stage's time is not recorded
     */
    public record Step(String name, String status, String message, Long start, Long stop, List<Label> parameters) {
        public Step {
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * A file attached to a case: written as {@code <source>} beside the results.
     *
     * @param source the file name in allure-results ({@code <uuid>-attachment.<ext>})
     * @param type   its MIME type (Allure picks the viewer from it)
     */
    public record Attachment(String name, String source, String type, byte[] bytes) {
    }

    /** The {@code -result.json} text (indented like every JSON file of the project, so diffs read well). */
    public String json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("uuid", uuid);
        o.put("historyId", historyId);
        o.put("testCaseId", historyId);
        o.put("name", name);
        o.put("fullName", fullName);
        o.put("status", status);
        ObjectNode details = o.putObject("statusDetails");
        details.put("known", known);
        details.put("muted", false);
        details.put("flaky", false);
        if (message != null) {
            details.put("message", message);
        }
        if (trace != null) {
            details.put("trace", trace);
        }
        o.put("stage", "finished");
        o.put("description", description);
        times(o, start, stop);
        pairs(o.putArray("labels"), labels);
        pairs(o.putArray("parameters"), parameters);
        ArrayNode st = o.putArray("steps");
        for (Step s : steps) {
            ObjectNode n = st.addObject();
            n.put("name", s.name());
            n.put("status", s.status());
            if (s.message() != null) {
                n.putObject("statusDetails").put("message", s.message());
            }
            n.put("stage", "finished");
            times(n, s.start(), s.stop());
            pairs(n.putArray("parameters"), s.parameters());
            n.putArray("steps");
            n.putArray("attachments");
        }
        ArrayNode at = o.putArray("attachments");
        for (Attachment a : attachments) {
            at.addObject().put("name", a.name()).put("source", a.source()).put("type", a.type());
        }
        try {
            return Json.MAPPER.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the Allure result " + name, e);
        }
    }

    private static void times(ObjectNode o, Long start, Long stop) {
        if (start != null) {
            o.put("start", start);
        }
        if (stop != null) {
            o.put("stop", stop);
        }
    }

    private static void pairs(ArrayNode a, List<Label> pairs) {
        for (Label p : pairs) {
            a.addObject().put("name", p.name()).put("value", p.value());
        }
    }
}
