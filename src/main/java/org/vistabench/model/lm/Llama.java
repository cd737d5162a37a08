package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
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

    private Llama(LmConfig c, NDManager w, NDArray embed, List<Block> blocks, NDArray finalNorm, NDArray lmHead) {
        super(c, w, embed, finalNorm, lmHead);
        this.blocks = blocks;
    }

    static Llama load(LmConfig c, Checkpoint ck, NDManager w) {
        long d = c.hiddenSize(), q = (long) c.numHeads() * c.headDim();
        NDArray embed = ck.require(w, "model.embed_tokens.weight", c.vocabSize(), d);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            blocks.add(new Block(
                    ck.require(w, p + "input_layernorm.weight", d),
                    loadQkv(c, ck, w, p, queryScale(c)),
                    ck.require(w, p + "self_attn.o_proj.weight", d, q),
                    ck.require(w, p + "post_attention_layernorm.weight", d),
                    loadGateUp(c, ck, w, p),
                    ck.require(w, p + "mlp.down_proj.weight", d, c.intermediateSize())));
        }
        NDArray norm = ck.require(w, "model.norm.weight", d);
        return new Llama(c, w, embed, blocks, norm, loadHead(c, ck, w, embed));
    }

    /** Scores are scaled by head_dim^-½ (folded into W_q at load). */
    static float queryScale(LmConfig c) {
        return (float) Math.pow(c.headDim(), -0.5);
    }

    @Override
    public NDArray embed(NDArray inputIds) {
        return lookup(inputIds);
    }

    /** Pre-norm: x += attn(inputNorm(x)); x += mlp(postAttnNorm(x)). */
    @Override
    protected NDArray block(int layer, NDArray x, Pass pass) {
        Block blk = blocks.get(layer);
        x = x.add(attention(layer, blk.wqkv(), blk.wo(), Ops.rmsNorm(x, blk.inputNorm(), consts.eps), pass, 0, null));
        return x.add(gatedMlp(blk.wGateUp(), blk.wDown(), Ops.rmsNorm(x, blk.postAttnNorm(), consts.eps), Ops::silu));
    }
}
