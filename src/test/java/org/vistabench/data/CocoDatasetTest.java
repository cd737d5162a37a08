package org.vistabench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

class CocoDatasetTest {
    private static final String CATS = "\"categories\": [{\"id\": 3, \"name\": \"cat\", \"supercategory\": \"animal\"}]";

    @Test
    void readsPolygonAndRleSegmentationsAndPatchOwners(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inst.json"), "{\"images\": [{\"id\": 7, \"file_name\": \"a.png\", \"width\": 4, "
                + "\"height\": 4}], \"annotations\": ["
                + "{\"id\": 1, \"image_id\": 7, \"category_id\": 3, \"bbox\": [0, 0, 2, 2], \"area\": 4, \"iscrowd\": 0,"
                + " \"segmentation\": [[0, 0, 2, 0, 2, 2, 0, 2]]},"
                + "{\"id\": 2, \"image_id\": 7, \"category_id\": 3, \"bbox\": [2, 2, 2, 2], \"area\": 4, \"iscrowd\": 0,"
                + " \"segmentation\": {\"size\": [4, 4], \"counts\": [10, 2, 2, 2]}, \"attributes\": {\"colour\": \"red\"}}], "
                + CATS + "}");
        Files.writeString(dir.resolve("caps.json"), "{\"annotations\": [{\"id\": 5, \"image_id\": 7, \"caption\": \"a cat\"}]}");
        CocoDataset ds = CocoDataset.load(dir, dir.resolve("inst.json"), dir.resolve("caps.json"), null);
        assertEquals(1, ds.images().size());
        assertEquals("cat", ds.category(3).name());
        assertEquals(java.util.List.of("a cat"), ds.captions(7));
        boolean[] poly = ds.mask(ds.annotations(7).get(0));
        boolean[] rle = ds.mask(ds.annotations(7).get(1));
        int polyArea = 0;
        for (boolean b : poly) {
            polyArea += b ? 1 : 0;
        }
        assertEquals(4, polyArea);
        assertTrue(poly[0] && poly[1] && poly[4] && poly[5]);
        assertTrue(rle[10] && rle[11] && rle[14] && rle[15]);
        assertEquals("red", ds.annotations(7).get(1).attributes().get("colour"));
        assertArrayEquals(new int[] {0, -1, -1, 1}, ds.patchObjects(7, 2, 2, 0.3));
    }

    @Test
    void danglingImageIdIsAnErrorNamingTheFileAndIds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inst.json"), "{\"images\": [], \"annotations\": [{\"id\": 9, \"image_id\": 42, "
                + "\"category_id\": 3, \"bbox\": [0, 0, 1, 1]}], " + CATS + "}");
        VistaException e = assertThrows(VistaException.class,
                () -> CocoDataset.load(dir, dir.resolve("inst.json"), null, null));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("inst.json") && e.getMessage().contains("annotation 9")
                && e.getMessage().contains("image_id 42"), e.getMessage());
    }

    @Test
    void missingListIsAnErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inst.json"), "{\"images\": {}}");
        VistaException e = assertThrows(VistaException.class,
                () -> CocoDataset.load(dir, dir.resolve("inst.json"), null, null));
        assertTrue(e.getMessage().contains("'images'") && e.getMessage().contains("expected a list"), e.getMessage());
    }
}
