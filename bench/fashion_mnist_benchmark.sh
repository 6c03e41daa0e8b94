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
# step's row (and the model's spec and metrics, no weights), small enough to commit, and a fresh machine
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
COMMAND="bench/fashion_mnist_benchmark.sh $*"
SMOKE=0 CONFIG="" OUT="" CARRY=() POSITIONAL=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1; shift ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --carry) bench_need_value "$1" $#; CARRY=(--carry "$2"); shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) bench_die "unknown option $1 — see $SCRIPT --help" ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
(( ${#POSITIONAL[@]} <= 2 )) || bench_die "too many arguments (${POSITIONAL[*]}) — give at most CONFIG and OUT"
CONFIG="${POSITIONAL[0]:-}"
[[ -z "$OUT" || ${#POSITIONAL[@]} -lt 2 ]] || bench_die "OUT given twice (--out $OUT and ${POSITIONAL[1]}) — give one"
OUT="${OUT:-${POSITIONAL[1]:-}}"
[[ -z "$CONFIG" || -f "$CONFIG" ]] || bench_die "benchmark config $CONFIG does not exist — see bench/fashion-mnist.yaml"
GENSYNTH="${GENSYNTH:-$ROOT/bin/gensynth}"
if (( SMOKE )); then
  CONFIG="${CONFIG:-$ROOT/bench/fashion-mnist-smoke.yaml}"
  OUT="$(bench_out_dir "$OUT")"
  [[ -z "$(ls -A "$OUT")" ]] || bench_die "--smoke needs a new or empty OUT, $OUT has files (the benchmark would" \
    "resume from them and run nothing) — give a new directory"
  MD="$OUT/BENCHMARKS.md"
  export GENSYNTH_THREADS="${GENSYNTH_THREADS:-1}"
  "$ROOT/bin/setup"
  bench_jar
  bench_smoke_data
else
  CONFIG="${CONFIG:-$ROOT/bench/fashion-mnist.yaml}"
  OUT="${OUT:-$ROOT/bench-out/fashion-mnist}"
  MD="${BENCHMARKS_MD:-$ROOT/BENCHMARKS.md}"
fi

if [[ "$CONFIG" == "$ROOT/bench/fashion-mnist.yaml" && ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
      && ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte ]]; then
  echo "Fashion-MNIST is not in /usr/share/datasets/fashion-mnist; install it (apt-get install dataset-fashion-mnist)" >&2
fi

COMMAND="bench/fashion_mnist_benchmark.sh $*"
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
T0=$(date +%s)
"$GENSYNTH" benchmark --config "$CONFIG" --out "$OUT" "${CARRY[@]}"
SECONDS_USED=$(( $(date +%s) - T0 ))

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
MEM="$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
OS="$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s)"
JAVA="$(java -version 2>&1 | head -1)"
SECTION="$(mktemp)"
trap 'rm -f "$SECTION"' EXIT
{
  echo "<!-- fashion-mnist-benchmark:start -->"
  echo "## Fashion-MNIST: FermiNets against reference networks and the usual alternatives"
  echo
  echo "- machine: ${CPU:-unknown CPU}, $(nproc) cores, ${MEM:-? GB}, ${OS}; ${JAVA}"
  echo "- date: ${STARTED} (this invocation took ${SECONDS_USED} s; an interrupted benchmark resumed from its"
  echo "  directory counts only the last invocation)"
  echo "- command: \`${COMMAND}\` (config \`${CONFIG#$ROOT/}\`, results in \`${OUT#$ROOT/}\`: results.md/.csv/.json,"
  echo "  report.html, run/report.html)"
  echo "- method: one synthesis at the loosest level hands over a generator per level (from the best parent"
  echo "  meeting it on validation); FermiNet-X is one network of level X's generator, fine-tuned with that level's"
  echo "  budget (the generate recipe's epochs x log2 of its MACs reduction, at least once; the prototype teaching,"
  echo "  as the config's distill section says) and then tested; the alternatives learn from the labels alone."
  echo
  cat "$OUT/results.md"
  echo "<!-- fashion-mnist-benchmark:end -->"
} > "$SECTION"

if [[ -f "$MD" ]] && grep -q '<!-- fashion-mnist-benchmark:start -->' "$MD"; then
  # replace the previous section, keep everything else
  awk -v f="$SECTION" '
    /<!-- fashion-mnist-benchmark:start -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
    /<!-- fashion-mnist-benchmark:end -->/ { skip = 0; next }
    !skip { print }' "$MD" > "$MD.tmp" && mv "$MD.tmp" "$MD"
else
  if [[ ! -f "$MD" ]]; then
    printf '# Benchmarks\n\nMeasured on this project'"'"'s machines with the committed scripts.\n\n' > "$MD"
  else
    echo >> "$MD"
  fi
  cat "$SECTION" >> "$MD"
fi
echo "wrote $MD and $OUT/report.html"
if (( SMOKE )); then
  bench_expect "$OUT/results.md" '^\| FermiNet-A \| gensynth \| A \| ' "FermiNet-A's row of the table"
  bench_expect "$OUT/results.md" '^\| Width-B ' "width scaling's row of the table"
  bench_expect "$OUT/report.html" '<html' "HTML report"
  bench_expect "$MD" '^<!-- fashion-mnist-benchmark:end -->$' "BENCHMARKS.md section"
  echo "smoke run ok: $OUT/results.md, $MD" >&2
fi
