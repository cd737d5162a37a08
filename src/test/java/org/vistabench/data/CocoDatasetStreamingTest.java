package org.vistabench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** The streamed reading of COCO files: COCO 2017's key order, extra keys, and errors as before. */
class CocoDatasetStreamingTest {
    @TempDir
    Path dir;

    /** COCO 2017 order: info, licenses, images, annotations, then categories. */
    private static final String INST = "{\"info\": {\"year\": 2017}, \"licenses\": [{\"id\": 1}],"
            + " \"images\": [{\"id\": 7, \"file_name\": \"a.png\", \"width\": 4, \"height\": 4, \"license\": 1}],"
            + " \"annotations\": [{\"id\": 1, \"image_id\": 7, \"category_id\": %d, \"bbox\": [0, 0, 2, 2],"
            + " \"area\": 4, \"iscrowd\": 1, \"segmentation\": {\"size\": [4, 4], \"counts\": \"%s\"}}],"
            + " \"categories\": [{\"id\": 3, \"name\": \"cat\", \"supercategory\": \"animal\"}]}";

    @Test
    void readsCategoriesListedAfterAnnotationsAndCompressedRle() throws Exception {
        boolean[] m = new boolean[16];
        m[0] = m[1] = m[4] = m[5] = true;
        // pycocotools' string for runs [0, 2, 2, 2, 10]: "02208" is what it writes for this mask
        Files.writeString(dir.resolve("inst.json"), String.format(INST, 3, "02208"));
        Files.writeString(dir.resolve("caps.json"), "{\"info\": {}, \"annotations\": [{\"id\": 5, \"image_id\": 7,"
                + " \"caption\": \"a cat\"}, {\"id\": 6, \"image_id\": 7, \"caption\": \"one cat\"}]}");
        CocoDataset ds = CocoDataset.load(dir, dir.resolve("inst.json"), dir.resolve("caps.json"), null);
        assertEquals(List.of(new CocoImage(7, "a.png", 4, 4)), ds.images());
        assertEquals("cat", ds.category(3).name());
        assertEquals(1, ds.annotations(7).get(0).iscrowd());
        assertEquals(java.util.Arrays.toString(m), java.util.Arrays.toString(ds.mask(ds.annotations(7).get(0))));
        assertEquals(List.of("a cat", "one cat"), ds.captions(7));
    }

    @Test
    void unknownCategoryListedLaterIsStillAnError() throws Exception {
        Files.writeString(dir.resolve("inst.json"), String.format(INST, 4, "02208"));
        VistaException e = assertThrows(VistaException.class,
                () -> CocoDataset.load(dir, dir.resolve("inst.json"), null, null));
        assertEquals(dir.resolve("inst.json") + ": annotation 1: category_id 4 is not in categories", e.getMessage());
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() throws Exception {
        Files.writeString(dir.resolve("inst.json"), "{\"images\": [\n  {\"id\": 7,, \"file_name\": \"a.png\"}\n]}");
        VistaException e = assertThrows(VistaException.class,
                () -> CocoDataset.load(dir, dir.resolve("inst.json"), null, null));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(dir.resolve("inst.json") + ": cannot read COCO json: ")
                && e.getMessage().contains("(line 2, column"), e.getMessage());
    }
}
