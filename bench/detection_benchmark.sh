#!/usr/bin/env bash
# The full detection benchmark (FermiNet-OD): FermiNet-A..D against a DetectNet-like grid detector (the
# original work's reference), a CenterNet on a MobileNet-V2 backbone (TensorFlow's CenterNet MobileNetV2 FPN) and
# the CenterNet prototype on the residual backbone, and against uniform width scaling, L1-norm filter pruning and
# random sampling with the same training budget, on the composed Fashion-MNIST detection canvases (96x96, 1-6
# garments each; README, "Object detection"). Quality is VOC mAP@0.5, COCO AP beside it. About 5-6 hours on a
# 2-core machine with configs/detection.yaml's long final fine-tuning, which every alternative gets too (an estimate
# from its parts; --carry spreads it over sessions).
#
#   bench/detection_benchmark.sh [--smoke] [--out OUT] [--carry STORE] [CONFIG] [OUT]
#
# CONFIG defaults to bench/detection.yaml, OUT to bench-out/detection. As bench/fashion_mnist_benchmark.sh:
# every step keeps its result in OUT (a rerun continues), the end writes OUT/results.md, .csv, .json,
# OUT/report.html (with each network's boxes on the first test canvases) and the detection section of
# BENCHMARKS.md (BENCHMARKS_MD=FILE writes that elsewhere); --carry STORE carries finished steps over sessions.
# --smoke: every step at the smallest size (bench/detection-smoke.yaml: 48x48 canvases composed from a
# 3000-image subset of Fashion-MNIST, 1 thread unless GENSYNTH_THREADS says otherwise) into OUT, which must be
# new or empty (default: a new temporary directory); checks the tables were written.
set -euo pipefail
SCRIPT=detection_benchmark.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"
. "$ROOT/bench/lib/benchmark.sh"
BENCH_KEY=detection
BENCH_TITLE="Detection (composed Fashion-MNIST canvases): FermiNet-OD against reference detectors and the usual alternatives"
BENCH_CONFIG="$ROOT/bench/detection.yaml"
BENCH_SMOKE="$ROOT/bench/detection-smoke.yaml"
BENCH_OUT="$ROOT/bench-out/detection"
BENCH_HELP_LINES=2,18
BENCH_EXPECT=('^\| FermiNet-A \| gensynth \| A \| ' '^\| Width-B ' '^\| network \| method \| level \| source \| mAP50 % \| COCO AP % \|.* \| ORT ms \| inferences/J \| r met \|' 'original work.s margins \(FermiNet-OD against DetectNet')
bench_benchmark "$@"
