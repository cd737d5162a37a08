package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final NDArray embedScale;
    private final NDArray attnCap;
    private final NDArray finalCap;
    private final NDArray finalCapInv;

    private Gemma2(LmConfig c, NDManager w, NDArray embed, List<Block> blocks, NDArray finalNorm, NDArray lmHead) {
        super(c, w, embed);
        this.blocks = blocks;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        float scale = (float) Math.sqrt(c.hiddenSize());
        // HF keeps embed_scale in the weights' dtype: bf16 models multiply by the bf16-rounded sqrt(hidden)
        this.embedScale = NdArrays.scalar(w, c.isBf16() ? Bf16.round(scale) : scale);
        this.attnCap = c.attnLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) c.attnLogitSoftcap()) : null;
        this.finalCap = c.finalLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) c.finalLogitSoftcap()) : null;
        this.finalCapInv = c.finalLogitSoftcap() > 0 ? NdArrays.scalar(w, (float) (1 / c.finalLogitSoftcap())) : null;
    }

    static Gemma2 load(LmConfig c, Checkpoint ck, NDManager w) {
        long d = c.hiddenSize(), hd = c.headDim(), q = (long) c.numHeads() * hd, kv = (long) c.numKvHeads() * hd;
        long inter = c.intermediateSize();
        NDArray embed = ck.require(w, "model.embed_tokens.weight", c.vocabSize(), d);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            blocks.add(new Block(
                    onePlus(ck.require(w, p + "input_layernorm.weight", d)),
                    Weights.concatRows(Weights.scaled(ck.require(w, p + "self_attn.q_proj.weight", q, d), queryScale(c)),
                            ck.require(w, p + "self_attn.k_proj.weight", kv, d),
                            ck.require(w, p + "self_attn.v_proj.weight", kv, d)),
                    ck.require(w, p + "self_attn.o_proj.weight", d, q),
                    onePlus(ck.require(w, p + "post_attention_layernorm.weight", d)),
                    onePlus(ck.require(w, p + "pre_feedforward_layernorm.weight", d)),
                    Weights.concatRows(ck.require(w, p + "mlp.gate_proj.weight", inter, d),
                            ck.require(w, p + "mlp.up_proj.weight", inter, d)),
                    ck.require(w, p + "mlp.down_proj.weight", d, inter),
                    onePlus(ck.require(w, p + "post_feedforward_layernorm.weight", d)),
                    c.slidingLayers().get(i) ? c.slidingWindow() : 0));
        }
        NDArray norm = onePlus(ck.require(w, "model.norm.weight", d));
        NDArray head = c.tieWordEmbeddings() ? embed : ck.require(w, "lm_head.weight", c.vocabSize(), d);
        return new Gemma2(c, w, embed, blocks, norm, head);
    }

    /**
     * What the queries are multiplied by: HF scales the scores by query_pre_attn_scalar^-½ and, with a soft-cap,
     * divides by the cap before tanh. Rotation is linear, so this folds into W_q at load (one op less per layer).
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

    @Override
    public LmOutput forward(NDArray inputsEmbeds, ForwardOptions options) {
        Pass pass = new Pass(inputsEmbeds, options);
        NDArray x = inputsEmbeds;
        if (pass.wantsHidden()) {
            pass.hidden.add(x);
        }
        for (int i = 0; i <= pass.lastLayer; i++) {
            Block blk = blocks.get(i);
            NDArray attn = attention(i, blk, Ops.rmsNorm(x, blk.inputNorm(), consts.eps), pass);
            x = x.add(Ops.rmsNorm(attn, blk.postAttnNorm(), consts.eps));
            NDArray mlp = mlp(blk, Ops.rmsNorm(x, blk.preFfnNorm(), consts.eps));
            x = x.add(Ops.rmsNorm(mlp, blk.postFfnNorm(), consts.eps));
            x = pass.blockOutput(i, x);
        }
        if (pass.lastLayer < config.numLayers() - 1) {
            return pass.finish(null); // only residuals were asked for
        }
        return pass.finish(Ops.rmsNorm(x, finalNorm, consts.eps)); // then head() unless logits are off
    }

    /** Tied LM head, then the final soft-cap tanh(logits/cap)·cap. */
    @Override
    public NDArray head(NDArray finalHidden) {
        NDArray logits = Ops.linear(finalHidden, lmHead);
        return finalCap == null ? logits : logits.mul(finalCapInv).tanh().mul(finalCap);
    }

    private NDArray attention(int layer, Block blk, NDArray x, Pass pass) {
        long b = pass.b, t = pass.t, hd = config.headDim();
        int h = config.numHeads(), hkv = config.numKvHeads();
        // q and k are rotated together ([B,T,H+Hkv,hd]); the score scale is already folded into W_q (see load)
        NDList qkv = Ops.splitLast(Ops.linear(x, blk.wqkv()), (h + hkv) * hd, hkv * hd);
        NDArray qk = rotary.apply(qkv.get(0).reshape(b, t, h + hkv, hd), pass.cos, pass.sin);
        NDList qAndK = qk.split(new long[] {h}, 2);
        NDArray q = qAndK.get(0).transpose(0, 2, 1, 3);
        NDArray k = qAndK.get(1).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(1).reshape(b, t, hkv, hd).transpose(0, 2, 1, 3);
        if (pass.o.cache() != null) {
            NDArray[] all = pass.o.cache().append(layer, k, v);
            k = all[0];
            v = all[1];
        }
        NDArray o = Ops.attention(q, k, v, pass.mask(blk.window()), config.groups(), attnCap);
        return Ops.linear(o, blk.wo());
    }

    private NDArray mlp(Block blk, NDArray x) {
        NDList gateUp = Ops.splitLast(Ops.linear(x, blk.wGateUp()), config.intermediateSize(),
                config.intermediateSize());
        return Ops.linear(Ops.geluTanh(gateUp.get(0), consts).mul(gateUp.get(1)), blk.wDown());
    }
}
