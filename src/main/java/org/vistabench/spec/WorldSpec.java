package org.vistabench.spec;

import java.nio.file.Path;

/**
 * {@code world: {kind: mini, scale: default}}.
 *
 * @param seed the world's own seed, or null to use the spec's seed
 * @param cache where built worlds are cached, or null for the default ({@code $VISTABENCH_HOME/worlds}, else
 *     {@code ~/.vistabench/worlds})
 */
public record WorldSpec(String kind, String scale, Long seed, Path cache) {
}
