package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.tensor.Checkpoint;

/**
 * Llama-3 ({@code LlamaForCausalLM}), following transformers 5's {@code modeling_llama.py} in float32:
 * <ul>
 *   <li>per block: x += attn(inputNorm(x)); x += mlp(postAttnNorm(x)); RMSNorm scales by w;</li>
 *   <li>grouped-query attention with rotary embeddings ({@code default} or {@code llama3} frequency scaling),
 *       scores × head_dim^-½, causal + pad-key mask;</li>
 *   <li>MLP down(silu(gate(x)) · up(x)); final norm; LM head (tied to the embedding if
 *       {@code tie_word_embeddings}).</li>
 * </ul>
 */
public final class Llama extends DecoderLm {
    /** One decoder block; q/k/v and gate/up are concatenated so each is one matMul. */
    record Block(NDArray inputNorm, NDArray wqkv, NDArray wo, NDArray postAttnNorm, NDArray wGateUp, NDArray wDown) {
    }

    private final List<Block> blocks;
    private final NDArray finalNorm;
    private final NDArray lmHead;

    private Llama(LmConfig c, NDManager w, NDArray embed, List<Block> blocks, NDArray finalNorm, NDArray lmHead) {
        super(c, w, embed);
        this.blocks = blocks;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    static Llama load(LmConfig c, Checkpoint ck, NDManager w) {
        long d = c.hiddenSize(), hd = c.headDim(), q = (long) c.numHeads() * hd, kv = (long) c.numKvHeads() * hd;
        long inter = c.intermediateSize();
        NDArray embed = ck.require(w, "model.embed_tokens.weight", c.vocabSize(), d);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            blocks.add(new Block(
                    ck.require(w, p + "input_layernorm.weight", d),
                    Weights.concatRows(Weights.scaled(ck.require(w, p + "self_attn.q_proj.weight", q, d), queryScale(c)),
                            ck.require(w, p + "self_attn.k_proj.weight", kv, d),
                            ck.require(w, p + "self_attn.v_proj.weight", kv, d)),
                    ck.require(w, p + "self_attn.o_proj.weight", d, q),
                    ck.require(w, p + "post_attention_layernorm.weight", d),
                    Weights.concatRows(ck.require(w, p + "mlp.gate_proj.weight", inter, d),
                            ck.require(w, p + "mlp.up_proj.weight", inter, d)),
                    ck.require(w, p + "mlp.down_proj.weight", d, inter)));
        }
        NDArray norm = ck.require(w, "model.norm.weight", d);
        NDArray head = c.tieWordEmbeddings() ? embed : ck.require(w, "lm_head.weight", c.vocabSize(), d);
        return new Llama(c, w, embed, blocks, norm, head);
    }

    /** Scores are scaled by head_dim^-½; rotation is linear, so the scale folds into W_q at load. */
    static float queryScale(LmConfig c) {
        return (float) Math.pow(c.headDim(), -0.5);
    }

    @Override
    public NDArray embed(NDArray inputIds) {
        return lookup(inputIds);
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
            x = x.add(attention(i, blk, Ops.rmsNorm(x, blk.inputNorm(), consts.eps), pass));
            x = x.add(mlp(blk, Ops.rmsNorm(x, blk.postAttnNorm(), consts.eps)));
            x = pass.blockOutput(i, x);
        }
        if (pass.lastLayer < config.numLayers() - 1) {
            return pass.finish(null); // only residuals were asked for
        }
        return pass.finish(Ops.rmsNorm(x, finalNorm, consts.eps)); // then head() unless logits are off
    }

    @Override
    public NDArray head(NDArray finalHidden) {
        return Ops.linear(finalHidden, lmHead);
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
        NDArray o = Ops.attention(q, k, v, pass.mask(0), config.groups(), null);
        return Ops.linear(o, blk.wo());
    }

    private NDArray mlp(Block blk, NDArray x) {
        NDList gateUp = Ops.splitLast(Ops.linear(x, blk.wGateUp()), config.intermediateSize(),
                config.intermediateSize());
        return Ops.linear(Ops.silu(gateUp.get(0)).mul(gateUp.get(1)), blk.wDown());
    }
}
