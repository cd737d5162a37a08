package org.vistabench.world.scene;

import java.util.List;

/**
 * A scene's layout: background, objects in drawing order (later ones occlude earlier ones) and the seed of its
 * texture noise. Everything an image, its masks and its text are derived from.
 */
public record Scene(long id, int background, long textureSeed, List<SceneObject> objects) {
    public Scene {
        objects = List.copyOf(objects);
    }
}
