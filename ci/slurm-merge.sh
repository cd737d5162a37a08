#!/usr/bin/env bash
# Slurm merge job: after the shard array (ci/slurm-submit.sh submits it with --dependency=afterany:<array>), merge the
# shards into RESULTS, check the golden claims and write the report. It runs after failed tasks too, so that the
# cells not done are named. Exit: merge's (1 cells missing, 2 the shards disagree), else check's (1 a claim failed).
#SBATCH --job-name=vistabench-merge
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=slurm-%x-%j.out
set -euo pipefail

RESULTS=${RESULTS:-results/paper}
cd "${SLURM_SUBMIT_DIR:-.}"

shopt -s nullglob
shards=("${RESULTS}-shards"/shard-*)
if (( ${#shards[@]} == 0 )); then
  echo "slurm-merge.sh: no shard folders under ${RESULTS}-shards/" >&2
  exit 2
fi

status=0
./vistabench merge "${shards[@]}" --out "$RESULTS" || status=$?
if [[ -f "$RESULTS/run.json" ]]; then
  check=0
  ./vistabench check "$RESULTS" || check=$?
  if (( status == 0 )); then
    status=$check
  fi
  ./vistabench report "$RESULTS" || echo "slurm-merge.sh: report failed (exit $?)" >&2
fi
exit "$status"
