package org.vistabench.cell;

import java.util.Optional;
import org.vistabench.score.Concept;

/** A dataset's splits plus the vocabulary that says which words name which object. */
public interface DataBundle extends AutoCloseable {
    /** {@code train}, {@code val} or {@code test}. */
    ImageSplit split(String name);

    /** The canonical object name a word names (synonyms included, case-insensitive), if any. */
    Optional<String> objectOf(String word);

    /** The concept a word names (synonyms included, case-insensitive), if any: the lexicon judge's vocabulary. */
    Optional<Concept> conceptOf(String word);

    /**
     * The other values of the attribute a word names (the mini world: the other state of the same kind of object,
     * {@code sleeping} → {@code awake}); empty when the dataset knows none. Attribute steering flips to these.
     */
    default java.util.List<String> alternatives(String attributeWord) {
        return java.util.List.of();
    }

    /** A short stable description for cache keys and logs (e.g. the world's root folder name). */
    String id();

    @Override
    default void close() {
    }
}
