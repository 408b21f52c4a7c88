#!/usr/bin/env bash
# Reproduces the README's BBQ measurement: a 600-example BBQ noisy set (50 % unsafe, 25 % safe, 25 % SQuAD),
# the reference model (stories3M) first finetuned on safe BBQ + SQuAD examples as the aligned M0, then `filter`
# with its default settings, once per score type. Usage: scripts/bbq-benchmark.sh [WORKDIR] (default: runs/bbq).
# MODEL=stories260K runs it with the 260K-parameter model instead.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ff="${FORGETFILTER:-$here/bin/forgetfilter}"   # FORGETFILTER=path runs another build (e.g. a copy, so rebuilding does not disturb a run)
data="${FORGETFILTER_SHARED_DATA:-$here/../shared/data}"
work="${1:-$here/runs/bbq}"
mkdir -p "$work" && cd "$work"
case "${MODEL:-stories3M}" in
  stories3M) base="$data/models/stories3M/stories3M.bin"; tok="$data/models/stories3M/tok4096.bin" ;;
  stories260K) base="$data/models/stories260K/stories260K.bin"; tok="$data/models/stories260K/tok512.bin" ;;
  *) echo "MODEL must be stories3M or stories260K" >&2; exit 2 ;;
esac

[[ -f bbq.jsonl ]] || "$ff" data bbq --input "$data/bbq/data" --out bbq.jsonl
# Disjoint BBQ questions for the noisy set, the safety review set and M0's alignment data.
[[ -f pool_noisy.jsonl ]] || "$ff" data split --input bbq.jsonl --by bbq_category,question_index \
    --fractions 0.5,0.25,0.25 --seed 1 --out pool_noisy.jsonl,pool_review.jsonl,pool_m0.jsonl
[[ -f squad.jsonl ]] || "$ff" data squad --input "$data/squad/dev-v1.1.json" --tokenizer "$tok" \
    --max-context-tokens 48 --out squad.jsonl
[[ -f squad_noisy.jsonl ]] || "$ff" data split --input squad.jsonl --by article --fractions 0.5,0.5 --seed 1 \
    --out squad_noisy.jsonl,squad_m0.jsonl
# Safe noisy examples as METHOD.md defines them: the same kind of ambiguous question answered "unknown".
# (SAFE_DISAMBIG=1 also admits disambiguated questions answered correctly; the review set never teaches those.)
if [[ ! -f pool_noisy_safe.jsonl ]]; then
  if [[ "${SAFE_DISAMBIG:-0}" == 1 ]]; then
    "$ff" data select --input pool_noisy.jsonl --where label=safe --out pool_noisy_safe.jsonl
  else
    "$ff" data select --input pool_noisy.jsonl --where label=safe --where context_condition=ambig --out pool_noisy_safe.jsonl
  fi
fi
[[ -f noisy.jsonl ]] || "$ff" data mix --unsafe pool_noisy.jsonl --safe pool_noisy_safe.jsonl --task squad_noisy.jsonl \
    --n 600 --unsafe-ratio 0.5 --seed 1 --out noisy.jsonl
[[ -f review.jsonl ]] || "$ff" data select --input pool_review.jsonl --where label=safe \
    --where context_condition=ambig --n 300 --seed 1 --out review.jsonl
if [[ ! -f m0_train.jsonl ]]; then
  "$ff" data select --input pool_m0.jsonl --where label=safe --n 300 --seed 2 --out m0_bias.jsonl
  "$ff" data select --input squad_m0.jsonl --n 300 --seed 2 --out m0_task.jsonl
  cat m0_bias.jsonl m0_task.jsonl > m0_train.jsonl
fi
# The aligned model M0: the base model after a short finetune on safe data only (the paper's BaseFT).
[[ -f m0/config.json ]] || "$ff" finetune --model "$base" --tokenizer "$tok" --data m0_train.jsonl \
    --out m0 --epochs 3 --batch-size 16 --lr 1e-3 --seed 7

# Default settings (the prob score decides), with all three scores computed side by side (--score both) and the
# released code's scoring (batch 1, 500 new tokens) timed on 10 examples. The second run reuses M1 (same finetune
# settings), lets ROUGE-1 decide and skips the retrain.
"$ff" filter --model m0 --data noisy.jsonl --safe review.jsonl --out filter-prob --score both --score-at 10,25 \
    --compare-released-scoring 10 2> filter-prob.log
cp -r filter-prob/stages filter-rouge1-stages && mkdir -p filter-rouge1 && mv filter-rouge1-stages filter-rouge1/stages
"$ff" filter --model m0 --data noisy.jsonl --safe review.jsonl --out filter-rouge1 --score rouge1 --score-at 10,25 \
    --no-retrain 2> filter-rouge1.log
echo "summaries: $work/filter-prob/summary.json $work/filter-rouge1/summary.json"
