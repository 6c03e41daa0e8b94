#!/usr/bin/env bash
# Smoke runs of the benchmarks: every script under bench/ in its --smoke mode (the same code path at tiny
# size, its results in a temporary directory, never in bench/results/), one after another, so that a
# change that breaks a benchmark fails CI (.ci/run runs this after the tests).
#
#   bench/smoke.sh [--keep]
#
# Installs what is missing (bin/setup) and builds target/gensynth.jar once when it is missing or older
# than the sources, then prints one line per script: ok, or FAILED with the last lines of its log. Exit
# code 1 when a run failed, when a smoke run changed bench/results/ or BENCHMARKS.md, or when a script
# under bench/ has no smoke run here. Runs on 1 thread (GENSYNTH_THREADS=1 unless set); 2-3 minutes on
# 2 cores. The logs and results are removed when every run passed (--keep keeps them), kept otherwise.
set -uo pipefail
SCRIPT=smoke.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
cd "$ROOT" || exit 1
export GENSYNTH_THREADS="${GENSYNTH_THREADS:-1}"
T0=$SECONDS

bin/setup || bench_die "bin/setup failed (its message is above) — install a JDK 17, Maven and dataset-fashion-mnist"
JAR=target/gensynth.jar
if [[ ! -f "$JAR" || -n "$(find src/main pom.xml -newer "$JAR" -print -quit)" ]]; then
  echo "building $JAR (mvn package)..." >&2
  mvn -q -B -DskipTests package >&2 || bench_die "mvn package failed (its output is above) — fix the build first"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/gensynth-smoke.XXXXXX")" || exit 1
# the committed results, to check that no smoke run wrote into them
results() { find bench/results BENCHMARKS.md -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum; }
RESULTS_BEFORE="$(results)"
echo "smoke runs of the benchmarks, $GENSYNTH_THREADS thread(s), logs in $TMP"

FAILED=0 RAN=()
smoke() { # SCRIPT ARGS...: runs bench/SCRIPT ARGS... --out TMP/NAME, one line of outcome
  local name="$1" t=$SECONDS rc=0
  shift
  RAN+=("$name")
  bench/"$name" "$@" --out "$TMP/${name%.*}" > "$TMP/${name%.*}.log" 2>&1 < /dev/null || rc=$?
  if (( rc == 0 )); then
    printf 'ok      %-28s %4d s\n' "$name" $((SECONDS - t))
  else
    FAILED=$((FAILED + 1))
    printf 'FAILED  %-28s %4d s, exit %d; the last lines of %s:\n' "$name" $((SECONDS - t)) "$rc" \
      "$TMP/${name%.*}.log"
    tr '\r' '\n' < "$TMP/${name%.*}.log" | grep -v -e 'NNPACK' -e '^ *$' | tail -n 8 | sed 's/^/        /'
  fi
}

smoke latency.sh --smoke
smoke kernel_throughput.sh --smoke
smoke memory_soak.sh --smoke
smoke fashion_mnist_benchmark.sh --smoke
smoke segmentation_benchmark.sh --smoke
smoke detection_benchmark.sh --smoke
smoke kill_drill.sh --smoke
smoke step_profile.sh --smoke
smoke train_throughput.sh --smoke
smoke width_multiple.sh --smoke
smoke small_data.sh --smoke --seeds "1 2"
smoke separable_init.sh --smoke
smoke evaluation_noise.sh --smoke
# Scripts that a smoke run above runs itself: bench/torch_train.py, the Python side of train_throughput.sh.
RUN_INSIDE=(torch_train.py)
# Scripts whose smoke run is still to come (none now). Remove a name here when its smoke run above is added.
PENDING=()

# every script under bench/ has a smoke run, so that a new benchmark cannot rot unnoticed either
for f in bench/*.sh bench/*.py; do
  [[ -e "$f" ]] || continue
  n="${f#bench/}"
  [[ "$n" == smoke.sh || " ${RAN[*]} ${RUN_INSIDE[*]} ${PENDING[*]-} " == *" $n "* ]] && continue
  FAILED=$((FAILED + 1))
  printf 'FAILED  %-28s has no smoke run — give it a --smoke mode and add it to bench/smoke.sh\n' "$n"
done
if [[ "$(results)" != "$RESULTS_BEFORE" ]]; then
  FAILED=$((FAILED + 1))
  echo "FAILED  bench/results/ or BENCHMARKS.md changed during the smoke runs — a --smoke mode wrote into the" \
    "committed results; make it write under its --out"
fi

if (( FAILED )); then
  echo "$SCRIPT: $FAILED failure(s) in $((SECONDS - T0)) s; logs and results kept in $TMP" >&2
  exit 1
fi
echo "all ${#RAN[@]} smoke runs ok in $((SECONDS - T0)) s"
if (( KEEP )); then echo "logs and results kept in $TMP"; else rm -rf "$TMP"; fi
