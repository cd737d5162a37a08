package org.vistabench.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vistabench.model.lm.ResidualHook;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.tensor.NdArrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The one VLM path: where the projected tokens land, and that an image edit touches only its positions. */
class VlmTest {
    private static final int D = 4;

    /** A one-block LM: embed(id) = id in every channel; block 0 adds 1 (then the hook); logits = the residual. */
    private static final class OneBlock implements LmBackbone {
        @Override
        public int hiddenSize() {
            return D;
        }

        @Override
        public int numLayers() {
            return 1;
        }

        @Override
        public NDArray embed(NDArray ids) {
            return ids.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(2).repeat(2, D);
        }

        @Override
        public Pass forward(NDArray x, NDArray mask, Set<Integer> capture, boolean logits) {
            return forward(x, mask, capture, logits, null);
        }

        @Override
        public Pass forward(NDArray x, NDArray mask, Set<Integer> capture, boolean logits, ResidualHook edit) {
            NDArray r = x.add(1f);
            NDArray out = edit == null ? r : edit.apply(0, r);
            Map<Integer, NDArray> res = new TreeMap<>();
            if (capture.contains(0)) {
                res.put(0, out);
            }
            return new Pass(logits ? out : null, res);
        }
    }

    @Test
    void projectedTokensAreSplicedAtTheImagePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            Projector p = Projector.init(ProjectorKind.LINEAR, 3, D, 7, m);
            Vlm vlm = new Vlm(new OneBlock(), null);
            NDArray ids = NdArrays.ownedLongs(m, new long[] {5, 0, 0, 9, 8}, new Shape(1, 5));
            NDArray feats = NdArrays.owned(m, new float[] {1, 2, 3, -1, 0, 2}, new Shape(1, 2, 3));
            float[] e = vlm.embeddings(p, ids, feats, 1).toFloatArray();
            float[] vis = p.forward(feats).toFloatArray();
            assertEquals(5 * D, e.length);
            for (int c = 0; c < D; c++) {
                assertEquals(5f, e[c]);
                assertEquals(vis[c], e[D + c]);
                assertEquals(vis[D + c], e[2 * D + c]);
                assertEquals(9f, e[3 * D + c]);
                assertEquals(8f, e[4 * D + c]);
            }
        }
    }

    @Test
    void anEditAtNoPatchesChangesNothingAndOneAtAPatchChangesOnlyIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Projector p = Projector.init(ProjectorKind.LINEAR, 3, D, 7, m);
            Vlm vlm = new Vlm(new OneBlock(), null);
            NDArray ids = NdArrays.ownedLongs(m, new long[] {5, 0, 0, 9, 8}, new Shape(1, 5));
            NDArray feats = NdArrays.owned(m, new float[] {1, 2, 3, -1, 0, 2}, new Shape(1, 2, 3));
            float[] plain = vlm.forward(p, ids, feats, 1, null, Set.of(0), true, null).logits().toFloatArray();
            ResidualHook none = ImageEdit.at(Set.of(0), 1, 5, Set.of(), (l, x) -> x.mul(0f).add(100f));
            assertArrayEquals(plain, vlm.forward(p, ids, feats, 1, null, Set.of(0), true, none).logits()
                    .toFloatArray());
            ResidualHook second = ImageEdit.at(Set.of(0), 1, 5, Set.of(1), (l, x) -> x.mul(0f).add(100f));
            Vlm.Pass edited = vlm.forward(p, ids, feats, 1, null, Set.of(0), true, second);
            float[] got = edited.logits().toFloatArray();
            for (int t = 0; t < 5; t++) {
                for (int c = 0; c < D; c++) {
                    int i = t * D + c;
                    if (t == 2) {
                        assertEquals(100f, got[i], "patch 1 = sequence position 2");
                    } else {
                        assertEquals(plain[i], got[i], "position " + t + " must be untouched");
                    }
                }
            }
            assertEquals(new Shape(1, 2, D), edited.imageResiduals(0).getShape());
            ResidualHook otherLayer = ImageEdit.at(Set.of(3), 1, 5, Set.of(0, 1), (l, x) -> x.mul(0f));
            assertArrayEquals(plain, vlm.forward(p, ids, feats, 1, null, Set.of(0), true, otherLayer).logits()
                    .toFloatArray());
            assertNotEquals(plain[2 * D], got[2 * D]);
        }
    }
}
