#!/usr/bin/env bash
# Kill drill: a real synthesis (bench/kill-drill.yaml, on a Fashion-MNIST subset) is SIGKILLed at
# seeded random moments and resumed with `gensynth synthesize --resume` after every kill. Then:
# the run must finish; every cycle must be in candidates.csv exactly once; progress.json and the
# state it names must agree (and best/, parents/, generator/ with them, nothing left half-written);
# best/ must load and evaluate; and the fine-tuning done again because of a kill must be at most
# one cycle's per kill.
#
#   bench/kill_drill.sh [--seed N] [--kills N] [--out DIR] [--smoke]
#
# Kill k aims at cycle round((k-1) * cycles / (kills-1)), so the kills spread from the start to the
# final checkpoint: it waits until that cycle is committed (not at all for the first kill). Then
# odd-numbered kills come a random 2-20 s later (start-up, prototype training, fine-tuning,
# anywhere), even-numbered ones a random 0-2 s into the next checkpoint: the JVM logs every durable
# step of its writes (dev.gensynth.io.AtomicFiles.step, on with -Dgensynth.drill.trace) and
# pauses 250 ms before each, so such a kill falls between two steps and the report names the next
# one. Writes bench/results/kill_drill.md; about 4 minutes on an idle 2-core machine (longer when
# it is shared). Scratch files (run, logs, trace) go to target/kill-drill/.
#
# --smoke: 2 kills on the smallest config (bench/kill-drill-smoke.yaml), under a minute on an idle
# 2-core machine; the report goes to target/kill-drill/kill_drill.md only, and must have every check. Run
# it after changing anything that writes checkpoints, so that the drill does not rot.
# --out DIR: the report goes to DIR/kill_drill.md (the scratch files stay in target/kill-drill/).
#
# Exit code 0 when every check passes. Honours GENSYNTH_THREADS (bin/gensynth) and the caller's
# environment (e.g. DNNL_MAX_CPU_ISA).
set -euo pipefail
SCRIPT=kill_drill.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

SEED=20251201
KILLS=10
SMOKE=0
OUT_DIR=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) bench_need_value "$1" $#; SEED="$2"; shift 2 ;;
    --kills) bench_need_value "$1" $#; KILLS="$2"; shift 2 ;;
    --out) bench_need_value "$1" $#; OUT_DIR="$(bench_out_dir "$2")"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
[[ "$SEED" =~ ^[0-9]+$ ]] || bench_die "--seed needs a whole number, got '$SEED' — see $SCRIPT --help"
[[ "$KILLS" =~ ^[1-9][0-9]*$ ]] || bench_die "--kills needs a whole number >= 1, got '$KILLS' — see $SCRIPT --help"
cd "$ROOT"
CONFIG="bench/kill-drill.yaml"
TIME_LO=2000; TIME_HI=20000
OUT_MD="$ROOT/bench/results/kill_drill.md"
if (( SMOKE )); then
  CONFIG="bench/kill-drill-smoke.yaml"; KILLS=2; TIME_LO=2000; TIME_HI=6000
fi
PAUSE_MS=250
CANDIDATES=$(awk '/^ *candidates:/ {print $2; exit}' "$CONFIG")
CYCLES_PLANNED=$(awk '/^ *cycles:/ {print $2; exit}' "$CONFIG")

"$ROOT/bin/setup" jq
bench_jar   # builds the jar when needed, so no kill lands in a build
WORK="$ROOT/target/kill-drill"
RUN="$WORK/run"
DATA="$ROOT/target/kill-drill-data"
TRACE="$WORK/trace.log"
rm -rf "$WORK"
mkdir -p "$WORK"
(( SMOKE )) && OUT_MD="$WORK/kill_drill.md"
[[ -n "$OUT_DIR" ]] && OUT_MD="$OUT_DIR/kill_drill.md"
helper() {
  java -Dai.djl.offline=true -cp "$ROOT/target/gensynth.jar:$ROOT/target/lib/*" dev.gensynth.bench.KillDrill "$@"
}
if [[ ! -f "$DATA/t10k-labels-idx1-ubyte" ]]; then
  helper subset --from /usr/share/datasets/fashion-mnist --train 6000 --test 1000 --out "$DATA"
fi
: > "$TRACE"

