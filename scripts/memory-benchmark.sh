#!/usr/bin/env bash
# Peak RSS of a filter run on a GPT-2-small-shaped random model against the run's own estimate (filter --dry-run),
# full finetuning and LoRA, RUNS times each (docs/BENCHMARKS.md, "Memory of a filter run").
# usage: scripts/memory-benchmark.sh [WORK_DIR]   env: RUNS (3), LAUNCHER (bin/forgetfilter of this checkout),
#        FORGETFILTER_MEMORY_TRACE=1 adds where the memory grew (VmRSS/VmHWM at each stage and training step)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/runs/memory-benchmark}"
launcher="${LAUNCHER:-$root/bin/forgetfilter}"
runs="${RUNS:-3}"
tokenizer="$root/../shared/data/models/stories260K/tok512.bin"
jar=("$(dirname "$launcher")"/../target/forgetfilter-*.jar)
mkdir -p "$work"
if [[ ! -d "$work/gpt2-random" ]]; then
  java -cp "${jar[0]}" "$root/scripts/RandomGpt2Model.java" "$tokenizer" "$work"
fi
export FORGETFILTER_THREADS="${FORGETFILTER_THREADS:-1}"
args=(--model "$work/gpt2-random" --data "$work/data.jsonl" --safe "$work/safe.jsonl" --epochs 1 --m1-epochs 1
  --safety-steps 2 --batch-size 4 --max-length 64 --score-batch 8 --remove-fraction 0.25)
printf '%-6s %-4s %14s %14s %9s\n' mode run peak_rss_MiB estimate_MiB measured/estimate
for mode in full lora; do
  extra=()
  [[ $mode == lora ]] && extra=(--lora-rank 8)
  estimate=$("$launcher" filter "${args[@]}" "${extra[@]}" --out "$work/dry" --dry-run \
    | sed -n 's/.*"memory_bytes_estimate":\([0-9]*\).*/\1/p')
  for run in $(seq 1 "$runs"); do
    out="$work/out-$mode-$run"
    rm -rf "$out"
    /usr/bin/time -v "$launcher" filter "${args[@]}" "${extra[@]}" --out "$out" > "$work/$mode-$run.out" \
      2> "$work/$mode-$run.err"
    kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$mode-$run.err")
    awk -v m="$mode" -v r="$run" -v k="$kib" -v e="$estimate" \
      'BEGIN { printf "%-6s %-4s %14.0f %14.0f %9.3f\n", m, r, k / 1024, e / 1048576, k * 1024 / e }'
  done
done
