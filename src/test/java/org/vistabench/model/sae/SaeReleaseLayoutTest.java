package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.tensor.TensorFormatException;

/**
 * Issue #19 item 2: SAEs as released. A Gemma Scope repo holds several widths and several {@code average_l0_K} per
 * layer; the spec's {@code width} and {@code l0} pick one, and an ambiguous or impossible choice says what each layer
 * has. The Llama Scope suite names its folders {@code L<layer><R|A|M|TC>-<8|32>x}.
 */
class SaeReleaseLayoutTest {
    @TempDir
    Path repo;

    /** d_sae encodes which folder a file came from, so a load proves the choice, not only the path. */
    private static void params(Path file, int dSae) throws Exception {
        Files.createDirectories(file.getParent());
        int d = 2;
        Map<String, NpyArray> p = new TreeMap<>();
        p.put("W_enc", NpyArray.ofFloats("W_enc", new long[] {d, dSae}, new float[d * dSae]));
        p.put("W_dec", NpyArray.ofFloats("W_dec", new long[] {dSae, d}, new float[d * dSae]));
        p.put("b_enc", NpyArray.ofFloats("b_enc", new long[] {dSae}, new float[dSae]));
        p.put("b_dec", NpyArray.ofFloats("b_dec", new long[] {d}, new float[d]));
        p.put("threshold", NpyArray.ofFloats("threshold", new long[] {dSae}, new float[dSae]));
        Npz.write(file, p);
    }

    /** layer_0 and layer_3: width_16k with average_l0 20, 40, 80; width_65k with average_l0 30. */
    @BeforeEach
    void gemmaScopeRelease() throws Exception {
        for (int layer : new int[] {0, 3}) {
            for (int k : new int[] {20, 40, 80}) {
                params(repo.resolve("layer_" + layer + "/width_16k/average_l0_" + k + "/params.npz"), k);
            }
            params(repo.resolve("layer_" + layer + "/width_65k/average_l0_30/params.npz"), 30);
        }
    }

    private Map<Integer, Path> locate(SaeChoice c) {
        return SaeLoader.locateLayers(repo, "gemma-scope", c);
    }

    private static SaeChoice choice(String width, String l0) {
        SaeChoice c = SaeChoice.defaults().withWidth(width);
        return l0 == null ? c : c.withL0(SaeChoice.L0.parse(l0));
    }

    @Test
    void exactL0PicksThatFolderInEveryLayer() throws Exception {
        Map<Integer, Path> got = locate(choice("16k", "40"));
        assertEquals(List.of(0, 3), List.copyOf(got.keySet()));
        assertEquals(repo.resolve("layer_3/width_16k/average_l0_40/params.npz"), got.get(3));
        try (NDManager m = NDManager.newBaseManager();
             SaeSet set = SaeLoader.loadLayers(repo, "gemma-scope", m, choice("16k", "40").withLayers(Set.of(0)))) {
            assertEquals(List.of(0), set.layers());
            assertEquals(40, set.get(0).dSae());
        }
    }

    @Test
    void closestL0TakesTheNearestKAndTheSmallerOnATie() {
        assertEquals(repo.resolve("layer_0/width_16k/average_l0_80/params.npz"), locate(choice("16k", "closest:70"))
                .get(0));
        // 30 is 10 from both 20 and 40
        assertEquals(repo.resolve("layer_0/width_16k/average_l0_20/params.npz"), locate(choice("16k", "closest:30"))
                .get(0));
        assertEquals(repo.resolve("layer_0/width_16k/average_l0_40/params.npz"), locate(choice("16k",
                "closest:30.5")).get(0));
    }

    @Test
    void aWidthWithOneL0NeedsNoL0() {
        assertEquals(repo.resolve("layer_3/width_65k/average_l0_30/params.npz"), locate(choice("65k", null)).get(3));
    }

