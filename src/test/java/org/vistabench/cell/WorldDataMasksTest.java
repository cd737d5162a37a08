package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.model.vision.ImageProcessor;
import org.vistabench.spec.WorldSpec;
import org.vistabench.world.World;
import org.vistabench.world.WorldBuilder;

/**
 * The mini world's masks under its encoders' own processors: they do not crop (shortest edge = crop = scene size),
 * so the visible region is the whole scene and the masks are exactly the four-argument ones. A cropping processor
 * (DINOv2's preset on a 56-pixel scene: the central 14/16) moves the grid. Builds the tiny world (about 10 s).
 */
class WorldDataMasksTest {
    @TempDir
    Path tmp;

    @Test
    void theWorldsProcessorsSeeWholeScenesSoMasksAreUnchanged() {
        World world = World.ensure(new WorldSpec("mini", "tiny", null, tmp), tmp,
                new WorldBuilder.Options(1, false, false));
        WorldData data = new WorldData(world);
        ImageSplit split = data.split("test");
        List<Long> ids = split.imageIds().subList(0, Math.min(12, split.imageIds().size()));
        boolean moved = false;
        for (String enc : World.blueprint(new WorldSpec("mini", "tiny", null, tmp)).encoders()) {
            ImageProcessor p = ImageProcessor.forModel(world.resolve("world:encoders/" + enc));
            for (long id : ids) {
                java.awt.image.BufferedImage img = split.image(id);
                assertTrue(p.visibleRegion(img.getWidth(), img.getHeight()).isFull(), enc);
                for (int side : new int[] {4, 7}) {
                    List<ObjectMask> old = split.objectMasks(id, side, side, 0.5);
                    List<ObjectMask> seen = split.objectMasks(id, side, side, 0.5, p::visibleRegion);
                    assertEquals(old.size(), seen.size());
                    for (int i = 0; i < old.size(); i++) {
                        assertEquals(old.get(i).category(), seen.get(i).category());
                        assertArrayEquals(old.get(i).patches(), seen.get(i).patches(), enc + " " + id);
                    }
                    List<ObjectMask> cropped = split.objectMasks(id, side, side, 0.5,
                            ImageProcessor.dinov2()::visibleRegion);
                    for (int i = 0; i < old.size(); i++) {
                        moved |= !java.util.Arrays.equals(old.get(i).patches(), cropped.get(i).patches());
                    }
                }
            }
        }
        assertTrue(moved, "a cropping processor moves some mask");
    }
}
