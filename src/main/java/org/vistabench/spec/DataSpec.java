package org.vistabench.spec;

import java.nio.file.Path;
import java.util.Map;

/**
 * COCO-format data for real runs: the training split (an image folder, instances json and captions json; COCO
 * captions are the answers), an optional held-out split, what to do with unreadable images, and optional named
 * LLaVA-format conversation sets.
 *
 * @param eval          the held-out split (COCO val2017), or null: then {@code testFraction} of the training
 *                      split's images, picked by a hash of the image id, are held out
 * @param testFraction  the held-out fraction when {@code eval} is null, in (0, 1); default
 *                      {@value #DEFAULT_TEST_FRACTION}
 * @param badImages     {@code fail} (default) or {@code skip}
 * @param conversations LLaVA conversation sets by name (the split name), ordered as in the file
 */
public record DataSpec(Path images, Path instances, Path captions, Split eval, double testFraction,
                       String badImages, Map<String, Conversations> conversations) {
    public static final double DEFAULT_TEST_FRACTION = 0.1;
    public static final String FAIL = "fail";
    public static final String SKIP = "skip";

    public DataSpec {
        conversations = conversations == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(conversations));
        badImages = badImages == null ? FAIL : badImages;
    }

    /** The training split only: no eval split, the default held-out fraction, {@code bad_images: fail}. */
    public DataSpec(Path images, Path instances, Path captions) {
        this(images, instances, captions, null, DEFAULT_TEST_FRACTION, FAIL, Map.of());
    }

    /** A COCO-format split: image folder, instances json, captions json. */
    public record Split(Path images, Path instances, Path captions) {
    }

    /** A LLaVA conversation json and the folder its {@code image} paths are relative to. */
    public record Conversations(Path json, Path images) {
    }
}
