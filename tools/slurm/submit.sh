#!/usr/bin/env bash
# Submits a sharded pressreel batch to Slurm: an array of SHARDS tasks, then a merge that waits for
# all of them. Usage: tools/slurm/submit.sh CLIPS OUT SHARDS [PIPELINE]
# Set PRESSREEL to the binary's path when it is not on PATH (it must be visible on every node, as
# must CLIPS and OUT: a shared file system).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
clips=${1:?usage: submit.sh CLIPS OUT SHARDS [PIPELINE]}
out=${2:?usage: submit.sh CLIPS OUT SHARDS [PIPELINE]}
shards=${3:?usage: submit.sh CLIPS OUT SHARDS [PIPELINE]}
pipeline=${4:-web}
mkdir -p "$out"
array=$(sbatch --parsable --export=ALL --chdir="$out" --array="0-$((shards - 1))" "$here/pressreel-array.sbatch" \
  "$(realpath "$clips")" "$(realpath "$out")" "$pipeline")
merge=$(sbatch --parsable --export=ALL --chdir="$out" --dependency="afterany:${array%%;*}" \
  "$here/pressreel-merge.sbatch" "$(realpath "$out")")
echo "array job ${array%%;*} ($shards shards), merge job ${merge%%;*}"
