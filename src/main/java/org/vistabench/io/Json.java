package org.vistabench.io;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** One deterministic JSON mapper: sorted keys, pretty printed, so the same data always gives the same bytes. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    /** Jackson's location inside messages ("start marker at [Source: REDACTED (...); line: 1, column: 16]"). */
    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile(
            "\\[Source: [^;\\]]*(?:\\([^)]*\\))?[^;\\]]*; line: (\\d+), column: (\\d+)\\]");

    private Json() {
    }

    /**
     * One line saying why JSON could not be read: Jackson's own message without its "at [Source: REDACTED ...]"
     * location suffix, plus the line and column; other exceptions' first message line.
     */
    public static String why(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            String msg = j.getOriginalMessage() == null ? j.getClass().getSimpleName() : j.getOriginalMessage();
            msg = SOURCE.matcher(msg.lines().findFirst().orElse("").strip()).replaceAll("line $1, column $2");
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            return at == null || at.getLineNr() < 1 ? msg : msg + " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")";
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return SOURCE.matcher(msg.lines().findFirst().orElse("")).replaceAll("line $1, column $2");
    }
}
