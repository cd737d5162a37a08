package org.vistabench.spec;

import java.nio.file.Path;

/** COCO-format data for real runs: an image folder, instances json and captions json. */
public record DataSpec(Path images, Path instances, Path captions) {
}
