# The driver of the tools that measure an existing synthesis run (bench/evaluation_noise.sh,
# bench/separable_init.sh; sourced after common.sh, not run). A script sets, before calling bench_run_tool "$@":
#   TOOL_CLASS       the Java main class (dev.gensynth.bench.X)
#   TOOL_TABLE       the Markdown file it writes into OUT
#   TOOL_OPTIONS     (array) the options with a value it passes on to the class
#   TOOL_HELP_LINES  the line range of the calling script's header comment that --help prints
#   TOOL_NEED_RUN    what --run must be, for the error when it is missing
#   TOOL_SMOKE_RUN   the synthesis config of --smoke's tiny run
#   TOOL_SMOKE_ARGS  (array) what --smoke passes to the class, to keep it tiny
#   TOOL_EXPECT      the regex (grep -E) --smoke's table must match, and TOOL_EXPECT_NAME what it is

# bench_run_tool ARGS...: parses --run RUN, TOOL_OPTIONS, [--out DIR] and [--smoke], runs the class on RUN's trained
# prototype and writes OUT/TOOL_TABLE; in --smoke, on a tiny run made first, and checks the table was written.
bench_run_tool() {
  local out="" smoke=0 run="" args=() threads
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --run) bench_need_value "$1" $#; run="$2"; shift 2 ;;
      --out) bench_need_value "$1" $#; out="$2"; shift 2 ;;
      --smoke) smoke=1; shift ;;
      -h|--help) sed -n "${TOOL_HELP_LINES}p" "$ROOT/bench/$SCRIPT" | sed 's/^# \{0,1\}//'; exit 0 ;;
      -*)
        [[ " ${TOOL_OPTIONS[*]} " == *" $1 "* ]] || bench_die "unknown option $1 — see $SCRIPT --help"
        bench_need_value "$1" $#; args+=("$1" "$2"); shift 2 ;;
      *) bench_die "unknown argument $1 — see $SCRIPT --help" ;;
    esac
  done
  threads="${GENSYNTH_THREADS:-$(nproc)}"
  out="$(bench_results_dir "$smoke" "$out")"
  "$ROOT/bin/setup"
  bench_jar
  if (( smoke )); then
    threads="${GENSYNTH_THREADS:-1}"
    run="$out/run"
    bench_smoke_run "$TOOL_SMOKE_RUN" "$run" "$threads"
    args+=("${TOOL_SMOKE_ARGS[@]}")
  fi
  [[ -n "$run" ]] || bench_die "--run RUN is missing: give $TOOL_NEED_RUN"
  [[ -f "$run/prototype/weights.npz" ]] || bench_die "$run has no trained prototype ($run/prototype/weights.npz) — give a synthesis run that got past its prototype"
  bench_kernels "$threads"
  bench_java "$threads" "$TOOL_CLASS" --run "$run" --out "$out/$TOOL_TABLE" "${args[@]}"
  if (( smoke )); then
    bench_expect "$out/$TOOL_TABLE" "$TOOL_EXPECT" "$TOOL_EXPECT_NAME"
    echo "smoke run ok: $out/$TOOL_TABLE" >&2
  fi
}
