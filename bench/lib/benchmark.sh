# The full benchmark's driver, shared by bench/fashion_mnist_benchmark.sh and bench/segmentation_benchmark.sh
# (sourced after common.sh, not run). A script sets, before calling bench_benchmark "$@":
#   BENCH_KEY       the BENCHMARKS.md section's marker (its section is replaced on every full run)
#   BENCH_TITLE     the section's heading
#   BENCH_CONFIG    the benchmark config a full run uses by default
#   BENCH_SMOKE     the benchmark config of --smoke
#   BENCH_OUT       where a full run writes by default
#   BENCH_HELP_LINES the line range of the calling script's header comment that --help prints
#   BENCH_EXPECT    regexes (grep -E) the smoke run's results.md must match, one per row checked

# bench_benchmark ARGS...: parses [--smoke] [--out OUT] [--carry STORE] [CONFIG] [OUT], runs `gensynth benchmark`,
# writes the tables' section into BENCHMARKS.md (or $BENCHMARKS_MD), and in --smoke checks what was written.
bench_benchmark() {
  local command="bench/$SCRIPT $*"
  local smoke=0 config="" out="" carry=() positional=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --smoke) smoke=1; shift ;;
      --out) bench_need_value "$1" $#; out="$2"; shift 2 ;;
      --carry) bench_need_value "$1" $#; carry=(--carry "$2"); shift 2 ;;
      -h|--help) sed -n "${BENCH_HELP_LINES}p" "$ROOT/bench/$SCRIPT" | sed 's/^# \{0,1\}//'; exit 0 ;;
      -*) bench_die "unknown option $1 — see $SCRIPT --help" ;;
      *) positional+=("$1"); shift ;;
    esac
  done
  (( ${#positional[@]} <= 2 )) || bench_die "too many arguments (${positional[*]}) — give at most CONFIG and OUT"
  config="${positional[0]:-}"
  [[ -z "$out" || ${#positional[@]} -lt 2 ]] || bench_die "OUT given twice (--out $out and ${positional[1]}) — give one"
  out="${out:-${positional[1]:-}}"
  [[ -z "$config" || -f "$config" ]] || bench_die "benchmark config $config does not exist — see ${BENCH_CONFIG#$ROOT/}"
  local gensynth="${GENSYNTH:-$ROOT/bin/gensynth}" md
  if (( smoke )); then
    config="${config:-$BENCH_SMOKE}"
    out="$(bench_out_dir "$out")"
    [[ -z "$(ls -A "$out")" ]] || bench_die "--smoke needs a new or empty OUT, $out has files (the benchmark would" \
      "resume from them and run nothing) — give a new directory"
    md="$out/BENCHMARKS.md"
    export GENSYNTH_THREADS="${GENSYNTH_THREADS:-1}"
    "$ROOT/bin/setup"
    bench_jar
    bench_smoke_data
  else
    config="${config:-$BENCH_CONFIG}"
    out="${out:-$BENCH_OUT}"
    md="${BENCHMARKS_MD:-$ROOT/BENCHMARKS.md}"
  fi
  if [[ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
        && ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte ]]; then
    echo "Fashion-MNIST is not in /usr/share/datasets/fashion-mnist; install it (apt-get install dataset-fashion-mnist)" >&2
  fi

  local started t0 seconds_used
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  t0=$(date +%s)
  "$gensynth" benchmark --config "$config" --out "$out" "${carry[@]}"
  seconds_used=$(( $(date +%s) - t0 ))

  local cpu mem os java section
  cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
  mem="$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
  os="$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s)"
  java="$(java -version 2>&1 | head -1)"
  section="$(mktemp)"
  trap "rm -f '$section'" EXIT
  {
    echo "<!-- $BENCH_KEY-benchmark:start -->"
    echo "## $BENCH_TITLE"
    echo
    echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, ${mem:-? GB}, ${os}; ${java}"
    echo "- date: ${started} (this invocation took ${seconds_used} s; an interrupted benchmark resumed from its"
    echo "  directory counts only the last invocation)"
    echo "- command: \`${command}\` (config \`${config#$ROOT/}\`, results in \`${out#$ROOT/}\`: results.md/.csv/.json,"
    echo "  report.html$( [ -f "$out/run/report.html" ] && echo ", run/report.html"))"
    echo "- method: one synthesis at the loosest level hands over a generator per level (from the best parent"
    echo "  meeting it on validation); FermiNet-X is one network of level X's generator, fine-tuned with that level's"
    echo "  budget (the generate recipe's epochs x log2 of its parent's MACs reduction, at least once, plus once per"
    echo "  halving of its share below 0.9 when search.levelRatios reaches further; the prototype teaching, as the"
    echo "  config's distill section says) and then tested; the alternatives learn from the labels alone."
    echo
    cat "$out/results.md"
    echo "<!-- $BENCH_KEY-benchmark:end -->"
  } > "$section"

  if [[ -f "$md" ]] && grep -q "<!-- $BENCH_KEY-benchmark:start -->" "$md"; then
    # replace the previous section, keep everything else
    awk -v f="$section" -v start="<!-- $BENCH_KEY-benchmark:start -->" -v end="<!-- $BENCH_KEY-benchmark:end -->" '
      $0 == start { while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == end { skip = 0; next }
      !skip { print }' "$md" > "$md.tmp" && mv "$md.tmp" "$md"
  else
    if [[ ! -f "$md" ]]; then
      printf '# Benchmarks\n\nMeasured on this project'"'"'s machines with the committed scripts.\n\n' > "$md"
    else
      echo >> "$md"
    fi
    cat "$section" >> "$md"
  fi
  echo "wrote $md and $out/report.html"
  if (( smoke )); then
    local e
    for e in "${BENCH_EXPECT[@]}"; do
      bench_expect "$out/results.md" "$e" "a row of the table"
    done
    bench_expect "$out/report.html" '<html' "HTML report"
    bench_expect "$md" "^<!-- $BENCH_KEY-benchmark:end -->\$" "BENCHMARKS.md section"
    echo "smoke run ok: $out/results.md, $md" >&2
  fi
}
