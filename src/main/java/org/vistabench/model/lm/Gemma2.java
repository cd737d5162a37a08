package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.tensor.Checkpoint;
import org.vistabench.tensor.NdArrays;

/**
 * Gemma-2 ({@code Gemma2ForCausalLM}), following transformers 5's {@code modeling_gemma2.py} in float32:
 * <ul>
 *   <li>embedding × sqrt(hidden) (done by {@link #embed}; {@code inputs_embeds} are used as given);</li>
 *   <li>per block: x += postAttnNorm(attn(inputNorm(x))); x += postFfnNorm(mlp(preFfnNorm(x)));</li>
 *   <li>RMSNorm scales by (1 + w); attention scores × query_pre_attn_scalar^-½, soft-capped tanh(s/cap)·cap, then
 *       masked (causal, pad keys, and a sliding window on the layers {@code layer_types} marks sliding);</li>
 *   <li>MLP down(gelu_tanh(gate(x)) · up(x)); final norm; tied LM head; final soft-cap.</li>
 * </ul>
 */
public final class Gemma2 extends DecoderLm {
    /** One decoder block. The q/k/v and gate/up projections are concatenated so each is one matMul. */
    record Block(NDArray inputNorm, NDArray wqkv, NDArray wo, NDArray postAttnNorm, NDArray preFfnNorm,
                 NDArray wGateUp, NDArray wDown, NDArray postFfnNorm, int window) {
    }

    private final List<Block> blocks;
    private final NDArray embedScale;
    private final NDArray attnCap;
    private final NDArray finalCap;
    private final NDArray finalCapInv;

    private Gemma2(LmConfig c, NDManager w, NDArray embed, List<Block> blocks, NDArray finalNorm, NDArray lmHead) {
        super(c, w, embed, finalNorm, lmHead);
        this.blocks = blocks;
        float scale = (float) Math.sqrt(c.hiddenSize());
        // HF keeps embed_scale in the weights' dtype: bf16 models multiply by the bf16-rounded sqrt(hidden)
        this.embedScale = NdArrays.scalar(w, c.isBf16() ? Bf16.round(scale) : scale);
        this.attnCap = c.attnLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) c.attnLogitSoftcap()) : null;
        this.finalCap = c.finalLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) c.finalLogitSoftcap()) : null;
        this.finalCapInv = c.finalLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) (1 / c.finalLogitSoftcap())) : null;
    }

    static Gemma2 load(LmConfig c, Checkpoint ck, NDManager w) {
        long d = c.hiddenSize(), q = (long) c.numHeads() * c.headDim();
        NDArray embed = ck.require(w, "model.embed_tokens.weight", c.vocabSize(), d);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            blocks.add(new Block(
                    onePlus(ck.require(w, p + "input_layernorm.weight", d)),
                    loadQkv(c, ck, w, p, queryScale(c)),
                    ck.require(w, p + "self_attn.o_proj.weight", d, q),
                    onePlus(ck.require(w, p + "post_attention_layernorm.weight", d)),
                    onePlus(ck.require(w, p + "pre_feedforward_layernorm.weight", d)),
                    loadGateUp(c, ck, w, p),
                    ck.require(w, p + "mlp.down_proj.weight", d, c.intermediateSize()),
                    onePlus(ck.require(w, p + "post_feedforward_layernorm.weight", d)),
                    c.slidingLayers().get(i) ? c.slidingWindow() : 0));
        }
        NDArray norm = onePlus(ck.require(w, "model.norm.weight", d));
        return new Gemma2(c, w, embed, blocks, norm, loadHead(c, ck, w, embed));
    }

    /**
     * What the queries are multiplied by (folded into W_q at load): HF scales the scores by
     * query_pre_attn_scalar^-½ and, with a soft-cap, divides by the cap before tanh.
     */
    static float queryScale(LmConfig c) {
        double q = Math.pow(c.queryPreAttnScalar(), -0.5);
        return (float) (c.attnLogitSoftcap() > 0 ? q / c.attnLogitSoftcap() : q);
    }

    /** Gemma's RMSNorm multiplies by (1 + w), computed in float32 like HF: done once at load. */
    private static NDArray onePlus(NDArray w) {
        NDArray r = w.add(1f);
        w.close();
        return r;
    }

    @Override
    public NDArray embed(NDArray inputIds) {
        return lookup(inputIds).mul(embedScale);
    }

    /** Sandwich norms: x += postAttnNorm(attn(inputNorm(x))); x += postFfnNorm(mlp(preFfnNorm(x))). */
    @Override
    protected NDArray block(int layer, NDArray x, Pass pass) {
        Block blk = blocks.get(layer);
        NDArray attn = attention(layer, blk.wqkv(), blk.wo(), Ops.rmsNorm(x, blk.inputNorm(), consts.eps), pass,
                blk.window(), attnCap);
        x = x.add(Ops.rmsNorm(attn, blk.postAttnNorm(), consts.eps));
        NDArray mlp = gatedMlp(blk.wGateUp(), blk.wDown(), Ops.rmsNorm(x, blk.preFfnNorm(), consts.eps),
                g -> Ops.geluTanh(g, consts));
        return x.add(Ops.rmsNorm(mlp, blk.postFfnNorm(), consts.eps));
    }

    /** The LM head, then the final soft-cap tanh(logits/cap)·cap. */
    @Override
    public NDArray head(NDArray finalHidden) {
        NDArray logits = super.head(finalHidden);
        return finalCap == null ? logits : logits.mul(finalCapInv).tanh().mul(finalCap);
    }
}
