package org.vistabench.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;

class ModelResolverTest {
    private static Path snapshot(Path hub, String repo, String commit) throws Exception {
        Path s = hub.resolve("models--" + repo.replace("/", "--")).resolve("snapshots").resolve(commit);
        Files.createDirectories(s);
        Files.writeString(s.resolve("config.json"), "{}");
        return s;
    }

    private static void ref(Path hub, String repo, String name, String commit) throws Exception {
        Path r = hub.resolve("models--" + repo.replace("/", "--")).resolve("refs").resolve(name);
        Files.createDirectories(r.getParent());
        Files.writeString(r, commit + "\n");
    }

    @Test
    void followsRefsMainInHfHubCache(@TempDir Path tmp) throws Exception {
        Path hub = tmp.resolve("hub");
        snapshot(hub, "google/gemma-2-2b", "aaa111");
        Path want = snapshot(hub, "google/gemma-2-2b", "bbb222");
        ref(hub, "google/gemma-2-2b", "main", "bbb222");
        ModelResolver r = new ModelResolver(Map.of("HF_HUB_CACHE", hub.toString(), "HF_HOME", "/nowhere"), tmp);
        assertEquals(want, r.resolvePath("hf:google/gemma-2-2b", null));
    }

    @Test
    void takesAnExplicitCommitOrRefName(@TempDir Path tmp) throws Exception {
        Path hub = tmp.resolve("home/hub");
        Path a = snapshot(hub, "fnlp/Llama3_1-8B-Base-LXR-8x", "c0ffee");
        Path b = snapshot(hub, "fnlp/Llama3_1-8B-Base-LXR-8x", "dead01");
        ref(hub, "fnlp/Llama3_1-8B-Base-LXR-8x", "main", "dead01");
        ref(hub, "fnlp/Llama3_1-8B-Base-LXR-8x", "v1", "c0ffee");
        ModelResolver r = new ModelResolver(Map.of("HF_HOME", tmp.resolve("home").toString()), tmp);
        assertEquals(a, r.resolvePath("hf:fnlp/Llama3_1-8B-Base-LXR-8x@c0ffee", null));
        assertEquals(a, r.resolvePath("hf:fnlp/Llama3_1-8B-Base-LXR-8x@v1", null));
        assertEquals(b, r.resolvePath("hf:fnlp/Llama3_1-8B-Base-LXR-8x", null));
    }

    @Test
    void fallsBackToTheNewestSnapshotWithoutRefs(@TempDir Path tmp) throws Exception {
        Path hub = tmp.resolve(".cache/huggingface/hub");
        Path old = snapshot(hub, "org/m", "old");
        Path fresh = snapshot(hub, "org/m", "fresh");
        Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(fresh, FileTime.fromMillis(2_000_000));
        ModelResolver r = new ModelResolver(Map.of(), tmp);
        assertEquals(fresh, r.resolvePath("hf:org/m", null));
        assertEquals("~/.cache/huggingface/hub (no HF_HUB_CACHE or HF_HOME set)", r.hubCache().chosenBy());
    }

    @Test
    void missingModelNamesEveryPathLookedAt(@TempDir Path tmp) throws Exception {
        Path hub = tmp.resolve("hub");
        ModelResolver r = new ModelResolver(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
        VistaException e = assertThrows(VistaException.class, () -> r.resolvePath("hf:google/gemma-2-2b", null));
        assertEquals(3, e.exitCode());
        Path repo = hub.resolve("models--google--gemma-2-2b");
        assertTrue(e.getMessage().contains(repo.resolve("refs/main").toString())
                && e.getMessage().contains(repo.resolve("snapshots").toString())
                && e.getMessage().contains("$HF_HUB_CACHE"), e.getMessage());

        ref(hub, "google/gemma-2-2b", "main", "abc");
        VistaException e2 = assertThrows(VistaException.class, () -> r.resolvePath("hf:google/gemma-2-2b", null));
        assertTrue(e2.getMessage().contains(repo.resolve("snapshots/abc").toString()), e2.getMessage());

        VistaException e3 = assertThrows(VistaException.class, () -> r.resolvePath("hf:google/gemma-2-2b@zzz", null));
        assertTrue(e3.getMessage().contains(repo.resolve("snapshots/zzz").toString())
                && e3.getMessage().contains(repo.resolve("refs/zzz").toString()), e3.getMessage());
    }

    @Test
    void resolvesPlainPathsAgainstTheSpecFolder(@TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("specs");
        Files.createDirectories(spec.resolve("models/lm"));
        ModelResolver r = new ModelResolver(Map.of(), tmp);
        assertEquals(spec.resolve("models/lm").toAbsolutePath(), r.resolvePath("models/lm", spec));
        assertEquals(spec.resolve("models/lm").toAbsolutePath(), r.resolvePath("./../specs/models/lm", spec));
        VistaException e = assertThrows(VistaException.class, () -> r.resolvePath("models/nope", spec));
        assertEquals(3, e.exitCode());
        assertTrue(e.getMessage().contains(spec.resolve("models/nope").toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void rejectsMalformedHubReferences(@TempDir Path tmp) {
        ModelResolver r = new ModelResolver(Map.of(), tmp);
        assertEquals(2, assertThrows(VistaException.class, () -> r.resolvePath("hf:a/b/c", null)).exitCode());
        assertEquals(2, assertThrows(VistaException.class, () -> r.resolvePath("hf:a/b@../x", null)).exitCode());
        assertEquals(2, assertThrows(VistaException.class, () -> r.resolvePath("hf:", null)).exitCode());
    }
}
