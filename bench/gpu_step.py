#!/usr/bin/env python3
"""The PyTorch-eager side of bench/gpu_step.sh: train_step.py's model and step on CUDA in bf16 (weights, projector
and activations in bfloat16, CE in float32), timed with CUDA synchronisation. Prints
`pytorch steps/s <x> ms/step <y> tokens/s <z> peak_gib <m>`."""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_step  # noqa: E402


def main():
    if not torch.cuda.is_available():
        sys.exit("gpu_step.py: no CUDA device")
    torch.set_default_device("cuda")
    torch.set_default_dtype(torch.bfloat16)
    t0 = [0.0]
    orig = time.perf_counter

    def synced():
        torch.cuda.synchronize()
        return orig()

    time.perf_counter = synced
    train_step.main(extra=lambda: "peak_gib %.1f" % (torch.cuda.max_memory_allocated() / 2 ** 30))
    del t0


if __name__ == "__main__":
    main()
