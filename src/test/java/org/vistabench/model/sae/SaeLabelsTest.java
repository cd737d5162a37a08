package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;

class SaeLabelsTest {
    static final Path RES = Path.of("src/test/resources/sae");

    @Test
    void keepsTheFirstExplanationPerIndexByFileOrderAndSkipsBlankOnes() {
        SaeLabels l = SaeLabels.read(RES.resolve("neuronpedia-rows.json"));
        assertEquals(Optional.of("references to cats"), l.label(3));
        assertEquals(Optional.of("the colour red"), l.label(10));
        assertEquals(Optional.empty(), l.label(11));
        assertEquals(Optional.empty(), l.label(4));
        assertEquals(2, l.size());
        assertEquals(2, l.dropped());
    }

    @Test
    void readsGzippedJsonlWhateverItsName(@TempDir Path tmp) throws Exception {
        String rows = """
                {"id":"a","modelId":"llama3.1-8b","layer":"15-llamascope-res-32k","index":"7","description":"water"}
                {"id":"b","modelId":"llama3.1-8b","layer":"15-llamascope-res-32k","index":"2","description":"boats"}

                {"id":"c","modelId":"llama3.1-8b","layer":"15-llamascope-res-32k","index":"7","description":"rivers"}
                """;
        for (String name : List.of("batch-0.jsonl.gz", "labels.json")) {
            Path f = tmp.resolve(name);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
                out.write(rows.getBytes(StandardCharsets.UTF_8));
            }
            SaeLabels l = SaeLabels.read(f);
            assertEquals(Optional.of("water"), l.label(7), name);
            assertEquals(Optional.of("boats"), l.label(2), name);
            assertEquals(1, l.dropped());
        }
    }

    @Test
    void readsAnExportFolderInBatchNumberOrder(@TempDir Path tmp) throws Exception {
        // batch-10 comes after batch-9 although "batch-10" < "batch-9" as strings: its later row must not win.
        Files.writeString(tmp.resolve("batch-9.jsonl"),
                "{\"modelId\":\"m\",\"layer\":\"1-x\",\"index\":\"4\",\"description\":\"first\"}\n");
        Files.writeString(tmp.resolve("batch-10.jsonl"),
                "{\"modelId\":\"m\",\"layer\":\"1-x\",\"index\":\"4\",\"description\":\"second\"}\n"
                        + "{\"modelId\":\"m\",\"layer\":\"1-x\",\"index\":\"5\",\"description\":\"five\"}\n");
        SaeLabels l = SaeLabels.read(tmp);
        assertEquals(Optional.of("first"), l.label(4));
        assertEquals(Optional.of("five"), l.label(5));
    }

    @Test
    void readsTheWorldLabelMapWithTopTokensAndDensity() {
        SaeLabels l = SaeLabels.read(RES.resolve("world-labels.json"));
        assertEquals(Optional.of("cat"), l.label(0));
        SaeLabels.Label red = l.entry(2).orElseThrow();
        assertEquals(List.of("red"), red.topTokens());
        assertEquals(0.03, red.density());
        assertEquals(List.of(0, 2, 5), List.copyOf(l.all().keySet()));
    }

    @Test
    void refusesRowsFromSeveralSourcesUnlessOneIsNamed() {
        Path f = RES.resolve("mixed-sources.jsonl");
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.read(f));
        assertTrue(e.getMessage().contains("[gemma-2-2b/12-gemmascope-res-16k, gemma-2-2b/20-gemmascope-res-16k]"),
                e.getMessage());
        assertEquals(Optional.of("boats"), SaeLabels.read(f, "gemma-2-2b/12-gemmascope-res-16k").label(1));
        assertEquals(Optional.of("dogs"), SaeLabels.read(f, "20-gemmascope-res-16k").label(1));
        assertThrows(VistaException.class, () -> SaeLabels.read(f, "gemma-2-9b/20-gemmascope-res-16k"));
    }

    @Test
    void rejectsANonNumericIndexNamingFileAndLine() {
        Path f = RES.resolve("bad-index.jsonl");
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.read(f));
        assertEquals(f + ": line 2 has index 'one', expected a latent number ≥ 0", e.getMessage());
    }

    @Test
    void rejectsMalformedJsonNamingTheFile(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.json");
        Files.writeString(f, "[{\"index\": \"1\", \"description\": \"a\"},");
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
