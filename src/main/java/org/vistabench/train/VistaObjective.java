package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.model.vlm.Vlm;
import org.vistabench.tensor.NdArrays;

/**
 * The VISTA training objective for one batch:
 *
 * <pre>
 *   loss = CE(answer tokens) + λ · mean over constrained layers L of  mean_image ‖r_L − SAE_L(r_L)‖² / n_L
 * </pre>
 *
 * where r_L is the LM's residual stream after block L at the image positions and n_L the text-token mean squared
 * norm ({@link SaeConstraint}). CE is the mean over all real answer tokens of the batch (HF's −100-label mean);
 * an example's context tokens (its own question, {@link TrainExample#context()}) are fed but masked out of it. With
 * no constrained layers (layer set {@code none}) this is plain LLaVA stage-1 training. Every constant inside the
 * graph is an owned 0-d array ({@link NdArrays#scalar}): Java scalars captured by autograd gave wrong gradients.
 */
public final class VistaObjective {
    private final LmBackbone lm;
    private final SortedMap<Integer, SaeConstraint> constraints;
    private final double lambda;
    private final Vlm vlm;

    /** Loss parts; the NDArrays are 0-d F32 in the batch's manager. */
    public record Parts(NDArray total, NDArray ce, SortedMap<Integer, NDArray> sae, NDArray saeMean) {
    }

    /** @param compute the projector's compute type (null / F32, or BF16 where the JNI supports it) */
    public VistaObjective(LmBackbone lm, SortedMap<Integer, SaeConstraint> constraints, double lambda,
                          DataType compute) {
        this.lm = lm;
        this.constraints = Collections.unmodifiableSortedMap(new TreeMap<>(constraints));
        this.lambda = lambda;
        this.vlm = new Vlm(lm, compute);
    }

    public SortedMap<Integer, SaeConstraint> constraints() {
        return constraints;
    }

    /** The LM's input embeddings with the projected features spliced in at the image positions. */
    public NDArray embeddings(Projector projector, Batch b) {
        return vlm.embeddings(projector, b.textIds(), b.features(), b.imageStart());
    }

    /** Forward pass and loss with this objective's λ (call inside a GradientCollector to train). */
    public Parts loss(Projector projector, Batch b) {
        return loss(projector, b, this.lambda);
    }

    /** Forward pass and loss with weight {@code lambda} on the SAE term (a training stage's own λ). */
    public Parts loss(Projector projector, Batch b, double lambda) {
        NDManager m = b.textIds().getManager();
        NDArray embeds = embeddings(projector, b);
        LmBackbone.Pass pass = lm.forward(embeds, b.mask(), constraints.keySet(), true);
        NDArray ce = answerCe(pass.logits(), b);
        NDArray total = ce;
        SortedMap<Integer, NDArray> terms = new TreeMap<>();
        NDArray saeMean = null;
        if (!constraints.isEmpty()) {
            NDArray sum = null;
            for (SaeConstraint c : constraints.values()) {
                NDArray r = pass.residuals().get(c.layer());
                if (r == null) {
                    throw new IllegalStateException("the LM returned no residual for captured layer " + c.layer());
                }
                NDArray img = imagePositions(r, b);
                if (img.getDataType() != DataType.FLOAT32) {
                    img = img.toType(DataType.FLOAT32, false);
                }
                NDArray term = c.sae().reconMse(img).mean().mul(NdArrays.scalar(m, (float) c.scale()));
                terms.put(c.layer(), term);
                sum = sum == null ? term : sum.add(term);
            }
            saeMean = sum.mul(NdArrays.scalar(m, 1f / constraints.size()));
            if (lambda != 0) {
                total = ce.add(saeMean.mul(NdArrays.scalar(m, (float) lambda)));
            }
        }
        return new Parts(total, ce, terms, saeMean);
    }

    /** {@code [B, N, D]}: the residual stream at the image positions. */
    public static NDArray imagePositions(NDArray resid, Batch b) {
        return Vlm.imagePositions(resid, b.imageStart(), b.imageTokens());
    }

    /** Mean negative log-likelihood of the real answer tokens. */
    public static NDArray answerCe(NDArray logits, Batch b) {
        NDManager m = b.textIds().getManager();
        NDArray l = logits.get(new NDIndex(":, {}:{}", b.answerStart(), b.answerStart() + b.answerLength()));
        if (l.getDataType() != DataType.FLOAT32) {
            l = l.toType(DataType.FLOAT32, false);
        }
        NDArray logp = l.logSoftmax(-1);
        NDArray picked = logp.gather(b.targets().expandDims(-1), -1).squeeze(-1);
        NDArray sum = picked.mul(b.targetMask()).sum();
        return sum.neg().mul(NdArrays.scalar(m, 1f / b.answerTokens()));
    }
}