RANDOM=$SEED
rand_ms() { echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) )); }
now_ms() { date +%s%3N; }
committed() { jq -r '.cycles' "$RUN/progress.json" 2>/dev/null || echo none; }
alive() { kill -0 "$PID" 2>/dev/null; }
# the log lines of a segment, without time stamps (progress bars may share a line with them)
infolines() { tr '\r' '\n' < "$1" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2} INFO .*' | sed -E 's/^[0-9:]{8} INFO +//' || true; }

PID=""
start() {   # start N: segment N; the first starts the run, the others resume it
  local log="$WORK/segment-$1.log" args
  if [[ -f "$RUN/run.yaml" ]]; then
    args=(synthesize --resume "$RUN")
  else   # nothing to resume yet (the first start, or a kill before run.yaml existed)
    args=(synthesize --config "$CONFIG" --out "$RUN" --force)
  fi
  echo "segment $1: gensynth ${args[*]}" >&2
  JAVA_TOOL_OPTIONS="-Dgensynth.drill.trace=$TRACE -Dgensynth.drill.pauseMs=$PAUSE_MS" \
    "$ROOT/bin/gensynth" "${args[@]}" > "$log" 2>&1 &
  PID=$!   # bin/gensynth execs java: this is the JVM
  T0=$(now_ms)
}

# What the process was doing at time $1 (ms): the checkpoint step it was paused before, else the
# last thing its log says.
describe() {
  local t=$1 log=$2 step ts last
  step=$(awk -v t="$t" '$1 <= t {line=$0} END {print line}' "$TRACE")
  ts=${step%% *}
  if [[ -n "$step" ]] && (( t - ts <= PAUSE_MS + 100 )); then
    echo "checkpoint step: before \`${step#* }\`"
    return
  fi
  last=$(infolines "$log" | tail -1)
  if [[ -z "$last" ]]; then
    if tr '\r' '\n' < "$log" | grep 'prototype ' > /dev/null; then echo "prototype training"; else echo "start-up"; fi
  elif [[ "$last" =~ ^\ *cycle\ ([0-9]+)\ candidate\ ([0-9]+) ]]; then
    local c=${BASH_REMATCH[1]} i=${BASH_REMATCH[2]}
    if (( i < CANDIDATES )); then echo "cycle $c, fine-tuning candidate $((i + 1))";
    else echo "cycle $c, after its last candidate (update of the generator)"; fi
  elif [[ "$last" =~ ^cycle\ ([0-9]+): ]]; then
    echo "cycle $((BASH_REMATCH[1] + 1)), fine-tuning candidate 1"
  elif [[ "$last" =~ ^resuming\ after\ cycle\ ([0-9]+) ]]; then
    echo "cycle $((BASH_REMATCH[1] + 1)), fine-tuning candidate 1"
  elif [[ "$last" =~ ^prototype ]]; then
    echo "after the prototype (initial generator, or cycle 1)"
  elif [[ "$last" =~ ^synthesis\ stopped ]]; then
    echo "after the run stopped (final generator, report)"
  else
    echo "after: ${last:0:60}"
  fi
}

