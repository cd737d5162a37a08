#!/usr/bin/env bash
# Slurm array job: one task per shard. Submit with   sbatch --array=0-3 ci/slurm-array.sh
# then, when all tasks are done:   ./vistabench merge results/shard-* --out results/paper
#SBATCH --job-name=vistabench
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --time=12:00:00
set -euo pipefail
SHARDS=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-4}}
SPEC=${SPEC:-specs/paper.yaml}
cd "${SLURM_SUBMIT_DIR:-.}"
./vistabench run "$SPEC" --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" --out "results/shard-${SLURM_ARRAY_TASK_ID}" --resume --allow-missing
