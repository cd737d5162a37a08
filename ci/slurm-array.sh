#!/usr/bin/env bash
# Slurm array job: one task per shard of the spec's matrix. Submit it with its merge job through
#   ci/slurm-submit.sh                 (SHARDS=4 SPEC=specs/paper.yaml RESULTS=results/paper by default)
# or alone with
#   sbatch --array=0-3 --export=ALL,SHARDS=4 ci/slurm-array.sh
# Each task writes RESULTS-shards/shard-<i>. It runs with --resume, so a requeued or resubmitted task continues its
# shard (done cells are skipped). Slurm sends SIGTERM 120 s before the time limit: vistabench stops at its next safe
# point (exit 143) and a resubmission continues from there.
#SBATCH --job-name=vistabench-shard
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --mem=64G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --signal=B:TERM@120
#SBATCH --output=slurm-%x-%A_%a.out
set -euo pipefail

: "${SLURM_ARRAY_TASK_ID:?run this as an array job: sbatch --array=0-<SHARDS-1> ci/slurm-array.sh}"
SHARDS=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-4}}
SPEC=${SPEC:-specs/paper.yaml}
RESULTS=${RESULTS:-results/paper}
# extra options for every shard, e.g. OVERRIDES="--set train.steps=50 --limit 8" (the merge needs the same ones)
read -r -a overrides <<< "${OVERRIDES:-}"

if (( SLURM_ARRAY_TASK_ID >= SHARDS )); then
  echo "slurm-array.sh: task ${SLURM_ARRAY_TASK_ID} but only ${SHARDS} shards (--array=0-$((SHARDS - 1)))" >&2
  exit 2
fi

cd "${SLURM_SUBMIT_DIR:-.}"
export VISTABENCH_DEVICE=${VISTABENCH_DEVICE:-gpu}
exec ./vistabench run "$SPEC" --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
  --out "${RESULTS}-shards/shard-${SLURM_ARRAY_TASK_ID}" --resume --no-progress \
  ${overrides[@]+"${overrides[@]}"}
