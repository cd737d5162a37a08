package org.vistabench.score;

/**
 * A concept an image shows or a latent's label names, as the judge sees it: a canonical word and its kind.
 * Object words and attribute words are scored apart because raw matches are easy to get from attributes by chance
 * (a prototype's matches were mostly colour words).
 */
public record Concept(Kind kind, String word) implements Comparable<Concept> {
    /** OBJECT: a category; ATTRIBUTE: colour or state; SCENE: background. */
    public enum Kind { OBJECT, ATTRIBUTE, SCENE }

    /** By kind, then word: the order sets of concepts are kept and written in. */
    @Override
    public int compareTo(Concept o) {
        int k = kind.compareTo(o.kind);
        return k != 0 ? k : word.compareTo(o.word);
    }
}
