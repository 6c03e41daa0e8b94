#!/usr/bin/env bash
# The full Fashion-MNIST benchmark: FermiNet-A..D against MobileNet-V1/V2-like, ShuffleNet-V2-like
# and the prototypes, and against uniform width scaling, L1-norm filter pruning and random sampling
# with the same training budget. Takes hours on a 2-core machine.
#
#   bench/fashion_mnist_benchmark.sh [--smoke] [--out OUT] [--carry STORE] [CONFIG] [OUT]
#
# CONFIG defaults to bench/fashion-mnist.yaml, OUT to bench-out/fashion-mnist. Every step keeps its
# result in OUT, so running the same command again after an interruption continues where it
# stopped. At the end it writes the tables (OUT/results.md, .csv, .json), the HTML report
# (OUT/report.html) and the Fashion-MNIST section of BENCHMARKS.md (machine, date, command,
# tables, ratios); set BENCHMARKS_MD=FILE to write that elsewhere.
# --carry STORE: the benchmark takes longer than a 3-hour session on 2 cores; STORE keeps every finished
# step's row (and the model's spec and metrics; weights only of the run's own generator's parent, tens of
# kilobytes, so that fresh networks left unmade need no search), small enough to commit, and a fresh machine
# restores them and runs only what is missing (it re-runs the synthesis with the same seed and stops if that
# does not reproduce the carried one). The committed figures use bench/results/fashion-mnist-steps.
# --smoke: every step at the smallest size (bench/fashion-mnist-smoke.yaml, on a 3000-image subset of
# Fashion-MNIST, 1 thread unless GENSYNTH_THREADS says otherwise) into OUT, which must be new or empty
# (default: a new temporary directory), BENCHMARKS.md included (never the committed one); checks the
# tables were written (to check the script still runs after a change; the numbers mean nothing).
set -euo pipefail
SCRIPT=fashion_mnist_benchmark.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"
. "$ROOT/bench/lib/benchmark.sh"
BENCH_KEY=fashion-mnist
BENCH_TITLE="Fashion-MNIST: FermiNets against reference networks and the usual alternatives"
BENCH_CONFIG="$ROOT/bench/fashion-mnist.yaml"
BENCH_SMOKE="$ROOT/bench/fashion-mnist-smoke.yaml"
BENCH_OUT="$ROOT/bench-out/fashion-mnist"
BENCH_HELP_LINES=2,21
BENCH_EXPECT=('^\| FermiNet-A \| gensynth \| A \| ' '^\| Width-B ' '^\| Fresh-201 \| ')
bench_benchmark "$@"
