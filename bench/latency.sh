#!/usr/bin/env bash
# Batch-1 latency of every built-in architecture (and any model directories given) in DJL and
# in ONNX Runtime, back to back; writes bench/results/latency.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/bin/gensynth" --version >/dev/null   # builds the jar when needed
THREADS="${GENSYNTH_THREADS:-$(nproc)}"
java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$ROOT/target/gensynth.jar:$ROOT/target/lib/*" dev.gensynth.bench.LatencyComparison \
  --out "$ROOT/bench/results/latency.md" "$@"
