package org.vistabench.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.EncoderBundle;
import org.vistabench.model.lm.ChatTemplate;
import org.vistabench.model.lm.LmLoader;
import org.vistabench.model.lm.Tokenizer;
import org.vistabench.tensor.DjlRuntime;

/** The tiny hub cache is what real loaders accept: every model resolves through hf: and loads; builds repeat. */
class TinyHfCacheTest {
    @TempDir
    Path tmp;

    @Test
    void everyModelResolvesAndLoadsThroughTheRealLoaders() throws Exception {
        TinyHfCache c = TinyHfCache.build(tmp.resolve("a"));
        ModelResolver r = new ModelResolver(Map.of("HF_HOME", c.hfHome().toString()), tmp);
        DjlRuntime.engine();
        for (String lm : List.of("hf:google/gemma-2-2b-it", "hf:meta-llama/Llama-3.1-8B-Instruct")) {
            Path dir = r.resolvePath(lm, null);
            assertTrue(dir.endsWith(Path.of("snapshots", TinyHfCache.REV)), dir.toString());
            try (NDManager m = NDManager.newBaseManager(Device.cpu());
                 Tokenizer tok = Tokenizer.load(dir)) {
                var model = LmLoader.load(dir, m);
                ChatTemplate t = ChatTemplate.of(model.config().family());
                long[] ids = tok.encode(t.userTurn("what is shown in this image?"));
                assertTrue(ids.length > 8, lm + ": " + ids.length);
                assertTrue(tok.tokenId(t.endOfTurn()).isPresent(), lm + " lacks " + t.endOfTurn());
                model.close();
            }
        }
        for (String enc : List.of("hf:facebook/dinov2-large", "hf:openai/clip-vit-large-patch14-336")) {
            try (EncoderBundle e = EncoderBundle.load("e", r.resolvePath(enc, null), -1, "patch", Device.cpu())) {
                BufferedImage img = javax.imageio.ImageIO.read(c.coco().resolve("images").resolve("000000001000.png")
                        .toFile());
                assertEquals(16, e.features(List.of(img)).tokens());
            }
        }
        assertTrue(Files.isRegularFile(c.hub().resolve("models--google--gemma-scope-2b-pt-res/snapshots/" + TinyHfCache.REV
                + "/layer_3/width_65k/average_l0_130/params.npz")));
        TinyHfCache again = TinyHfCache.build(tmp.resolve("b"));
        for (String f : List.of("coco/annotations/instances.json", "llava/conversations.json",
                "coco/images/000000001007.png", "labels/gemma-scope-2b-pt-res/2.json")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
    }
}
