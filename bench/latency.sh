#!/usr/bin/env bash
# Batch-1 latency of every built-in architecture (and any model directories given) in DJL and
# in ONNX Runtime, back to back; writes bench/results/latency.md.
#
#   bench/latency.sh [--out DIR] [--smoke] [MODEL_DIR...]
#
# 200 timed passes after 30 warm-up, GENSYNTH_THREADS threads (default: all cores), on the kernel
# setting bin/gensynth would choose. --out DIR writes DIR/latency.md instead.
# --smoke: every architecture with 5 timed passes after 2 warm-up, 1 thread, into --out (default: a new
# temporary directory), and checks the table was written (to check the script still runs after a
# change; the numbers mean nothing).
set -euo pipefail
SCRIPT=latency.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

OUT="" SMOKE=0 MODELS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) bench_die "unknown option $1 — see $SCRIPT --help" ;;
    *) [[ -d "$1" ]] || bench_die "model directory $1 does not exist — give directories written by 'gensynth train'"
       MODELS+=("$1"); shift ;;
  esac
done
RUNS=(--warmup 30 --runs 200)
THREADS="${GENSYNTH_THREADS:-$(nproc)}"
if (( SMOKE )); then
  RUNS=(--warmup 2 --runs 5)
  THREADS="${GENSYNTH_THREADS:-1}"
fi
OUT="$(bench_results_dir "$SMOKE" "$OUT")"
"$ROOT/bin/setup"
bench_jar
bench_kernels "$THREADS"
java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$ROOT/target/gensynth.jar:$ROOT/target/lib/*" dev.gensynth.bench.LatencyComparison \
  --out "$OUT/latency.md" "${RUNS[@]}" ${MODELS[@]+"${MODELS[@]}"}
if (( SMOKE )); then
  bench_expect "$OUT/latency.md" '^\| resnet \| [0-9,]+ \| [0-9,]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "latency table"
  echo "smoke run ok: $OUT/latency.md" >&2
fi
