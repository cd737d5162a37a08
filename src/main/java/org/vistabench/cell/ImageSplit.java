package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import org.vistabench.data.CocoQuestion;
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
     * Per object category, its mask on a {@code cols × rows} patch grid laid uniformly over the whole image: a patch
     * is in when the category's instances cover at least {@code minCover} of its pixels. (The grid covers the whole
     * image when the encoder's processor resizes without cropping, as the mini world's do; a cropping processor
     * needs the crop applied first.)
     */
    List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover);

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
