#!/usr/bin/env bash
# How a convolution made depthwise-separable should inherit its weights: the factorisation the generator
# uses (the best rank-1 approximation of the filters per input channel) against freshly initialised
# depthwise and pointwise parts, every other weight inherited, both fine-tuned with the run's candidate
# recipe and distillation on the run's splits (dev.gensynth.bench.SeparableInit). Writes
# bench/results/separable_init.md.
#
#   bench/separable_init.sh --run RUN [--layers REGEX] [--epochs 1] [--seeds 1,2] [--out DIR] [--smoke]
#
# RUN: a synthesis run whose prototype is trained (bin/demo makes one). --layers: which of the prototype's
# convolutions are made separable (default: every convolution of the residual blocks). --out DIR writes
# DIR/separable_init.md instead. --smoke: makes a tiny run (bench/fashion-mnist-smoke-run.yaml on a
# 3000-image subset, 1 thread) and measures 0.05 epochs, one seed, into --out (default: a new temporary
# directory), and checks the table was written (the numbers mean nothing).
set -euo pipefail
SCRIPT=separable_init.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

OUT="" SMOKE=0 RUN="" ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run) bench_need_value "$1" $#; RUN="$2"; shift 2 ;;
    --layers|--epochs|--seeds) bench_need_value "$1" $#; ARGS+=("$1" "$2"); shift 2 ;;
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
  bench_smoke_run "$ROOT/bench/fashion-mnist-smoke-run.yaml" "$RUN" "$THREADS"
  ARGS+=(--epochs 0.05 --seeds 1)
fi
[[ -n "$RUN" ]] || bench_die "--run RUN is missing: give a synthesis run whose prototype is trained (bin/demo makes one)"
[[ -f "$RUN/prototype/weights.npz" ]] || bench_die "$RUN has no trained prototype ($RUN/prototype/weights.npz) — give a synthesis run that got past its prototype"
bench_kernels "$THREADS"
bench_java "$THREADS" dev.gensynth.bench.SeparableInit --run "$RUN" --out "$OUT/separable_init.md" "${ARGS[@]}"
if (( SMOKE )); then
  bench_expect "$OUT/separable_init.md" '^\| fresh \| 1 \| [0-9.]+ \| [0-9.]+ \|$' "separable inheritance table"
  echo "smoke run ok: $OUT/separable_init.md" >&2
fi
