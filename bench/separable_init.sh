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
. "$ROOT/bench/lib/run_tool.sh"
TOOL_CLASS=dev.gensynth.bench.SeparableInit
TOOL_TABLE=separable_init.md
TOOL_OPTIONS=(--layers --epochs --seeds)
TOOL_HELP_LINES=2,14
TOOL_NEED_RUN="a synthesis run whose prototype is trained (bin/demo makes one)"
TOOL_SMOKE_RUN="$ROOT/bench/fashion-mnist-smoke-run.yaml"
TOOL_SMOKE_ARGS=(--epochs 0.05 --seeds 1)
TOOL_EXPECT='^\| fresh \| 1 \| [0-9.]+ \| [0-9.]+ \|$'
TOOL_EXPECT_NAME="separable inheritance table"
bench_run_tool "$@"
