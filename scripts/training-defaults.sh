#!/usr/bin/env bash
# Measures held-out task loss of the customer finetune under several training settings, on the reference
# experiment's sets (examples/experiment-reference.json): M0 (BaseFT) and M0 finetuned on the 320-example noisy set
# (no_safety), evaluated on held-out SQuAD + Alpaca only. Usage:
#   scripts/training-defaults.sh MODEL TOKENIZER WORKDIR [SEEDS]     e.g. models/stories3M/stories3M.bin models/stories3M/tok4096.bin
# Prints one TSV line per setting and seed: model, setting, seed, steps, baseft loss, no_safety loss.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ff="${FF:-$here/bin/forgetfilter}"
model="$1"; tok="$2"; work="$3"; seeds="${4:-[1,2]}"
mkdir -p "$work"
settings=(
  'ref30|{"steps":30,"batchSize":16,"lr":0.001,"promptLoss":false}'
  'e8-const-1e-3|{"epochs":8,"batchSize":16,"lr":0.001,"promptLoss":false}'
  'e1-const-1e-3|{"epochs":1,"batchSize":16,"lr":0.001,"promptLoss":false}'
  'e2-const-1e-3|{"epochs":2,"batchSize":16,"lr":0.001,"promptLoss":false}'
  'e3-cos-1e-3|{"epochs":3,"batchSize":16,"lr":0.001,"schedule":"cosine","warmupSteps":3,"promptLoss":false}'
  'e3-cos-5e-4|{"epochs":3,"batchSize":16,"lr":0.0005,"schedule":"cosine","warmupSteps":3,"promptLoss":false}'
  'e5-cos-5e-4|{"epochs":5,"batchSize":16,"lr":0.0005,"schedule":"cosine","warmupSteps":3,"promptLoss":false}'
)
for s in "${settings[@]}"; do
  name="${s%%|*}"; ft="${s#*|}"
  "$ff" experiment --config "$here/examples/experiment-reference.json" --out "$work/run" \
      "dataRoot=$here/../shared/data" "model=$model" "tokenizer=$tok" "seeds=$seeds" \
      'methods=["baseft","no_safety"]' 'sweep=[]' 'interleaved.rounds=0' \
      'sizes.eval.bbq=1' 'sizes.eval.crows=1' 'sizes.eval.toxicity=1' 'sizes.eval.harmPairs=1' \
      'sizes.eval.harmRequests=1' 'sizes.eval.squad=150' 'sizes.eval.instructions=100' 'generation.maxNewTokens=1' \
      "train.finetune=$ft" > "$work/$name.log" 2>&1
  cp "$work/run/results.json" "$work/$name.results.json"
  python3 - "$work/$name.results.json" "$model" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for seed, m in r["methods"]["no_safety"]["perSeed"].items():
    b = r["methods"]["baseft"]["perSeed"][seed]
    print(f"{sys.argv[2]}\t{sys.argv[3]}\t{seed}\t{b['task.heldout_loss']:.4f}\t{m['task.heldout_loss']:.4f}", flush=True)
PY
done
