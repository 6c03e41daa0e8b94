# Shared by the scripts under bench/ (sourced, not run): their errors, their smoke modes, the jar.
# A script sets SCRIPT (its name, for messages) and ROOT (the repository) before sourcing this.

# bench_die MESSAGE: the script's own error, one line on stderr (what is wrong — what would fix it), exit 2.
bench_die() {
  echo "$SCRIPT: $*" >&2
  exit 2
}

# bench_need_value OPTION ARGC: dies unless OPTION was given a value.
bench_need_value() {
  (( $2 >= 2 )) || bench_die "$1 needs a value — see $SCRIPT --help"
}

# bench_jar: builds target/gensynth.jar (and target/lib/) when missing or older than the sources.
bench_jar() {
  "$ROOT/bin/gensynth" --version >/dev/null
}

# bench_kernels THREADS: exports the kernel setting bin/gensynth would run with (the widest that passes
# the engine self-check at THREADS threads, or the one forced by GENSYNTH_KERNELS), for scripts that
# start java on a bench main themselves.
bench_kernels() {
  local choice setting how
  if ! choice="$(env -u GENSYNTH_KERNELS_CHOSEN java -Xmx1g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$1" \
      -Dai.djl.pytorch.num_interop_threads=1 -cp "$ROOT/target/gensynth.jar" dev.gensynth.engine.Kernels choose)"; then
    bench_die "no kernel setting passes the engine self-check on this CPU (the line above says why) — run bin/gensynth doctor"
  fi
  read -r setting how <<< "$choice"
  export DNNL_MAX_CPU_ISA="$setting" ONEDNN_MAX_CPU_ISA="$setting" GENSYNTH_KERNELS_CHOSEN="$how"
  # and the allocator bin/gensynth runs with
  . "$ROOT/bin/allocator.sh"
  gensynth_allocator || bench_die "jemalloc was asked for (GENSYNTH_ALLOCATOR=jemalloc) but is not installed — run bin/setup"
}

# bench_smoke_data: the Fashion-MNIST subset the smoke configs read (target/bench-smoke-data: the first
# 3000 training and 500 test images), made once.
BENCH_SMOKE_DATA="$ROOT/target/bench-smoke-data"
bench_smoke_data() {
  [[ -f "$BENCH_SMOKE_DATA/t10k-labels-idx1-ubyte" ]] && return 0
  local tmp="$BENCH_SMOKE_DATA.tmp.$$"
  rm -rf "$tmp"
  java -Dai.djl.offline=true -cp "$ROOT/target/gensynth.jar:$ROOT/target/lib/*" dev.gensynth.bench.KillDrill subset \
    --from /usr/share/datasets/fashion-mnist --train 3000 --test 500 --out "$tmp" || exit
  rm -rf "$BENCH_SMOKE_DATA"
  mv "$tmp" "$BENCH_SMOKE_DATA"
}

# bench_out_dir DIR: DIR (created), or a new temporary directory when DIR is empty; prints it.
bench_out_dir() {
  if [[ -n "$1" ]]; then
    mkdir -p "$1" || bench_die "cannot create the output directory $1 — give --out a writable path"
    (cd "$1" && pwd)
  else
    mktemp -d "${TMPDIR:-/tmp}/gensynth-${SCRIPT%.sh}.XXXXXX"
  fi
}

# bench_results_dir SMOKE OUT: where a script writes: OUT (created) or, in a smoke run without one, a new
# temporary directory; else the committed bench/results. Prints it.
bench_results_dir() {
  if (( $1 )) || [[ -n "$2" ]]; then
    bench_out_dir "$2"
  else
    echo "$ROOT/bench/results"
  fi
}

# bench_expect FILE REGEX WHAT: dies unless FILE exists and has a line matching REGEX (grep -E), so that a
# smoke run fails when the writer of its results breaks.
bench_expect() {
  [[ -s "$1" ]] || bench_die "the smoke run wrote no $3 ($1 is missing or empty) — the writer of the results is broken"
  grep -Eq -- "$2" "$1" || bench_die "$1 has no line matching '$2' ($3) — the writer of the results is broken"
}

# bench_last_error LOG: the line of LOG that says what went wrong: the last 'error:'/'Tool:' line or, for a
# Java stack trace, the exception line above it; else its last line.
bench_last_error() {
  local line
  line="$(tr '\r' '\n' < "$1" | grep -E '^(error: |[A-Za-z]+: |Exception in thread|[a-z.]+\.[A-Z][A-Za-z]*(Exception|Error))' | tail -1)"
  [[ -n "$line" ]] || line="$(tail -n 1 "$1")"
  echo "$line"
}

# bench_java THREADS CLASS ARGS...: runs the bench main CLASS of target/gensynth.jar with the engine's flags at
# THREADS threads (after bench_kernels), libtorch's start-up warnings left out of its stderr.
bench_java() {
  local threads="$1" class="$2"
  shift 2
  java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
    -Djava.awt.headless=true -cp "$ROOT/target/gensynth.jar" "$class" "$@" \
    2> >(grep -v -e NNPACK -e AutoNonVariableTypeMode >&2)
}

# bench_smoke_run CONFIG RUN THREADS: the tiny synthesis a tool's smoke mode measures (bin/gensynth synthesize on
# the smoke configs' data, made first when missing; its log beside RUN as synthesize.log).
bench_smoke_run() {
  local log
  bench_smoke_data
  log="$(dirname "$2")/synthesize.log"
  GENSYNTH_THREADS="$3" "$ROOT/bin/gensynth" synthesize --config "$1" --out "$2" > "$log" 2>&1 \
    || bench_die "the smoke synthesis failed: $(bench_last_error "$log")"
}
