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
. "$ROOT/bench/lib/run_tool.sh"
TOOL_CLASS=dev.gensynth.bench.EvaluationNoise
TOOL_TABLE=evaluation_noise.md
TOOL_OPTIONS=(--models --canvases --draws)
TOOL_HELP_LINES=2,14
TOOL_NEED_RUN="a detection synthesis run whose prototype is trained"
TOOL_SMOKE_RUN="$ROOT/bench/detection-smoke-run.yaml"
TOOL_SMOKE_ARGS=(--canvases 20 --draws 1,2)
TOOL_EXPECT='^\| test items \| prototype \| [0-9.]+ \| [0-9.]+ \| - \| - \|$'
TOOL_EXPECT_NAME="evaluation noise table"
bench_run_tool "$@"
