#!/usr/bin/env bash
# What the safe kernels cost: training throughput of the prototype with the kernel setting the engine
# self-check chose on this machine against the widest one (ALL, no ISA limit), in one run.
#
#   bench/kernel_throughput.sh [--rounds 3] [--batches 40] [--warmup 5] [--arch resnet] [--threads N]
#                              [--out DIR] [--smoke]
#
# Each round trains the network once per setting, in a fresh JVM each (oneDNN reads its ISA limit when
# libtorch loads), alternating which setting goes first; steps are timed by dev.gensynth.bench.KernelTiming
# (forward, loss, backward, SGD step, gradient zeroing), which has no divergence guard. The widest setting
# runs with --unchecked when it fails the self-check: its numbers are wrong, only its time is taken. Writes
# bench/results/kernel_throughput.md and the per-run JSON under bench/results/raw/kernels/ (--out DIR: under
# DIR instead). --threads: libtorch's threads (default: all cores).
# --smoke: one round of 3 batches after 1 warm-up on 1 thread, written under --out (default: a new temporary
# directory, never bench/results/), and checks the table was written (to check the script still runs after
# a change; the numbers mean nothing).
set -euo pipefail
SCRIPT=kernel_throughput.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

ROUNDS=3 BATCHES=40 WARMUP=5 ARCH=resnet OUT="" THREADS="" SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) bench_need_value "$1" $#; ROUNDS="$2"; shift 2 ;;
    --batches) bench_need_value "$1" $#; BATCHES="$2"; shift 2 ;;
    --warmup) bench_need_value "$1" $#; WARMUP="$2"; shift 2 ;;
    --arch) bench_need_value "$1" $#; ARCH="$2"; shift 2 ;;
    --threads) bench_need_value "$1" $#; THREADS="$2"; shift 2 ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
if (( SMOKE )); then
  ROUNDS=1 BATCHES=3 WARMUP=1 THREADS="${THREADS:-1}"
fi
if (( SMOKE )) || [[ -n "$OUT" ]]; then
  OUT="$(bench_out_dir "$OUT")" # absolute, before the cd
fi
cd "$ROOT"
OUT="${OUT:-bench/results}"
THREADS="${THREADS:-$(nproc)}"
for v in ROUNDS BATCHES THREADS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || bench_die "--${v,,} needs a whole number >= 1, got '${!v}' — see $SCRIPT --help"
done
[[ "$WARMUP" =~ ^[0-9]+$ ]] || bench_die "--warmup needs a whole number >= 0, got '$WARMUP' — see $SCRIPT --help"
bin/setup python3
bench_jar
JAR=target/gensynth.jar
FLAGS=(-Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1)
CHOSEN="$(env -u DNNL_MAX_CPU_ISA -u ONEDNN_MAX_CPU_ISA -u GENSYNTH_KERNELS java "${FLAGS[@]}" -cp "$JAR" \
  dev.gensynth.engine.Kernels choose)"
CHOSEN="${CHOSEN%% *}" # the setting; the word after it says whether it was forced
RAW="$OUT/raw/kernels"
mkdir -p "$RAW"
SETTINGS=("$CHOSEN")
[[ "$CHOSEN" != ALL ]] && SETTINGS+=(ALL)

run() { # setting round
  local s="$1" r="$2" extra=()
  [[ "$s" != "$CHOSEN" ]] && extra=(--unchecked)
  echo "round $r: $ARCH with kernels $s ${extra[*]}" >&2
  if ! DNNL_MAX_CPU_ISA="$s" ONEDNN_MAX_CPU_ISA="$s" GENSYNTH_KERNELS_CHOSEN=1 java "${FLAGS[@]}" -cp "$JAR" \
      dev.gensynth.bench.KernelTiming --arch "$ARCH" --batches "$BATCHES" --warmup-batches "$WARMUP" \
      --out "$RAW/$ARCH-$s-$r.json" "${extra[@]}" > "$RAW/$ARCH-$s-$r.log" 2>&1; then
    echo "$SCRIPT: the run with kernels $s failed (round $r): $(bench_last_error "$RAW/$ARCH-$s-$r.log")" \
      "(log: $RAW/$ARCH-$s-$r.log)" >&2
    exit 1
  fi
}
for ((r = 1; r <= ROUNDS; r++)); do
  if (( r % 2 )); then order=("${SETTINGS[@]}"); else order=(); for ((i=${#SETTINGS[@]}-1; i>=0; i--)); do order+=("${SETTINGS[$i]}"); done; fi
  for s in "${order[@]}"; do run "$s" "$r"; done
done

python3 - "$RAW" "$ARCH" "$OUT/kernel_throughput.md" "$CHOSEN" "$ROUNDS" "${SETTINGS[@]}" <<'PY'
import json, statistics, sys, glob, os, subprocess, datetime
raw, arch, out, chosen, rounds, settings = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:]
runs = {s: [json.load(open(f"{raw}/{arch}-{s}-{r}.json")) for r in range(1, rounds + 1)] for s in settings}
ips = {s: [x["images_per_second"] for x in runs[s]] for s in settings}
p = runs[chosen][0]["provenance"]
lines = ["# Training throughput: the chosen kernel setting against the widest", "",
         f"`bench/kernel_throughput.sh --rounds {rounds} --batches {runs[chosen][0]['batches']} --warmup {runs[chosen][0]['warmup_batches']} --arch {arch}`, "
         f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
         f"gensynth {p.get('gensynthVersion')} (commit {p.get('gitCommit')}), DJL {p.get('djlVersion')}, libtorch {p.get('libtorchVersion')}, "
         f"ONNX Runtime {p.get('onnxRuntimeVersion')}, Java {p.get('jvm')}; {p.get('cpu')}, {p.get('cores')} cores, {p.get('threads')} threads.", "",
         f"Network `{arch}` ({runs[chosen][0]['params']:,} params, {runs[chosen][0]['macs']/1e6:.1f} M MACs), batch {runs[chosen][0]['batch_size']}, "
         "DJL's SGD with momentum (the same loop for both settings, not our Trainer); each run a fresh JVM, rounds alternate which setting goes first. Throughput counts measured batches only.", "",
         "| kernels | self-check | img/s per round | median img/s | spread (max-min)/median |", "|---|---|---|---:|---:|"]
for s in settings:
    v = ips[s]; m = statistics.median(v)
    lines.append(f"| {s} | {'passes (chosen)' if s == chosen else 'fails (timed only, numbers wrong)'} | "
                 f"{', '.join(f'{x:.0f}' for x in v)} | {m:.0f} | {(max(v) - min(v)) / m * 100:.0f} % |")
if len(settings) > 1:
    ratios = [a / b for a, b in zip(ips[chosen], ips[settings[1]])]
    lines += ["", f"Ratio {chosen} / {settings[1]} per round: {', '.join(f'{x:.2f}' for x in ratios)}; "
              f"median **{statistics.median(ratios):.2f}** ({'faster' if statistics.median(ratios) > 1 else 'slower'} with the safe kernels)."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
if (( SMOKE )); then
  bench_expect "$OUT/kernel_throughput.md" "^\\| $CHOSEN \\| passes \\(chosen\\) \\| [0-9]+ \\| [0-9]+ \\|" "throughput table"
  echo "smoke run ok: $OUT/kernel_throughput.md" >&2
fi