    @Test
    void noWidthWithSeveralListsTheWidthsOfTheLayers() {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> locate(SaeChoice.defaults()));
        assertEquals(repo + ": layers 0, 3: widths 16k, 65k; choose saes.width", e.getMessage());
        TensorFormatException one = assertThrows(TensorFormatException.class,
                () -> locate(SaeChoice.defaults().withLayers(Set.of(3))));
        assertEquals(repo + ": layer_3: widths 16k, 65k; choose saes.width", one.getMessage());
    }

    @Test
    void aWidthThatIsNotThereListsTheOnesThatAre() {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> locate(choice("32k", "40")));
        assertEquals(repo + ": layers 0, 3: no width_32k (widths 16k, 65k); choose saes.width", e.getMessage());
    }

    @Test
    void noL0WithSeveralListsThemAndTheForms() {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> locate(choice("16k", null)));
        assertEquals(repo + ": layers 0, 3, width_16k: average_l0 20, 40, 80; choose saes.l0 (canonical | K |"
                + " closest:K)", e.getMessage());
        TensorFormatException exact = assertThrows(TensorFormatException.class, () -> locate(choice("16k", "41")));
        assertTrue(exact.getMessage().endsWith("layers 0, 3, width_16k: no average_l0_41 (average_l0 20, 40, 80);"
                + " choose saes.l0 (canonical | K | closest:K)"), exact.getMessage());
    }

    @Test
    void layersThatDifferAreListedEachWithItsOwnChoices() throws Exception {
        params(repo.resolve("layer_3/width_16k/average_l0_176/params.npz"), 176);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> locate(choice("16k", null)));
        assertEquals(repo + ": layer_0/width_16k: average_l0 20, 40, 80; choose saes.l0 (canonical | K | closest:K)"
                + " | layer_3/width_16k: average_l0 20, 40, 80, 176; choose saes.l0 (canonical | K | closest:K)",
                e.getMessage());
    }

    @Test
    void canonicalIsTheLayoutOfTheCanonicalReposAndIsRefusedWhereThereIsNone() throws Exception {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> locate(choice("16k",
                "canonical")));
        assertTrue(e.getMessage().contains("width_16k: no canonical folder (average_l0 20, 40, 80; canonical/ is the"
                + " layout of Google's gemma-scope-*-canonical repos)"), e.getMessage());
        // google/gemma-scope-2b-pt-res-canonical: layer_<L>/width_<w>/canonical/params.npz
        params(repo.resolve("layer_0/width_16k/canonical/params.npz"), 7);
        params(repo.resolve("layer_3/width_16k/canonical/params.npz"), 7);
        assertEquals(repo.resolve("layer_0/width_16k/canonical/params.npz"), locate(choice("16k", "canonical"))
                .get(0));
        // no l0 given: canonical when the width has it
        assertEquals(repo.resolve("layer_3/width_16k/canonical/params.npz"), locate(choice("16k", null)).get(3));
        // an explicit K still wins over canonical
        assertEquals(repo.resolve("layer_3/width_16k/average_l0_80/params.npz"), locate(choice("16k", "80")).get(3));
    }

    @Test
    void l0TextParsesTheThreeFormsAndRefusesOthers() {
        assertEquals(SaeChoice.L0.canonical(), SaeChoice.L0.parse("canonical"));
        assertEquals(SaeChoice.L0.exact(82), SaeChoice.L0.parse("82"));
        assertEquals(SaeChoice.L0.closest(100), SaeChoice.L0.parse("closest:100"));
        assertEquals("closest:100", SaeChoice.L0.parse("closest:100").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaeChoice.L0.parse("nearest:5"));
        assertTrue(e.getMessage().contains("canonical | K | closest:K"), e.getMessage());
    }

    @Test
    void llamaScopeExpansionAndPositionPickAmongTheSuitesFolders(@TempDir Path llama) throws Exception {
        for (String name : List.of("L0R-8x", "L0R-32x", "L1R-8x", "L1R-32x", "L1A-8x")) {
            Path d = Files.createDirectories(llama.resolve("Llama3_1-8B-Base-" + name));
            Files.writeString(d.resolve("hyperparams.json"), "{}");
        }
        TensorFormatException e = assertThrows(TensorFormatException.class,
                () -> SaeLoader.locateLayers(llama, "llama-scope", SaeChoice.defaults()));
        assertEquals(llama + ": layers 0-1: expansions 8x, 32x; choose saes.expansion", e.getMessage());
        Map<Integer, Path> r32 = SaeLoader.locateLayers(llama, "llama-scope", SaeChoice.defaults().withExpansion(32));
        assertEquals(Map.of(0, llama.resolve("Llama3_1-8B-Base-L0R-32x"), 1, llama.resolve("Llama3_1-8B-Base-L1R-32x")),
                r32);
        Map<Integer, Path> attn = SaeLoader.locateLayers(llama, "auto", SaeChoice.defaults().withPosition("A"));
        assertEquals(Map.of(1, llama.resolve("Llama3_1-8B-Base-L1A-8x")), attn);
        TensorFormatException m = assertThrows(TensorFormatException.class, () -> SaeLoader.locateLayers(llama,
                "llama-scope", SaeChoice.defaults().withPosition("M")));
        assertEquals(llama + ": no Llama Scope SAE at position M (positions A, R); choose saes.position",
                m.getMessage());
        TensorFormatException x = assertThrows(TensorFormatException.class, () -> SaeLoader.locateLayers(llama,
                "llama-scope", SaeChoice.defaults().withPosition("A").withExpansion(32)));
        assertTrue(x.getMessage().contains("no Llama Scope A SAE with expansion 32x (expansions [8])"),
                x.getMessage());
    }
}
