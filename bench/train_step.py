#!/usr/bin/env python3
"""One VISTA projector training step in PyTorch eager, at the same shapes as vistabench's TrainStepBench.

A random Gemma-2-style LM written the way HF transformers' Gemma2 eager path computes (separate q/k/v projections,
RMSNorm with (1 + w), rotary, attention logit soft-cap, GQA, pre/post norms, gelu_tanh MLP, final soft-cap, tied
head), frozen; an mlp2x_gelu projector (trainable); JumpReLU SAEs at some layers (frozen); loss = CE on the answer
tokens + lambda * mean over SAE layers of the image-position reconstruction error / text norm; backward,
clip_grad_norm_(1.0), torch.optim.AdamW. Prints `pytorch steps/s <x> ms/step <y> tokens/s <z>`.
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        out = x.float() * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps)
        return (out * (1.0 + self.weight.float())).type_as(x)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class Block(nn.Module):
    def __init__(self, a):
        super().__init__()
        d, h, kv, hd, inter = a.d, a.heads, a.kv, a.head_dim, a.inter
        self.h, self.kv, self.hd = h, kv, hd
        self.q_proj = nn.Linear(d, h * hd, bias=False)
        self.k_proj = nn.Linear(d, kv * hd, bias=False)
        self.v_proj = nn.Linear(d, kv * hd, bias=False)
        self.o_proj = nn.Linear(h * hd, d, bias=False)
        self.gate_proj = nn.Linear(d, inter, bias=False)
        self.up_proj = nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)
        self.input_layernorm = RMSNorm(d)
        self.post_attention_layernorm = RMSNorm(d)
        self.pre_feedforward_layernorm = RMSNorm(d)
        self.post_feedforward_layernorm = RMSNorm(d)
        self.scaling = hd ** -0.5
        self.softcap = 50.0

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        r = x
        x = self.input_layernorm(x)
        q = self.q_proj(x).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        s = torch.matmul(q, k.transpose(2, 3)) * self.scaling
        s = torch.tanh(s / self.softcap) * self.softcap
        s = s + mask
        p = F.softmax(s, dim=-1, dtype=torch.float32).to(q.dtype)
        o = torch.matmul(p, v).transpose(1, 2).reshape(b, t, self.h * self.hd)
        x = r + self.post_attention_layernorm(self.o_proj(o))
        r = x
        h = self.pre_feedforward_layernorm(x)
        h = self.down_proj(F.gelu(self.gate_proj(h), approximate="tanh") * self.up_proj(h))
        return r + self.post_feedforward_layernorm(h)


class Gemma2(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a
        self.embed_tokens = nn.Embedding(a.vocab, a.d)
        self.layers = nn.ModuleList([Block(a) for _ in range(a.layers)])
        self.norm = RMSNorm(a.d)
        inv = 1.0 / (10000.0 ** (torch.arange(0, a.head_dim, 2).float() / a.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def embed(self, ids):
        e = self.embed_tokens(ids)
        return e * torch.tensor(self.a.d ** 0.5, dtype=e.dtype)

    def forward(self, x, attn_mask, capture):
        b, t, _ = x.shape
        pos = torch.arange(t, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None].to(x.dtype), emb.sin()[None, None].to(x.dtype)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        keep = causal[None, None] & attn_mask.bool()[:, None, None, :]
        mask = torch.zeros(b, 1, t, t, dtype=x.dtype).masked_fill(~keep, torch.finfo(x.dtype).min)
        res = {}
        for i, blk in enumerate(self.layers):
            x = blk(x, cos, sin, mask)
            if i in capture:
                res[i] = x
        h = self.norm(x)
        logits = h @ self.embed_tokens.weight.t()
        logits = torch.tanh(logits / 30.0) * 30.0
        return logits, res


class JumpReluSae(nn.Module):
    def __init__(self, d, w):
        super().__init__()
        u = torch.randn(w, d)
        u = u / u.norm(dim=1, keepdim=True)
        self.register_buffer("W_dec", u)
        self.register_buffer("W_enc", u.t().contiguous())
        self.register_buffer("b_enc", torch.zeros(w))
        self.register_buffer("b_dec", torch.zeros(d))
        self.register_buffer("threshold", torch.full((w,), 0.02))

    def recon_mse(self, x):
        pre = x @ self.W_enc + self.b_enc
        acts = F.relu(pre) * (pre > self.threshold).to(pre.dtype)
        return ((acts @ self.W_dec + self.b_dec) - x).pow(2).mean(-1)


def main(extra=None):
    ap = argparse.ArgumentParser()
    for k, v in dict(d=256, layers=4, heads=4, kv=2, head_dim=64, inter=1024, vocab=1024, feat=384, batch=8,
                     image=64, text=32, sae_width=2048, warmup=3, steps=10, threads=2).items():
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--sae_layers", default="0,1")
    ap.add_argument("--device", default="cpu")  # accepted for symmetry with TrainStepBench; gpu_step.py sets CUDA
    ap.add_argument("--precision", default="fp32")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    lm = Gemma2(a)
    for p in lm.parameters():
        nn.init.normal_(p, std=0.02) if p.dim() > 1 else nn.init.zeros_(p)
        p.requires_grad_(False)
    layers = [int(s) for s in a.sae_layers.split(",") if s.strip()]
    saes = {l: JumpReluSae(a.d, a.sae_width) for l in layers}
    proj = nn.Sequential(nn.Linear(a.feat, a.d), nn.GELU(), nn.Linear(a.d, a.d))
    opt = torch.optim.AdamW(proj.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    prefix, answer = 3, 16
    suffix = a.text - prefix - answer
    n = a.batch * 4
    feats = torch.randn(n, a.image, a.feat)
    answers = torch.randint(32, a.vocab, (n, answer))
    pre_ids = torch.arange(2, 2 + prefix)
    suf_ids = torch.arange(10, 10 + suffix)
    lam = 0.1
    t_len = prefix + a.image + suffix + answer
    a_start = prefix + a.image + suffix - 1

    def step(i):
        idx = torch.arange(i * a.batch, (i + 1) * a.batch) % n
        ids = torch.cat([pre_ids.expand(a.batch, -1), torch.zeros(a.batch, a.image, dtype=torch.long),
                         suf_ids.expand(a.batch, -1), answers[idx]], dim=1)
        mask = torch.ones(a.batch, t_len)
        text = lm.embed(ids)
        vis = proj(feats[idx])
        x = torch.cat([text[:, :prefix], vis, text[:, prefix + a.image:]], dim=1)
        logits, res = lm(x, mask, set(layers))
        ce = F.cross_entropy(logits[:, a_start:a_start + answer].float().reshape(-1, a.vocab), answers[idx].reshape(-1))
        loss = ce
        if layers:
            terms = [saes[l].recon_mse(res[l][:, prefix:prefix + a.image]).mean() for l in layers]
            loss = ce + lam * torch.stack(terms).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(proj.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(a.warmup + i)
    secs = time.perf_counter() - t0
    sps = a.steps / secs
    line = "pytorch steps/s %.3f ms/step %.1f tokens/s %.0f" % (sps, 1000 / sps, a.batch * (a.image + a.text) * sps)
    print(line + (" " + extra() if extra else ""))


if __name__ == "__main__":
    main()
