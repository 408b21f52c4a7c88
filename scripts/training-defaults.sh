#!/usr/bin/env bash
# Measures held-out task loss of the customer finetune under several training settings (filter's settings: they
# train every customer finetune of the experiment), on the reference experiment's sets
# (examples/experiment-reference.json): M0 (BaseFT) and M0 finetuned on the 320-example noisy set (no_safety),
# evaluated on 150 held-out SQuAD questions and 100 Alpaca instructions (the other suites get one item each).
# Batch 16, response-only loss (filter's defaults). Usage:
#   scripts/training-defaults.sh MODEL TOKENIZER WORKDIR [SEEDS] [SETTING ...]
#   e.g. scripts/training-defaults.sh models/stories3M/stories3M.bin models/stories3M/tok4096.bin runs/defaults-3m
# MODEL and TOKENIZER are under ../shared/data. SETTING names pick some of the settings below (default: all).
# Prints one TSV line per setting and seed: model, setting, seed, baseft (M0) loss, no_safety loss.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ff="${FORGETFILTER:-$here/bin/forgetfilter}"
model="$1"; tok="$2"; work="$3"; seeds="${4:-[1,2]}"
shift $(( $# < 4 ? $# : 4 ))
only=" $* "
mkdir -p "$work"
settings=(
  'ref30|{"max-steps":30,"lr":0.001,"schedule":"constant","warmup-ratio":0}'
  'e8-const-1e-3|{"epochs":8,"lr":0.001,"schedule":"constant","warmup-ratio":0}'
  'e1-const-1e-3|{"epochs":1,"lr":0.001,"schedule":"constant","warmup-ratio":0}'
  'e2-const-1e-3|{"epochs":2,"lr":0.001,"schedule":"constant","warmup-ratio":0}'
  'e3-cos-1e-3|{"epochs":3,"lr":0.001,"schedule":"cosine"}'
  'e3-cos-5e-4|{"epochs":3,"lr":0.0005,"schedule":"cosine"}'
  'e5-cos-5e-4|{"epochs":5,"lr":0.0005,"schedule":"cosine"}'
)
for s in "${settings[@]}"; do
  name="${s%%|*}"; ft="${s#*|}"
  [[ "$only" == "  " || "$only" == *" $name "* ]] || continue
  "$ff" experiment --config "$here/examples/experiment-reference.json" --out "$work/run" \
      "dataRoot=$here/../shared/data" "model=$model" "tokenizer=$tok" "seeds=$seeds" \
      'methods=["baseft","no_safety"]' 'sweep=[]' 'interleaved.rounds=0' \
      'sizes.eval.bbq=1' 'sizes.eval.crows=1' 'sizes.eval.toxicity=1' 'sizes.eval.harmPairs=1' \
      'sizes.eval.harmRequests=1' 'sizes.eval.squad=150' 'sizes.eval.instructions=100' 'generation.maxNewTokens=1' \
      "forgetfilter=$ft" > "$work/$name.log" 2>&1
  cp "$work/run/results.json" "$work/$name.results.json"
  python3 - "$work/$name.results.json" "$model" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for seed, m in r["methods"]["no_safety"]["perSeed"].items():
    b = r["methods"]["baseft"]["perSeed"][seed]
    print(f"{sys.argv[2]}\t{sys.argv[3]}\t{seed}\t{b['task.heldout_loss']:.4f}\t{m['task.heldout_loss']:.4f}", flush=True)
PY
done
