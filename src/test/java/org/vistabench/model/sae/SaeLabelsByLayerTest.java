package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;

/** Issue #19 item 2: a spec's {@code saes.labels} (a Neuronpedia export) split among the SAE layers. */
class SaeLabelsByLayerTest {
    static final Path ROWS = Path.of("src/test/resources/sae/neuronpedia-rows.json");
    static final Path MIXED = Path.of("src/test/resources/sae/mixed-sources.jsonl");

    private static void gz(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, b.toByteArray());
    }

    private static String row(int layer, int index, String description) {
        return "{\"id\": \"x\", \"modelId\": \"gemma-2-2b\", \"layer\": \"" + layer + "-gemmascope-res-16k\","
                + " \"index\": \"" + index + "\", \"description\": \"" + description + "\"}\n";
    }

    @Test
    void rowsGoToTheLayerTheirSourceNames() {
        SortedMap<Integer, SaeLabels> got = SaeLabels.byLayer(MIXED, List.of(12, 20, 5));
        assertEquals(List.of(12, 20), List.copyOf(got.keySet()));
        assertEquals(Optional.of("boats"), got.get(12).label(1));
        assertEquals(Optional.of("dogs"), got.get(20).label(1));
        // the first explanation by file order wins; blank ones are dropped
        SortedMap<Integer, SaeLabels> rows = SaeLabels.byLayer(ROWS, List.of(20));
        assertEquals(Optional.of("references to cats"), rows.get(20).label(3));
        assertEquals(Optional.of("the colour red"), rows.get(20).label(10));
        assertEquals(Optional.empty(), rows.get(20).label(11));
        assertEquals(2, rows.get(20).dropped());
    }

    @Test
    void readsANeuronpediaExportTreeOneFolderPerLayer(@TempDir Path tmp) throws Exception {
        // exports/<modelId>/<sourceId>/explanations/batch-<N>.jsonl.gz
        gz(tmp.resolve("20-gemmascope-res-16k/explanations/batch-0.jsonl.gz"), row(20, 0, "zero") + row(20, 1, "one"));
        gz(tmp.resolve("20-gemmascope-res-16k/explanations/batch-1.jsonl.gz"), row(20, 1024, "far"));
        gz(tmp.resolve("3-gemmascope-res-16k/explanations/batch-0.jsonl.gz"), row(3, 0, "three"));
        SortedMap<Integer, SaeLabels> got = SaeLabels.byLayer(tmp, List.of(3, 20, 21));
        assertEquals(List.of(3, 20), List.copyOf(got.keySet()));
        assertEquals(3, got.get(20).size());
        assertEquals(Optional.of("far"), got.get(20).label(1024));
        assertEquals(Optional.of("three"), got.get(3).label(0));
        gz(tmp.resolve("20-gemmascope-res-65k/explanations/batch-0.jsonl.gz"), row(20, 0, "wide"));
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.byLayer(tmp, List.of(20)));
        assertTrue(e.getMessage().contains("several label sources for layer 20 [20-gemmascope-res-16k,"
                + " 20-gemmascope-res-65k]"), e.getMessage());
    }

    @Test
    void twoSourcesForOneLayerInOneFileAreRefused(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("rows.jsonl");
        Files.writeString(f, row(20, 0, "a") + row(20, 0, "b").replace("16k", "65k"));
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.byLayer(f, List.of(20)));
        assertTrue(e.getMessage().contains("sources for layer 20 [gemma-2-2b/20-gemmascope-res-16k,"
                + " gemma-2-2b/20-gemmascope-res-65k]"), e.getMessage());
    }

    @Test
    void sourcelessLabelsServeOneLayerOnly() {
        Path world = Path.of("src/test/resources/sae/world-labels.json");
        assertEquals(List.of(4), List.copyOf(SaeLabels.byLayer(world, List.of(4)).keySet()));
        VistaException e = assertThrows(VistaException.class, () -> SaeLabels.byLayer(world, List.of(0, 1)));
        assertTrue(e.getMessage().contains("put {layer} in saes.labels"), e.getMessage());
    }
}
