#!/usr/bin/env bash
# Which width multiple the generator should round to on this machine: the same G(s) draws over the residual
# prototype with widths rounded to 1, 2, 4, 8 and 16, timed at batch 1 in ONNX Runtime and in a training step
# of gensynth's trainer, interleaved over rounds (dev.gensynth.bench.WidthMultiple). Writes
# bench/results/width_multiple.md.
#
#   bench/width_multiple.sh [--rounds 3] [--out DIR] [--smoke]
#
# GENSYNTH_THREADS threads (default: all cores), on the kernel setting bin/gensynth would choose. --out DIR
# writes DIR/width_multiple.md instead. --smoke: multiples 1 and 8, 1 round, 5 timed passes after 2 warm-up,
# 2 training steps after 1, 1 thread, on a 3000-image subset, into --out (default: a new temporary directory),
# and checks the table was written (to check the script still runs after a change; the numbers mean nothing).
set -euo pipefail
SCRIPT=width_multiple.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

OUT="" SMOKE=0 ROUNDS=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) bench_need_value "$1" $#; ROUNDS="$2"; shift 2 ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || bench_die "--rounds needs a whole number >= 1, got '$ROUNDS' — see $SCRIPT --help"
ARGS=(--rounds "$ROUNDS")
THREADS="${GENSYNTH_THREADS:-$(nproc)}"
OUT="$(bench_results_dir "$SMOKE" "$OUT")"
"$ROOT/bin/setup"
bench_jar
if (( SMOKE )); then
  THREADS="${GENSYNTH_THREADS:-1}"
  bench_smoke_data
  ARGS=(--rounds 1 --multiples 1,8 --latency-warmup 2 --latency-runs 5 --train-warmup 1 --train-batches 2
    --data "$BENCH_SMOKE_DATA")
fi
bench_kernels "$THREADS"
bench_java "$THREADS" dev.gensynth.bench.WidthMultiple --out "$OUT/width_multiple.md" "${ARGS[@]}"
if (( SMOKE )); then
  bench_expect "$OUT/width_multiple.md" '^\| 8 \| [0-9.]+ M \| [0-9.]+ \| [0-9.]+–[0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+–[0-9.]+ \|$' \
    "width multiple table"
  echo "smoke run ok: $OUT/width_multiple.md" >&2
fi
