package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far, plus which of those tokens are real (not padding).
 *
 * <p>Every layer keeps all past keys, sliding-window layers included: the sliding mask hides keys that fell out of
 * the window, which gives the same numbers as HF's sliding cache and stays correct past the window. The cache owns
 * its arrays (a sub-manager of the one given) and frees replaced ones; close it when the sequence is done.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private long[][] keyKeep = new long[0][];
    private int length;

    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of positions already in the cache (the position of the next token). */
    public int length() {
        return length;
    }

    /** Which cached positions are real tokens, per batch row ({@code [B][length]}, 1 = real). */
    long[][] keyKeep() {
        return keyKeep;
    }

    /** Appends this chunk's keys/values [B,Hkv,T,hd] of {@code layer}; returns all of them {keys, values}. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray ka = keys[layer] == null ? k.duplicate() : NDArrays.concat(new NDList(keys[layer], k), 2);
        NDArray va = values[layer] == null ? v.duplicate() : NDArrays.concat(new NDList(values[layer], v), 2);
        ka.attach(manager);
        va.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = ka;
        values[layer] = va;
        return new NDArray[] {ka, va};
    }

    /** Called once per forward after every layer appended: {@code allKeep} covers the whole cache [B][length+T]. */
    void advance(int chunk, long[][] allKeep) {
        length += chunk;
        keyKeep = allKeep;
    }

    @Override
    public void close() {
        manager.close();
    }
}
