package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import org.vistabench.data.CocoQuestion;
import org.vistabench.model.vision.VisibleRegion;
import org.vistabench.score.Concept;

/** The images of one split as the train and caption providers need them. */
public interface ImageSplit {
    /** Image ids in a fixed order (the dataset's). */
    List<Long> imageIds();

    BufferedImage image(long id);

    /** Canonical names of the objects present (the lexicon's category names). */
    Set<String> objects(long id);

    /** The reference answer to {@code question} for this image (the training target). */
    String answer(long id, String question);

    /**
     * What the image shows, as the judge compares it with latent labels: object categories, their attributes
     * (colour, state) and the background.
     */
    Set<Concept> concepts(long id);

    /**
     * Per object category, its mask on a {@code cols × rows} patch grid laid uniformly over the whole served image
     * ({@link #image}): a patch is in when the category's instances cover at least {@code minCover} of its pixels.
     * Right when the encoder's processor sees the whole served image (no crop, or a crop to the resized size, as
     * the mini world's processors and CLIP-style processors on a square image); for one that crops, use
     * {@link #objectMasks(long, int, int, double, Visible)} with {@code processor::visibleRegion}.
     */
    List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover);

    /**
     * As {@link #objectMasks(long, int, int, double)}, with the grid laid over the part of the served image that the
     * encoder sees: {@code visible.of(width, height)} of the served image's size, normally
     * {@code processor::visibleRegion} ({@link org.vistabench.model.vision.ImageProcessor#visibleRegion}), e.g. the
     * central 224/256 of a square for DINOv2's processor (shortest edge 256, crop 224). An object only in the
     * cropped-away border is then in no patch, and patch boundaries match the encoder's. Edges are rounded to whole
     * pixels of the dataset's image. {@link Visible#WHOLE} gives exactly the four-argument masks.
     *
     * <p>The default ignores {@code visible}: right for splits without masks and for test doubles; the COCO and
     * mini-world splits override it.
     */
    default List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover, Visible visible) {
        return objectMasks(id, cols, rows, minCover);
    }

    /** The region an encoder sees of a served image of a given size (fractions of width and height). */
    @FunctionalInterface
    interface Visible {
        /** The whole served image. */
        Visible WHOLE = (width, height) -> VisibleRegion.FULL;

        VisibleRegion of(int width, int height);
    }

    /**
     * The question this image's training answer responds to, when the dataset has its own per image (a LLaVA
     * conversation's first human turn, without the image placeholder); {@code fallback} (the spec's prompt) otherwise.
     */
    default String question(long id, String fallback) {
        return fallback;
    }

    /** The image's held-out questions (type, question, answer), in file order. */
    List<CocoQuestion> questions(long id);
}