DRILL_T0=$(now_ms)
ROWS=()
MAX_REDONE=0
TOTAL_REDONE=0
KILLED=0
for (( k = 1; k <= KILLS; k++ )); do
  if [[ "$(jq -r '.done' "$RUN/progress.json" 2>/dev/null)" == true ]]; then
    echo "the run finished before kill $k" >&2
    break
  fi
  before=$(committed)
  start "$k"
  # kill k aims at cycle AIM, the kills spread evenly from the start (0) to the last cycle but one: one aimed at the
  # checkpoint after the last cycle found the run ended before it (the report after it takes a second or two)
  AIM=$(( ((k - 1) * (CYCLES_PLANNED - 1) * 2 + KILLS - 1) / (2 * (KILLS - 1 > 0 ? KILLS - 1 : 1)) ))
  if (( AIM > 0 )); then
    while alive && [[ "$(committed)" == none || "$(committed)" -lt $AIM ]]; do sleep 0.1; done
  fi
  if (( k % 2 == 1 )); then
    delay=$(rand_ms $TIME_LO $TIME_HI)
    kind="random time: $(awk -v d="$delay" 'BEGIN {printf "%.1f", d / 1000}') s after start or cycle $AIM"
    target=$(( $(now_ms) + delay ))
    while alive && (( $(now_ms) < target )); do sleep 0.05; done
  else
    into=$(rand_ms 0 $(( 8 * PAUSE_MS )))
    kind="$into ms into the first checkpoint after cycle $AIM"
    from=$(wc -l < "$TRACE")
    while alive && ! tail -n +$((from + 1)) "$TRACE" | grep -E ' sync [^ ]*state-' > /dev/null; do
      sleep 0.02
    done
    target=$(( $(now_ms) + into ))
    while alive && (( $(now_ms) < target )); do sleep 0.02; done
  fi
  log="$WORK/segment-$k.log"
  kt=$(now_ms)
  # the process may end between the check and the kill: then it was not killed, it finished
  if alive && kill -KILL "$PID" 2>/dev/null; then
    wait "$PID" 2>/dev/null || true
    KILLED=$((KILLED + 1))
    moment=$(awk -v a="$kt" -v b="$T0" 'BEGIN {printf "%.1f s", (a - b) / 1000}')
    hit=$(describe "$kt" "$log")
  else
    rc=0; wait "$PID" || rc=$?
    moment="-"; hit="the process had ended (exit $rc) before the kill"
  fi
  after=$(committed)
  b=$before; [[ "$b" == none ]] && b=0
  a=$after; [[ "$a" == none ]] && a=0
  # a slot the search left out (every draw a cut judged already) was no fine-tuning, but it fills its slot of a cycle
  finished=$(infolines "$log" | grep -E '^cycle [0-9]+ candidate' | grep -vc ': left out' || true)
  leftout=$(infolines "$log" | grep -cE '^cycle [0-9]+ candidate [0-9]+: left out' || true)
  redone=$(( finished + leftout - (a - b) * CANDIDATES ))
  (( redone > MAX_REDONE )) && MAX_REDONE=$redone
  TOTAL_REDONE=$((TOTAL_REDONE + redone))
  ROWS+=("| $k | $kind | $moment | $hit | $before → $after | $finished | $redone |")
  echo "kill $k ($kind) at $moment: $hit; committed cycles $before -> $after" >&2
done

# the last segment runs to the end
k=$((KILLS + 1))
if [[ "$(jq -r '.done' "$RUN/progress.json" 2>/dev/null)" == true ]]; then
  FINAL="progress.json already said done (the last kill came after the final commit), so no resume; \`gensynth report\` wrote the report again"
  FINAL_RC=0
  "$ROOT/bin/gensynth" report --run "$RUN" > "$WORK/segment-$k.log" 2>&1 || FINAL_RC=$?
else
  start "$k"
  FINAL_RC=0; wait "$PID" || FINAL_RC=$?
  FINAL="resumed once more and ran to the end (exit $FINAL_RC)"
fi
DRILL_S=$(( ($(now_ms) - DRILL_T0) / 1000 ))
finished=$(infolines "$WORK/segment-$k.log" | grep -E '^cycle [0-9]+ candidate' | grep -vc ': left out' || true)

# checks
CHECKS=()
ALL_OK=1
check() {   # check PASS|FAIL name detail
  CHECKS+=("| $2 | $1 | $3 |")
  [[ "$1" == PASS ]] || ALL_OK=0
}
(( KILLED == KILLS )) && check PASS "kills" "$KILLED of $KILLS landed in a running process" \
  || check FAIL "kills" "only $KILLED of $KILLS landed in a running process"
(( FINAL_RC == 0 )) && check PASS "the run finishes" "$FINAL" || check FAIL "the run finishes" "$FINAL"
HELPER_RC=0
helper check --run "$RUN" > "$WORK/check.txt" 2>"$WORK/check.err" || HELPER_RC=$?
while read -r verdict rest; do
  [[ "$verdict" == PASS || "$verdict" == FAIL ]] && check "$verdict" "${rest%%: *}" "${rest#*: }"
done < "$WORK/check.txt"
(( HELPER_RC == 0 )) || check FAIL "KillDrill check" "exit $HELPER_RC: $(tail -1 "$WORK/check.err")"
EVAL_RC=0
"$ROOT/bin/gensynth" evaluate --model "$RUN/best" --data "$DATA" --latency-runs 10 --json "$WORK/best-eval.json" \
  > "$WORK/evaluate.log" 2>&1 || EVAL_RC=$?
if (( EVAL_RC == 0 )); then
  check PASS "best/ loads and evaluates" "$(jq -r '"\(.network): \(.top1 * 100 | round / 100) % test top-1, \(.macs) MACs, \(.latencyMs * 1000 | round / 1000) ms"' "$WORK/best-eval.json") (\`gensynth evaluate --model RUN/best\`)"
