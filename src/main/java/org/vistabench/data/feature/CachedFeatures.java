package org.vistabench.data.feature;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.tensor.SafeTensors;

/**
 * Features read from the cache's memory-mapped safetensors shards; rows are copied out on demand, so a split
 * larger than the heap costs only the page cache.
 */
public final class CachedFeatures implements FeatureSource, AutoCloseable {
    private final Path dir;
    private final List<SafeTensors> shards = new ArrayList<>();
    private final List<FloatBuffer> data = new ArrayList<>();
    private final int[] shardStart;
    private final long[] ids;
    private final int tokens;
    private final int dim;

    public CachedFeatures(Path dir, List<Path> shardFiles, int tokens, int dim) {
        this.dir = dir;
        this.tokens = tokens;
        this.dim = dim;
        List<Long> allIds = new ArrayList<>();
        shardStart = new int[shardFiles.size() + 1];
        try {
            for (int s = 0; s < shardFiles.size(); s++) {
                SafeTensors st = SafeTensors.open(shardFiles.get(s));
                shards.add(st);
                ByteBuffer b = st.bytes(org.vistabench.data.feature.FeatureCache.FEATURES);
                data.add(b.asFloatBuffer());
                shardStart[s] = allIds.size();
                for (long id : st.longs(org.vistabench.data.feature.FeatureCache.IMAGE_IDS)) {
                    allIds.add(id);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        shardStart[shardFiles.size()] = allIds.size();
        ids = allIds.stream().mapToLong(Long::longValue).toArray();
    }

    /** The cache folder these features came from. */
    public Path dir() {
        return dir;
    }

    @Override
    public int count() {
        return ids.length;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long imageId(int row) {
        return ids[row];
    }

    @Override
    public float[] row(int row) {
        if (row < 0 || row >= ids.length) {
            throw new IndexOutOfBoundsException("feature row " + row + " of " + ids.length + " in " + dir);
        }
        int s = 0;
        while (shardStart[s + 1] <= row) {
            s++;
        }
        int per = tokens * dim;
        float[] out = new float[per];
        // Absolute get: the mapped buffer is shared, its position must not move.
        data.get(s).get((row - shardStart[s]) * per, out);
        return out;
    }

    @Override
    public void close() {
        shards.forEach(SafeTensors::close);
        shards.clear();
        data.clear();
    }
}
