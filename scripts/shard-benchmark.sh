#!/usr/bin/env bash
# docs/BENCHMARKS.md "Sharded scoring": (1) the safety stage (the per-example stage with the most work: a short
# finetune, then scoring at each score-at step) of one filter run computed by 1 process with 2 libtorch threads,
# 1 process with 1 thread, and 2 shard processes at once with 1 thread each; (2) every stage's seconds from
# timings.json at three data sizes. Usage: scripts/shard-benchmark.sh NOISY.jsonl REVIEW.jsonl [WORKDIR]
# (default runs/shard-bench); stories260K from ../shared/data.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ff="${FORGETFILTER:-$here/bin/forgetfilter}"
data="${FORGETFILTER_SHARED_DATA:-$here/../shared/data}"
noisy="$1"; review="$2"; work="${3:-$here/runs/shard-bench}"
mkdir -p "$work" && cd "$work"
m=(--model "$data/models/stories260K/stories260K.bin" --tokenizer "$data/models/stories260K/tok512.bin")
head -n 400 "$noisy" > d400.jsonl
stamp() { date +%s.%N; }

# (1) the same 400 examples and M1; the per-example stages timed three ways (wall seconds, JVM start included)
for run in t2 t1 shards; do rm -rf "$run"; done
FORGETFILTER_THREADS=2 "$ff" filter "${m[@]}" --data d400.jsonl --safe "$review" --out t2 --stage finetune_m1 2> m1.log
cp -r t2 t1 && cp -r t2 shards
a=$(stamp); FORGETFILTER_THREADS=2 "$ff" filter "${m[@]}" --data d400.jsonl --safe "$review" --out t2 --stage safety 2> t2.log; b=$(stamp)
echo "1 process, 2 threads: $(echo "$b - $a" | bc) s"
a=$(stamp); FORGETFILTER_THREADS=1 "$ff" filter "${m[@]}" --data d400.jsonl --safe "$review" --out t1 --stage safety 2> t1.log; b=$(stamp)
echo "1 process, 1 thread: $(echo "$b - $a" | bc) s"
a=$(stamp)
for i in 0 1; do
  FORGETFILTER_THREADS=1 "$ff" filter "${m[@]}" --data d400.jsonl --safe "$review" --out shards --stage safety \
      --shard "$i/2" 2> "shard$i.log" &
done
wait; b=$(stamp)
"$ff" merge --out shards 2> merge.log; c=$(stamp)
echo "2 shard processes, 1 thread each: $(echo "$b - $a" | bc) s, merge $(echo "$c - $b" | bc) s"
for run in t2 t1 shards; do "$ff" filter "${m[@]}" --data d400.jsonl --safe "$review" --out "$run" --no-retrain 2> "$run-final.log"; done
cmp t1/scores.jsonl shards/scores.jsonl && cmp t1/removed.jsonl shards/removed.jsonl && echo "1 thread vs 2 shards: identical outputs"
cmp t1/scores.jsonl t2/scores.jsonl && echo "1 vs 2 threads: identical scores" || echo "1 vs 2 threads: scores differ (thread count changes float sums)"

# (2) stage costs at three sizes, 2 threads
for n in 100 200 400; do
  head -n "$n" "$noisy" > "n$n.jsonl"; rm -rf "size$n"
  FORGETFILTER_THREADS=2 "$ff" filter "${m[@]}" --data "n$n.jsonl" --safe "$review" --out "size$n" 2> "size$n.log"
  python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(sys.argv[2], 'examples:', {k: round(v['seconds'],1) for k,v in t['stages'].items()}, 'wall', round(t['wall_seconds'],1))" "size$n/timings.json" "$n"
done
