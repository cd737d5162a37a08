package org.vistabench.world.encoders;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.vistabench.world.scene.RenderedScene;

/**
 * Images held as CHW 8-bit values and handed out as CHW floats in [0, 1] ({@link RenderedScene#unit}), one fresh
 * array per {@link #get}: the encoder stage's few thousand scenes take a quarter of the heap they would as floats
 * (6000 scenes at 112 px: 226 MB instead of 903 MB), and every reader sees exactly the floats it saw before.
 */
public final class PackedImages extends AbstractList<float[]> implements RandomAccess {
    private final List<byte[]> chw8 = new ArrayList<>();

    /** Appends one image's {@link RenderedScene#chw8} values. */
    public void add(byte[] image) {
        chw8.add(image);
    }

    @Override
    public float[] get(int index) {
        return RenderedScene.unit(chw8.get(index));
    }

    @Override
    public int size() {
        return chw8.size();
    }
}
