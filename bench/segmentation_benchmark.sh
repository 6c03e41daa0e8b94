#!/usr/bin/env bash
# The full segmentation benchmark (FermiNet-SS): FermiNet-A..D against an LR-ASPP-like segmenter on a
# MobileNet-V2 backbone, an FCN-like one on the residual backbone, a U-Net and the residual U-Net prototype, and against
# uniform width scaling, L1-norm filter pruning and random sampling with the same training budget, on
# the composed Fashion-MNIST canvases (64x64, 2-4 garments each; see README, "Data"). Quality is mIoU,
# pixel accuracy beside it. About 4.3 hours on a 2-core machine (the re-run of 2026-12-07; --carry spreads it over sessions).
#
#   bench/segmentation_benchmark.sh [--smoke] [--out OUT] [--carry STORE] [CONFIG] [OUT]
#
# CONFIG defaults to bench/segmentation.yaml, OUT to bench-out/segmentation. As
# bench/fashion_mnist_benchmark.sh: every step keeps its result in OUT (a rerun continues), the end writes
# OUT/results.md, .csv, .json, OUT/report.html (with each network's segmentations of the first test
# canvases) and the segmentation section of BENCHMARKS.md (BENCHMARKS_MD=FILE writes that elsewhere);
# --carry STORE carries finished steps over sessions.
# --smoke: every step at the smallest size (bench/segmentation-smoke.yaml: 32x32 canvases composed from
# a 3000-image subset of Fashion-MNIST, 1 thread unless GENSYNTH_THREADS says otherwise) into OUT, which
# must be new or empty (default: a new temporary directory); checks the tables were written.
set -euo pipefail
SCRIPT=segmentation_benchmark.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"
. "$ROOT/bench/lib/benchmark.sh"
BENCH_KEY=segmentation
BENCH_TITLE="Segmentation (composed Fashion-MNIST canvases): FermiNet-SS against reference segmenters and the usual alternatives"
BENCH_CONFIG="$ROOT/bench/segmentation.yaml"
BENCH_SMOKE="$ROOT/bench/segmentation-smoke.yaml"
BENCH_OUT="$ROOT/bench-out/segmentation"
BENCH_HELP_LINES=2,17
BENCH_EXPECT=('^\| FermiNet-A \| gensynth \| A \| ' '^\| Width-B ' '^\| network \| method \| level \| source \| mIoU % \| pixel acc % \|')
bench_benchmark "$@"
