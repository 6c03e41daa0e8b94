#!/usr/bin/env bash
# How much a detection network's mAP50 moves with the canvases it is judged on, and whether the validation split
# flatters it by reusing items that training canvases showed (dev.gensynth.bench.EvaluationNoise): for each draw
# seed, canvases composed by the run's rules from training items some training canvas showed, from training items
# none did, and from test items; every named network of the run judged on each. Writes
# bench/results/evaluation_noise.md.
#
#   bench/evaluation_noise.sh --run RUN [--models prototype,generated-D/seed-104] [--canvases 1000] [--draws 11,12,13,14]
#                             [--out DIR] [--smoke]
#
# RUN: a synthesis run on fashion-mnist-det or mnist-det (the detection benchmark's, or configs/detection.yaml's).
# --out DIR writes DIR/evaluation_noise.md instead. --smoke: makes a tiny detection run
# (bench/detection-smoke-run.yaml, 1 thread) and judges its prototype on 2 draws of 20 canvases, into --out
# (default: a new temporary directory), and checks the table was written (the numbers mean nothing).
set -euo pipefail
SCRIPT=evaluation_noise.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

OUT="" SMOKE=0 RUN="" ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run) bench_need_value "$1" $#; RUN="$2"; shift 2 ;;
    --models|--canvases|--draws) bench_need_value "$1" $#; ARGS+=("$1" "$2"); shift 2 ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
THREADS="${GENSYNTH_THREADS:-$(nproc)}"
OUT="$(bench_results_dir "$SMOKE" "$OUT")"
"$ROOT/bin/setup"
bench_jar
if (( SMOKE )); then
  THREADS="${GENSYNTH_THREADS:-1}"
  RUN="$OUT/run"
  bench_smoke_run "$ROOT/bench/detection-smoke-run.yaml" "$RUN" "$THREADS"
  ARGS+=(--canvases 20 --draws 1,2)
fi
[[ -n "$RUN" ]] || bench_die "--run RUN is missing: give a detection synthesis run whose prototype is trained"
[[ -f "$RUN/prototype/weights.npz" ]] || bench_die "$RUN has no trained prototype ($RUN/prototype/weights.npz) — give a synthesis run that got past its prototype"
bench_kernels "$THREADS"
bench_java "$THREADS" dev.gensynth.bench.EvaluationNoise --run "$RUN" --out "$OUT/evaluation_noise.md" "${ARGS[@]}"
if (( SMOKE )); then
  bench_expect "$OUT/evaluation_noise.md" '^\| test items \| prototype \| [0-9.]+ \| [0-9.]+ \| - \| - \|$' "evaluation noise table"
  echo "smoke run ok: $OUT/evaluation_noise.md" >&2
fi
