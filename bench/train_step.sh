#!/usr/bin/env bash
# One VISTA projector training step, side by side on CPU: vistabench (DJL, org.vistabench.bench.TrainStepBench,
# which trains through train.Trainer) and PyTorch eager (bench/train_step.py), same shapes, same 2 threads.
# Shapes: Gemma-2-style LM d=256, 4 layers (4 heads, 2 kv heads, head_dim 64, MLP 1024, vocab 1024), random weights;
# batch 8 x (64 image + 32 text) tokens; mlp2x_gelu projector from 384-dim features; SAE loss at layers 0-1
# (width 2048). Prints both steps/s and their ratio.
#   bench/train_step.sh [steps (default 20)] [threads (default 2)]
# BENCH_QUICK=1: 2 steps after 1 warm-up, and without python3-torch the PyTorch side is skipped instead of installed
# (CI runs this through BenchScriptsTest: it proves the script works, it times nothing). BENCH_NO_BUILD=1: use the
# classes and target/test-classpath.txt already built (no mvn call).
# The PyTorch side is Debian's python3-torch with libopenblas0-pthread, run by /usr/bin/python3; they are installed
# with apt-get when missing (needs root and a Debian mirror).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick="${BENCH_QUICK:-0}"
steps="${1:-20}"
threads="${2:-2}"
warmup=3
with_torch=1
if [[ "$quick" == 1 ]]; then
  steps=2
  warmup=1
fi

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  if [[ "$quick" == 1 ]]; then
    with_torch=0
  else
    echo "train_step: installing python3-torch and libopenblas0-pthread with apt-get ..." >&2
    apt-get install -y -q python3-torch libopenblas0-pthread >&2
  fi
fi

# Both sides use libgomp, whose threads spin-wait between parallel regions by default. On a shared, oversubscribed
# box that spinning steals the cores the other thread needs: measured here (2 threads, load ~4.6 on 2 cores)
# 2741 ms/step with the default policy against 338 ms/step with PASSIVE. Same policy for both sides.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cd "$here"
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  echo "train_step: compiling (mvn test-compile) ..." >&2
  mvn -B -q test-compile >&2
fi
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
cp target/test-classpath.txt "$cp_file"
cp="target/classes:target/test-classes:$(cat "$cp_file")"

echo "threads $threads, OMP_WAIT_POLICY=$OMP_WAIT_POLICY, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java_line="$(OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" java -Xmx2g \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$cp" org.vistabench.bench.TrainStepBench --warmup "$warmup" --steps "$steps" | tail -1)"
echo "$java_line"
if [[ "$with_torch" == 0 ]]; then
  echo "pytorch: skipped (quick mode, /usr/bin/python3 has no torch); no ratio"
  exit 0
fi
py_line="$(OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" /usr/bin/python3 bench/train_step.py \
  --warmup "$warmup" --steps "$steps" --threads "$threads" | tail -1)"
echo "$py_line"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
vb="$(echo "$java_line" | awk '{print $3}')"
pt="$(echo "$py_line" | awk '{print $3}')"
awk -v a="$vb" -v b="$pt" 'BEGIN { printf "ratio vistabench/pytorch steps/s = %.3f (target >= 0.8)\n", a / b }'
