#!/usr/bin/env bash
# Runs a synthesis with 104 candidate fine-tunings and records the process's resident memory
# (Java heap + native) after the prototype and after every cycle, into bench/results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/bin/setup"
OUT="$ROOT/bench/results"
RUN="$(mktemp -d)/soak"
LOG="$OUT/memory_soak.log"
mkdir -p "$OUT"
"$ROOT/bin/gensynth" synthesize --config "$ROOT/bench/memory-soak.yaml" --out "$RUN" 2>&1 \
  | tr '\r' '\n' | grep -E "prototype .*RSS|cycle [0-9]+: |synthesis stopped" > "$LOG"
CANDIDATES=$(($(wc -l < "$RUN/candidates.csv") - 1))
START=$(grep -m1 -oE "RSS [0-9]+ MB" "$LOG" | grep -oE "[0-9]+")
END=$(grep -oE "RSS [0-9]+ MB" "$LOG" | tail -1 | grep -oE "[0-9]+")
PEAK=$(grep -oE "RSS [0-9]+ MB" "$LOG" | grep -oE "[0-9]+" | sort -n | tail -1)
{
  echo "# Native memory across a long synthesis"
  echo
  echo "Command: \`bench/memory_soak.sh\` (config \`bench/memory-soak.yaml\`), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores."
  echo
  echo "| candidate fine-tunings | RSS after prototype | RSS at end | peak RSS |"
  echo "|---:|---:|---:|---:|"
  echo "| $CANDIDATES | $START MB | $END MB | $PEAK MB |"
  echo
  echo "RSS per cycle (from the log):"
  echo
  echo '```'
  grep -oE "cycle [0-9]+: .*RSS [0-9]+ MB" "$LOG" | sed -E 's/: best U.*(RSS [0-9]+ MB)/: \1/'
  echo '```'
} > "$OUT/memory_soak.md"
cat "$OUT/memory_soak.md"
