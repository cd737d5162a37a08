package org.vistabench.world.encoders;

import java.util.List;

/**
 * What the world's encoder stage trains on: the train-split scenes as pixels plus their exact per-patch labels.
 *
 * @param images CHW float images in [0, 1], each {@code 3 * imageSize * imageSize} values
 * @param patchClass per image, {@code (imageSize/patch)^2} category indices in raster order (-1 = background),
 *     from the exact instance masks (the category covering most of the patch)
 * @param patchColour per image, the colour index of the object covering the patch (-1 = background)
 * @param captions one caption per image (the contrastive objective's text side)
 * @param vocabulary the words captions use (for a bag-of-words text tower)
 */
public record EncoderTrainingData(List<float[]> images, List<int[]> patchClass, List<int[]> patchColour,
                                  List<String> captions, List<String> vocabulary, int numCategories, int numColours,
                                  int imageSize, int patch) {
}
