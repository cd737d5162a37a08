#!/usr/bin/env bash
# Submits the shard array (ci/slurm-array.sh) and the merge job (ci/slurm-merge.sh) that starts when every task has
# ended, successfully or not. Settings travel to both jobs through the environment:
#   SHARDS=4 SPEC=specs/paper.yaml RESULTS=results/paper OVERRIDES="--set train.steps=50" ci/slurm-submit.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SHARDS=${SHARDS:-4}
export SHARDS
export SPEC=${SPEC:-specs/paper.yaml}
export RESULTS=${RESULTS:-results/paper}
export OVERRIDES=${OVERRIDES:-}

# the spec, its files and its golden file are checked here, before anything waits in the queue
read -r -a overrides <<< "$OVERRIDES"
./vistabench validate "$SPEC" ${overrides[@]+"${overrides[@]}"}

array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL ci/slurm-array.sh)
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:${array}" --export=ALL ci/slurm-merge.sh)
merge=${merge%%;*}
echo "submitted shards ${array} (${SHARDS} tasks) and merge ${merge}: results in ${RESULTS}"
