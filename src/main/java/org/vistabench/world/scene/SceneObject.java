package org.vistabench.world.scene;

/**
 * One drawn object: its concepts (0-based category and colour indices, state 0/1 within the category's state pair)
 * and where it is drawn (top-left of its square box, box side, mirrored or not).
 */
public record SceneObject(int category, int colour, int state, int x, int y, int size, boolean flip) {
}
