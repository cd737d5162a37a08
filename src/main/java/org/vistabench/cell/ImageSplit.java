package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;

/** The images of one split as the train and caption providers need them. */
public interface ImageSplit {
    /** Image ids in a fixed order (the dataset's). */
    List<Long> imageIds();

    BufferedImage image(long id);

    /** Canonical names of the objects present (the lexicon's category names). */
    Set<String> objects(long id);

    /** The reference answer to {@code question} for this image (the training target). */
    String answer(long id, String question);
}
