package org.vistabench.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;

/**
 * Reads a LLaVA-format conversation json ({@code blip_laion_cc_sbu_558k.json}, {@code llava_v1_5_mix665k.json}):
 * a top-level list of records {@code {"id": …, "image": "rel/path.jpg", "conversations": [{"from": "human",
 * "value": "<image>\nQuestion"}, {"from": "gpt", "value": "Answer"}, …]}}.
 *
 * <p>The file is read with Jackson's streaming parser, one record at a time; no tree of the file is built. Held in
 * memory per kept record: its index, id, image path, first human question and first gpt answer (later turns are
 * skipped unread) — for mix665k a few hundred MB of strings. Records without an {@code image} (mix665k has text-only
 * rows) or without a human question and a gpt answer are skipped and counted in one log line. A file that is not
 * well-formed json, or a record of the wrong shape, is an error naming the file, line and column.
 */
public final class LlavaConversations {
    private static final Logger LOG = LoggerFactory.getLogger(LlavaConversations.class);
    static final String PLACEHOLDER = "<image>";

    /**
     * @param records        the kept records, in file order
     * @param total          records in the file
     * @param textOnly       records skipped because they have no image
     * @param withoutAnswer  records with an image but no human question or no gpt answer, skipped
     */
    public record Result(List<LlavaConversation> records, long total, long textOnly, long withoutAnswer) {
    }

    private LlavaConversations() {
    }

    public static Result read(Path json) {
        List<LlavaConversation> out = new ArrayList<>();
        long total = 0;
        long textOnly = 0;
        long withoutAnswer = 0;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json.toFile())) {
            expect(p, p.nextToken(), JsonToken.START_ARRAY, json, "a list of conversation records");
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                expect(p, t, JsonToken.START_OBJECT, json, "a conversation record (an object)");
                LlavaConversation c = record(p, json, total);
                if (c == null) {
                    textOnly++;
                } else if (c.question() == null || c.answer() == null) {
                    withoutAnswer++;
                } else {
                    out.add(c);
                }
                total++;
            }
            if (p.nextToken() != null) {
                throw located(json, p.currentLocation(), "expected the end of the file after the list, found "
                        + p.currentToken());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw located(json, at, "malformed json: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, json + ": cannot read conversation json: " + e.getMessage(), e);
        }
        LOG.info("{}: {} conversation records, {} kept; {} text-only (no image) and {} without a question and an"
                + " answer skipped", json, total, out.size(), textOnly, withoutAnswer);
        return new Result(List.copyOf(out), total, textOnly, withoutAnswer);
    }

    /** One record from just after its {@code {}; null when it has no image. */
    private static LlavaConversation record(JsonParser p, Path json, long index) throws IOException {
        String id = "";
        String image = null;
        String question = null;
        String answer = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> {
                    expectScalar(p, v, json, "id", "a string or a number");
                    id = p.getText();
                }
                case "image" -> {
                    expectScalar(p, v, json, "image", "a relative image path (a string)");
                    if (v != JsonToken.VALUE_STRING) {
                        throw located(json, p.currentTokenLocation(), "record " + index + ": key 'image': expected a "
                                + "relative image path (a string), found " + p.getText());
                    }
                    image = p.getText();
                }
                case "conversations" -> {
                    expect(p, v, JsonToken.START_ARRAY, json, "record " + index + ": key 'conversations': a list of"
                            + " turns");
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        expect(p, t, JsonToken.START_OBJECT, json, "record " + index + ": a turn {from, value}");
                        String from = null;
                        String value = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            JsonToken tv = p.nextToken();
                            if ((k.equals("from") || k.equals("value")) && tv == JsonToken.VALUE_STRING) {
                                if (k.equals("from")) {
                                    from = p.getText();
                                } else {
                                    value = p.getText();
                                }
                            } else if (k.equals("from") || k.equals("value")) {
                                throw located(json, p.currentTokenLocation(), "record " + index + ": key '" + k
                                        + "': expected a string, found " + tv);
                            } else {
                                p.skipChildren();
                            }
                        }
                        if ("human".equals(from) && question == null && value != null) {
                            question = value.replace(PLACEHOLDER, "").strip();
                        } else if ("gpt".equals(from) && answer == null && question != null && value != null) {
                            answer = value.strip();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        expect(p, p.currentToken(), JsonToken.END_OBJECT, json, "the end of record " + index);
        if (image == null || image.isBlank()) {
            return null;
        }
        return new LlavaConversation(index, id, image, question, answer);
    }

    private static void expect(JsonParser p, JsonToken t, JsonToken want, Path json, String what) {
        if (t != want) {
            throw located(json, p.currentTokenLocation(), "expected " + what + ", found "
                    + (t == null ? "the end of the file" : t.asString() == null ? t.toString() : t.asString()));
        }
    }

    private static void expectScalar(JsonParser p, JsonToken t, Path json, String key, String what)
            throws IOException {
        if (t == null || !t.isScalarValue()) {
            throw located(json, p.currentTokenLocation(), "key '" + key + "': expected " + what + ", found "
                    + (t == null ? "the end of the file" : t.toString()));
        }
    }

    private static VistaException located(Path json, JsonLocation at, String message) {
        String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
        return new VistaException(ExitCodes.USAGE, json + where + ": " + message);
    }
}