else
  check FAIL "best/ loads and evaluates" "exit $EVAL_RC: $(tail -1 "$WORK/evaluate.log")"
fi
(( MAX_REDONE <= CANDIDATES )) \
  && check PASS "fine-tuning redone per kill <= one cycle" "at most $MAX_REDONE finished candidate fine-tuning(s) lost to one kill (a cycle has $CANDIDATES), $TOTAL_REDONE in all, plus the one in progress at a kill, which belongs to the same cycle" \
  || check FAIL "fine-tuning redone per kill <= one cycle" "$MAX_REDONE finished candidate fine-tunings lost to one kill (a cycle has $CANDIDATES)"

CYCLES=$(jq -r '.cycles' "$RUN/progress.json" 2>/dev/null || echo "?")
ROWS_CSV=$(( $(wc -l < "$RUN/candidates.csv" 2>/dev/null || echo 1) - 1 ))
# a segment that trains the prototype shows its progress bar; it finished when the prototype's line followed
PROTO_DONE=0; PROTO_CUT=0
for f in "$WORK"/segment-*.log; do
  if tr '\r' '\n' < "$f" | grep -E 'prototype [^ ]+ +[0-9]+% \[' > /dev/null; then
    if infolines "$f" | grep '^prototype ' > /dev/null; then PROTO_DONE=$((PROTO_DONE + 1)); else PROTO_CUT=$((PROTO_CUT + 1)); fi
  fi
done
mkdir -p "$(dirname "$OUT_MD")"
{
  echo "# Kill drill$( (( SMOKE )) && echo " (smoke)")"
  echo
  echo "\`bench/kill_drill.sh$( (( SMOKE )) && echo " --smoke") --seed $SEED --kills $KILLS\`, config \`$CONFIG\`"
  echo "(Fashion-MNIST, first 6000 training / 1000 test images), $(date -u +%Y-%m-%dT%H:%MZ), commit"
  echo "\`$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/kill_drill.sh "$CONFIG" || echo "+uncommitted changes")\`,"
  echo "$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, GENSYNTH_THREADS=${GENSYNTH_THREADS:-$(nproc)}$([[ -n "${DNNL_MAX_CPU_ISA:-}" ]] && echo ", DNNL_MAX_CPU_ISA=$DNNL_MAX_CPU_ISA")."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work shared the machine)."
  echo
  echo "Each segment starts (the first) or resumes the run with \`bin/gensynth synthesize\` and is ended by"
  echo "SIGKILL to its JVM. Kill k waits until cycle round((k-1) * $CYCLES_PLANNED / $((KILLS - 1))) is committed (the first"
  echo "does not wait); then odd kills come a random ${TIME_LO%000}-${TIME_HI%000} s later, even kills a random 0-$(( 8 * PAUSE_MS )) ms into the"
  echo "next checkpoint, with a $PAUSE_MS ms pause before every durable step of the JVM's writes"
  echo "(\`-Dgensynth.drill.pauseMs\`), so the kill falls between two steps. \"Hit\" is the step it fell"
  echo "before, or what the log says the process was doing. \"Lost\" counts candidate fine-tunings that had"
  echo "finished but not been committed by a checkpoint, so they are done again after the resume (the one"
  echo "in progress at the kill comes on top; it belongs to the same cycle)."
  echo
  echo "| kill | aimed at | moment after start | hit | committed cycles before → after | candidates finished | lost |"
  echo "|---:|---|---:|---|---|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Then: $FINAL; it finished $finished more candidate fine-tunings. The whole drill took $DRILL_S s;"
  echo "the run has $CYCLES cycles and $ROWS_CSV candidates in candidates.csv. The prototype was trained to the"
  echo "end $PROTO_DONE time(s); $PROTO_CUT training(s) of it were cut by a kill (kept only once finished)."
  echo
  echo "| check | outcome | detail |"
  echo "|---|---|---|"
  printf '%s\n' "${CHECKS[@]}"
} > "$OUT_MD"
cat "$OUT_MD"
bench_expect "$OUT_MD" '^\| best/ loads and evaluates \| (PASS|FAIL) \|' "the report's checks"
if (( ! ALL_OK )); then
  echo "$SCRIPT: $(grep -c '| FAIL |' "$OUT_MD") check(s) failed (the FAIL rows of $OUT_MD) — the run is not whole after the kills" >&2
  exit 1
fi
