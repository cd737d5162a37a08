package org.vistabench.world;

import java.util.List;

/**
 * What the world builder, the stages and the world's README share: the code version that is part of every cache key,
 * and the stages in build order.
 */
public final class Stages {
    /** Bump when any stage's output changes for the same settings: it is part of every cache key. */
    public static final String CODE_VERSION = "world-1";
    /** The stages in build order (the encoders run beside lm and saes, on a thread of their own). */
    public static final List<String> ALL = List.of("scenes", "lm", "saes", "encoders");

    private Stages() {
    }
}
