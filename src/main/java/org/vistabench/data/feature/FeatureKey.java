package org.vistabench.data.feature;

import org.vistabench.io.Sha256;

/**
 * What decides a set of cached features. The cache folder is named by {@link #hash()}: SHA-256 over a canonical
 * text of every field, so the name is the same in every JVM and changes whenever anything that changes the numbers
 * changes (the encoder's weight files, layer, token selection, preprocessing, the images).
 *
 * @param encoder       the encoder's id in the spec (for people reading the manifest; part of the hash too)
 * @param weightsHash   {@link FeatureCache#hashModelFiles} of the encoder folder
 * @param layer         HF hidden-state index (−1 = last)
 * @param tokens        {@code patch} or {@code all}
 * @param split         dataset split
 * @param preprocessing a stable description of the image preprocessing (e.g. the preprocessor config's SHA-256)
 * @param imageIdsHash  {@link FeatureCache#hashIds} of the images, in row order
 */
public record FeatureKey(String encoder, String weightsHash, int layer, String tokens, String split,
                         String preprocessing, String imageIdsHash) {
    /** Bumped when the shard layout or the extraction code changes meaning. */
    public static final int FORMAT_VERSION = 1;

    public String canonical() {
        return "vistabench-features/v" + FORMAT_VERSION + "\nencoder=" + encoder + "\nweights=" + weightsHash
                + "\nlayer=" + layer + "\ntokens=" + tokens + "\nsplit=" + split + "\npreprocessing=" + preprocessing
                + "\nimages=" + imageIdsHash + "\n";
    }

    public String hash() {
        return Sha256.hex(canonical());
    }
}
