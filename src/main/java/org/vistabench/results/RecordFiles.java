package org.vistabench.results;

/**
 * The names of a results folder's per-image records, shared by the metric providers that write them and the reports,
 * the dashboard and merge that read or copy them (one place for the contract between the two sides).
 */
public final class RecordFiles {
    /** {@code RESULTS/images/<image id>.png}: the held-out images the records name. */
    public static final String IMAGES = "images";
    /** Per cell: {@code match_rate}'s picks per image, layer and position kind. */
    public static final String MATCH_RATE = "match_rate.jsonl";
    /** Per cell: {@code localization}'s scored (image, layer, latent, category) pairs with masks and maps. */
    public static final String LOCALIZATION = "localization.jsonl";
    /** Per cell: the picks' activation maps and the object masks of the first held-out images, per layer. */
    public static final String PATCHES = "patches.jsonl";
    /** Per cell: {@code steering}'s samples, one line per sample and intervention. */
    public static final String STEERING = "steering.jsonl";

    private RecordFiles() {
    }

    /** Where the image {@code id} of a results folder is ({@link #IMAGES}). */
    public static java.nio.file.Path image(java.nio.file.Path results, long id) {
        return results.resolve(IMAGES).resolve(id + ".png");
    }
}
