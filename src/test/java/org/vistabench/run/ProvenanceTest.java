package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vistabench.io.Json;

class ProvenanceTest {
    @Test
    void runJsonWritesDirtyAsABooleanOrNull() throws Exception {
        JsonNode here = Json.MAPPER.valueToTree(Provenance.git(Path.of(".")));
        assertTrue(here.get("dirty").isBoolean() || here.get("dirty").isNull(), here.toString());
        JsonNode nowhere = Json.MAPPER.valueToTree(Provenance.git(Path.of("/")));
        assertTrue(nowhere.get("dirty").isNull(), nowhere.toString());
    }
}
