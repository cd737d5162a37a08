#!/usr/bin/env bash
# Runs ci/k8s-indexed-job.yaml: applies it (results volume, shards Job, suspended merge Job), waits until the shards
# Job has completed or failed, then resumes the merge Job and waits for it. Exit: the merge Job's outcome (it fails
# when cells are missing, the shards disagree or a golden claim fails; its log says which).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NAMESPACE=${NAMESPACE:-default}
k() { kubectl --namespace "$NAMESPACE" "$@"; }

# Prints Complete or Failed once the Job has ended.
wait_job() {
  local state
  while true; do
    state=$(k get job "$1" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
    case "$state" in
      *Complete*) echo Complete; return ;;
      *Failed*) echo Failed; return ;;
    esac
    sleep 30
  done
}

k apply -f ci/k8s-indexed-job.yaml
echo "waiting for job/vistabench-shards ..." >&2
shards=$(wait_job vistabench-shards)
echo "shards: ${shards}; starting the merge" >&2
k patch job vistabench-merge --type=merge -p '{"spec":{"suspend":false}}'
merged=$(wait_job vistabench-merge)
k logs job/vistabench-merge || true
echo "merge: ${merged}" >&2
[[ "$merged" == Complete ]]
