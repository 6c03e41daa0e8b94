#!/usr/bin/env bash
# Runs a synthesis with 104 candidate fine-tunings (bench/memory-soak.yaml) and records the process's
# resident memory (Java heap + native) after the prototype and after every cycle, into bench/results/.
#
#   bench/memory_soak.sh [--out DIR] [--smoke]
#
# Writes memory_soak.md (the table) and memory_soak.log (the log lines with RSS) into bench/results/, or
# into DIR with --out DIR. Honours GENSYNTH_THREADS (bin/gensynth).
# --smoke: bench/memory-soak-smoke.yaml (6 candidate fine-tunings on a 3000-image subset of Fashion-MNIST)
# on 1 thread unless GENSYNTH_THREADS says otherwise, into --out (default: a new temporary directory, never
# bench/results/), and checks the table was written (to check the script still runs after a change; the
# numbers mean nothing).
set -euo pipefail
SCRIPT=memory_soak.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

OUT="" SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
CONFIG=bench/memory-soak.yaml
if (( SMOKE )); then
  CONFIG=bench/memory-soak-smoke.yaml
  export GENSYNTH_THREADS="${GENSYNTH_THREADS:-1}"
fi
OUT="$(bench_results_dir "$SMOKE" "$OUT")"
"$ROOT/bin/setup"
bench_jar
(( SMOKE )) && bench_smoke_data
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/gensynth-soak.XXXXXX")"
RUN="$SCRATCH/soak"
LOG="$OUT/memory_soak.log"
mkdir -p "$OUT"
if ! "$ROOT/bin/gensynth" synthesize --config "$ROOT/$CONFIG" --out "$RUN" > "$SCRATCH/synthesize.log" 2>&1; then
  echo "$SCRIPT: the synthesis failed: $(bench_last_error "$SCRATCH/synthesize.log") (log: $SCRATCH/synthesize.log)" >&2
  exit 1
fi
tr '\r' '\n' < "$SCRATCH/synthesize.log" | grep -E "prototype .*RSS|cycle [0-9]+: |synthesis stopped" > "$LOG" || true
CANDIDATES=$(($(wc -l < "$RUN/candidates.csv") - 1))
START=$(grep -m1 -oE "RSS [0-9]+ MB" "$LOG" | grep -oE "[0-9]+" || true)
END=$(grep -oE "RSS [0-9]+ MB" "$LOG" | tail -1 | grep -oE "[0-9]+" || true)
PEAK=$(grep -oE "RSS [0-9]+ MB" "$LOG" | grep -oE "[0-9]+" | sort -n | tail -1 || true)
{
  echo "# Native memory across a long synthesis$( (( SMOKE )) && echo " (smoke)")"
  echo
  echo "Command: \`bench/memory_soak.sh$( (( SMOKE )) && echo " --smoke")\` (config \`$CONFIG\`), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores."
  echo
  echo "| candidate fine-tunings | RSS after prototype | RSS at end | peak RSS |"
  echo "|---:|---:|---:|---:|"
  echo "| $CANDIDATES | $START MB | $END MB | $PEAK MB |"
  echo
  echo "RSS per cycle (from the log):"
  echo
  echo '```'
  grep -oE "cycle [0-9]+: .*RSS [0-9]+ MB" "$LOG" | sed -E 's/: best U.*(RSS [0-9]+ MB)/: \1/' || true
  echo '```'
} > "$OUT/memory_soak.md"
cat "$OUT/memory_soak.md"
rm -rf "$SCRATCH"
if (( SMOKE )); then
  bench_expect "$OUT/memory_soak.md" '^\| [1-9][0-9]* \| [0-9]+ MB \| [0-9]+ MB \| [0-9]+ MB \|$' "memory table"
  bench_expect "$OUT/memory_soak.md" '^cycle 1: RSS [0-9]+ MB$' "RSS of cycle 1"
  echo "smoke run ok: $OUT/memory_soak.md" >&2
fi
