#!/usr/bin/env bash
# Training throughput, evaluation throughput and batch-1 latency of gensynth (DJL + libtorch) against
# PyTorch in Python on the SAME networks (the torch model is built from gensynth's spec and must give
# gensynth's logits on gensynth's initial weights), recipe, batch size and threads, all in one run.
#
#   bench/train_throughput.sh [--networks "resnet plain mobilenet_v2 generated"] [--rounds 5] [--threads N]
#                             [--batch-size 128] [--warmup 30] [--batches 30] [--jit-warmup 20] [--eval-warmup 3]
#                             [--eval-batches 20] [--latency-warmup 30] [--latency-runs 200]
#                             [--wait-idle 60] [--out DIR] [--smoke]
#
# Networks: zoo architectures, `generated` (a G(s) over the resnet prototype, widths a multiple of 8 as the
# generator makes them) or `generated_odd` (the same with any widths, as before widthMultiple). Each round runs
# every network on both sides, in a fresh process each, alternating which side goes first. A run trains
# (--warmup + --batches updates of --batch-size, timed after the warm-up), then evaluates the trained network
# at batch 256 in inference mode (median of --eval-batches after --eval-warmup), and on the gensynth side
# times batch-1 inference in DJL and in ONNX Runtime (dev.gensynth.bench.TrainThroughput; the Python side is
# bench/torch_train.py). Reported: per side the median over rounds and the min-max, the gensynth / PyTorch
# ratio per round (median and min-max), GFLOP/s of training and its share of the machine's peak (measured:
# the engine's best on one large convolution, before and after the rounds; the nominal clock is stated too), peak
# resident memory. gensynth trains with the default recipe's 2 shards per batch (each its own batch-norm
# statistics, side by side at 1 thread each); the Python side the plain way, one pass over the batch. Before
# each run it waits up to --wait-idle seconds for other work to leave the CPUs and records how many cores other
# work used during the run. Threads: GENSYNTH_THREADS or --threads (default: all
# cores), on both sides; kernels: the setting bin/gensynth would choose, on both sides. Writes
# bench/results/train_throughput.json and .md, and the per-run JSON, logs and specs under bench/results/raw/
# (--out DIR: under DIR instead). --jit-warmup S: the gensynth process first runs the same training untimed, on
# fresh copies, until S seconds have passed (default 20: the JIT compiler takes a share of the cores for ~10 s; 0
# disables).
# --smoke: resnet and generated, 1 round of 3 batches after 2 warm-up, 2 evaluation batches, 5 batch-1 runs,
# 1 thread, on a 3000-image subset, into --out (default: a new temporary directory, never bench/results/),
# and checks the tables were written (to check the script still runs after a change; the numbers mean
# nothing).
#
# Installs python3-torch and libopenblas0-pthread with apt when missing (needs root or sudo), besides what
# bin/setup installs, and builds target/gensynth.jar when it is missing or older than the sources.
set -euo pipefail
SCRIPT=train_throughput.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

COMMAND="bench/$SCRIPT${*:+ $*}"
NETWORKS="resnet plain mobilenet_v2 generated" NETWORKS_GIVEN=0
ROUNDS=5 THREADS="${GENSYNTH_THREADS:-}" BATCH=128 WARMUP=30 BATCHES=30 JIT_WARMUP=20
EVAL_BATCH=256 EVAL_WARMUP=3 EVAL_BATCHES=20 LAT_WARMUP=30 LAT_RUNS=200
WAIT_IDLE=60 OUT="" SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --networks) bench_need_value "$1" $#; NETWORKS="$2"; NETWORKS_GIVEN=1; shift 2 ;;
    --rounds) bench_need_value "$1" $#; ROUNDS="$2"; shift 2 ;;
    --threads) bench_need_value "$1" $#; THREADS="$2"; shift 2 ;;
    --batch-size) bench_need_value "$1" $#; BATCH="$2"; shift 2 ;;
    --warmup) bench_need_value "$1" $#; WARMUP="$2"; shift 2 ;;
    --batches) bench_need_value "$1" $#; BATCHES="$2"; shift 2 ;;
    --jit-warmup) bench_need_value "$1" $#; JIT_WARMUP="$2"; shift 2 ;;
    --eval-warmup) bench_need_value "$1" $#; EVAL_WARMUP="$2"; shift 2 ;;
    --eval-batches) bench_need_value "$1" $#; EVAL_BATCHES="$2"; shift 2 ;;
    --latency-warmup) bench_need_value "$1" $#; LAT_WARMUP="$2"; shift 2 ;;
    --latency-runs) bench_need_value "$1" $#; LAT_RUNS="$2"; shift 2 ;;
    --wait-idle) bench_need_value "$1" $#; WAIT_IDLE="$2"; shift 2 ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
if (( SMOKE )); then
  (( NETWORKS_GIVEN )) || NETWORKS="resnet generated"
  ROUNDS=1 WARMUP=2 BATCHES=3 JIT_WARMUP=0 EVAL_WARMUP=1 EVAL_BATCHES=2 LAT_WARMUP=2 LAT_RUNS=5 WAIT_IDLE=0
  THREADS="${THREADS:-1}"
fi
THREADS="${THREADS:-$(nproc)}"
whole() { # OPTION VALUE MIN(0|1)
  local re='^[0-9]+$'
  (( $3 )) && re='^[1-9][0-9]*$'
  [[ "$2" =~ $re ]] || bench_die "$1 needs a whole number >= $3, got '$2' — see $SCRIPT --help"
}
whole --rounds "$ROUNDS" 1; whole --threads "$THREADS" 1; whole --batch-size "$BATCH" 1; whole --batches "$BATCHES" 1
whole --jit-warmup "$JIT_WARMUP" 0; whole --eval-batches "$EVAL_BATCHES" 1; whole --latency-runs "$LAT_RUNS" 1; whole --warmup "$WARMUP" 0
whole --eval-warmup "$EVAL_WARMUP" 0; whole --latency-warmup "$LAT_WARMUP" 0; whole --wait-idle "$WAIT_IDLE" 0
read -r -a NETS <<< "$NETWORKS"
(( ${#NETS[@]} )) || bench_die "--networks needs at least one network name — see $SCRIPT --help"
if (( SMOKE )) || [[ -n "$OUT" ]]; then
  OUT="$(bench_out_dir "$OUT")" # absolute, before the cd
fi
cd "$ROOT"
OUT="${OUT:-$ROOT/bench/results}"

# --- prerequisites ----------------------------------------------------------------------------
bin/setup python3 || bench_die "bin/setup failed (its message is above) — install a JDK 17, Maven, python3 and" \
  "dataset-fashion-mnist"
bench_jar
JAR="$ROOT/target/gensynth.jar"
CP="$JAR:$ROOT/target/lib/*"
# the names first: a wrong one is one line before anything long runs
if ! NET_INFO="$(java -Xmx1g -Dai.djl.offline=true -cp "$CP" dev.gensynth.bench.TrainThroughput \
    --check-networks "${NETS[@]}" 2>&1)"; then
  NET_INFO="$(tail -n 1 <<< "$NET_INFO")"
  bench_die "--networks: ${NET_INFO#TrainThroughput: }"
fi
PKGS=(python3-torch libopenblas0-pthread)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]} ..." >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || bench_die "need root (or sudo) to apt-get install ${missing[*]} — install them yourself"
    SUDO="sudo"
  fi
  { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}"; } >&2 \
    || bench_die "apt-get could not install ${missing[*]} (its output is above) — install them yourself"
fi
# Debian's torch lives in the system interpreter; a python3 earlier on PATH (pyenv, venv) may lack it.
PY="${PYTHON:-/usr/bin/python3}"
"$PY" -c "import torch, numpy" 2>/dev/null \
  || bench_die "$PY cannot import torch and numpy — install python3-torch, or set PYTHON to an interpreter that has them"
DATA=/usr/share/datasets/fashion-mnist
if (( SMOKE )); then
  bench_smoke_data
  DATA="$BENCH_SMOKE_DATA"
fi
bench_kernels "$THREADS"
export OMP_NUM_THREADS="$THREADS"

RAW="$OUT/raw"
mkdir -p "$RAW" || bench_die "cannot create $RAW — give --out a writable directory"
CHECK="$(mktemp -d)"
trap 'rm -rf "$CHECK"' EXIT

# Cores busy with other work, sampled from /proc/stat over 2 s while nothing of ours runs:
# "busy steal", where steal is time the hypervisor gave this VM's CPUs to someone else.
busy_cores() {
  local a b
  sleep 1
  read -r -a a < /proc/stat; sleep 2; read -r -a b < /proc/stat
  awk -v a="${a[*]}" -v b="${b[*]}" -v n="$(nproc)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); total = 0
    for (i = 2; i <= 9; i++) { d[i] = y[i] - x[i]; total += d[i] }
    idle = d[5] + d[6]; steal = d[9]
    if (total > 0) printf "%.2f\t%.2f\n", (1 - (idle + steal) / total) * n, steal / total * n
    else printf "0.00\t0.00\n" }'
}

LOADS="$RAW/loads.tsv"
: > "$LOADS"
# busy and total CPU ticks of the whole VM, and CPU ticks of this script's finished children
vm_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
child_ticks() { awk '{print $16+$17}' /proc/$$/stat; }
measured() {  # network side round command...: runs the command (output in its log), logs other work's cores
  local net=$1 side=$2 r=$3; shift 3
  local log="$RAW/${net}_${side}_r$r.log" waited=0 before rc=0
  before=$(busy_cores)
  while (( waited < WAIT_IDLE )) && awk -v b="$before" 'BEGIN{split(b,x,"\t"); exit !(x[1]+x[2] > 0.3)}'; do
    echo "waiting for other work to leave the CPUs (busy+steal: $before cores)..." >&2
    sleep 7; waited=$((waited + 10)); before=$(busy_cores)
  done
  local v0 c0 v1 c1
  v0=($(vm_ticks)); c0=$(child_ticks)
  "$@" > "$log" 2>&1 || rc=$?
  if (( rc )); then
    # exit 2: the tool's own error, its last line; anything else: the line that says what went wrong
    local why
    if (( rc == 2 )); then why="$(tail -n 1 "$log")"; else why="$(bench_last_error "$log")"; fi
    bench_die "the $side run of $net (round $r) failed with exit $rc: $why (log: $log)"
  fi
  v1=($(vm_ticks)); c1=$(child_ticks)
  local during
  during=$(awk -v b="$(( v1[0] - v0[0] ))" -v t="$(( v1[1] - v0[1] ))" -v c="$(( c1 - c0 ))" -v n="$(nproc)" \
    'BEGIN{o = t > 0 ? (b - c) / t * n : 0; if (o < 0) o = 0; printf "%.2f", o}')
  echo "$net	$side	$r	$before	$(cut -d' ' -f1-3 /proc/loadavg)	$during	$waited" >> "$LOADS"
  echo "round $r/$ROUNDS: $(grep -E "^$side " "$log" | tail -n 1) (other work: $during cores)" >&2
}
run_gensynth() {  # network round
  local net=$1 r=$2
  measured "$net" gensynth "$r" java -Xmx"${GENSYNTH_HEAP:-4g}" -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -Djava.awt.headless=true \
    -cp "$CP" dev.gensynth.bench.TrainThroughput --network "$net" --data "$DATA" --batch-size "$BATCH" \
    --warmup-batches "$WARMUP" --batches "$BATCHES" --jit-warmup-seconds "$JIT_WARMUP" \
    --eval-batch-size "$EVAL_BATCH" --eval-warmup "$EVAL_WARMUP" \
    --eval-batches "$EVAL_BATCHES" --latency-warmup "$LAT_WARMUP" --latency-runs "$LAT_RUNS" \
    --check-dir "$CHECK/$net" --out "$RAW/${net}_gensynth_r$r.json"
}
run_pytorch() {  # network round
  local net=$1 r=$2 params
  params="$(grep -m1 -E "^$net " <<< "$NET_INFO" | cut -d' ' -f2)"
  # the Python side with the allocator a Python user gets (glibc), gensynth with the one bin/gensynth sets
  measured "$net" pytorch "$r" env -u LD_PRELOAD -u MALLOC_CONF "$PY" "$ROOT/bench/torch_train.py" --spec "$RAW/$net.spec.json" \
    --threads "$THREADS" --data "$DATA" --batch-size "$BATCH" --warmup-batches "$WARMUP" --batches "$BATCHES" \
    --eval-batch-size "$EVAL_BATCH" --eval-warmup "$EVAL_WARMUP" --eval-batches "$EVAL_BATCHES" \
    --expect-params "$params" --check-dir "$CHECK/$net" --out "$RAW/${net}_pytorch_r$r.json"
}

peak() {
  java -Xmx1g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -cp "$CP" \
    dev.gensynth.bench.TrainThroughput --peak --threads "$THREADS" 2>/dev/null | tail -n 1
}
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$SCRIPT: ${NETS[*]}, $ROUNDS round(s), $THREADS thread(s), kernels $DNNL_MAX_CPU_ISA, results in $OUT" >&2
PEAK_BEFORE="$(peak)" || bench_die "the peak measurement failed — run: java -cp $JAR dev.gensynth.bench.TrainThroughput --peak"
for ((r = 1; r <= ROUNDS; r++)); do
  for net in "${NETS[@]}"; do
    # gensynth first in odd rounds; round 1 writes the spec and the check files the Python side reads
    if (( r % 2 == 1 )); then
      run_gensynth "$net" "$r"; run_pytorch "$net" "$r"
    else
      run_pytorch "$net" "$r"; run_gensynth "$net" "$r"
    fi
  done
done

PEAK_AFTER="$(peak)" || bench_die "the peak measurement failed — run: java -cp $JAR dev.gensynth.bench.TrainThroughput --peak"

# --- summary ----------------------------------------------------------------------------------
export TT_PEAK_BEFORE="$PEAK_BEFORE" TT_PEAK_AFTER="$PEAK_AFTER" TT_OUT="$OUT" TT_RAW="$RAW" TT_NETWORKS="${NETS[*]}" TT_ROUNDS="$ROUNDS" TT_THREADS="$THREADS" \
  TT_BATCH="$BATCH" TT_WARMUP="$WARMUP" TT_JIT_WARMUP="$JIT_WARMUP" TT_BATCHES="$BATCHES" TT_EVAL_BATCH="$EVAL_BATCH" \
  TT_EVAL_WARMUP="$EVAL_WARMUP" TT_EVAL_BATCHES="$EVAL_BATCHES" TT_LAT_WARMUP="$LAT_WARMUP" TT_LAT_RUNS="$LAT_RUNS" \
  TT_START="$START" TT_COMMAND="$COMMAND" TT_SMOKE="$SMOKE" TT_DATA="$DATA" \
  TT_JAVA="$(java -version 2>&1 | head -n 1)" \
  TT_TORCH_DEB="$(dpkg-query -W -f='${Version}' python3-torch 2>/dev/null || echo unknown)"
"$PY" - <<'EOF' || bench_die "the summary failed (its error is above) — the per-run JSON is in $RAW"
import json, os, platform, re, socket, statistics, subprocess, time

E = os.environ
out, raw = E["TT_OUT"], E["TT_RAW"]
networks = E["TT_NETWORKS"].split()
rounds, threads = int(E["TT_ROUNDS"]), int(E["TT_THREADS"])
batch, warmup, batches = int(E["TT_BATCH"]), int(E["TT_WARMUP"]), int(E["TT_BATCHES"])
eval_batch, eval_warmup, eval_batches = int(E["TT_EVAL_BATCH"]), int(E["TT_EVAL_WARMUP"]), int(E["TT_EVAL_BATCHES"])
lat_warmup, lat_runs = int(E["TT_LAT_WARMUP"]), int(E["TT_LAT_RUNS"])
setting = E.get("DNNL_MAX_CPU_ISA", "ALL").upper()
setting_how = E.get("GENSYNTH_KERNELS_CHOSEN", "?")
nproc = os.cpu_count()
def gensynth_shards():
    for f in sorted(os.listdir(raw)):
        if f.endswith(".json") and "_gensynth_r" in f:
            return json.load(open(os.path.join(raw, f))).get("shards", 1)
    return 1
shards = gensynth_shards()

# --- the machine and its peak ---
cpuinfo = open("/proc/cpuinfo").read()
def cpuinfo_field(key):
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(key), cpuinfo, re.M)
    return m.group(1).strip() if m else None
cpu_model = cpuinfo_field("model name") or platform.machine()
flags = set((cpuinfo_field("flags") or "").split())
try:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, env=dict(E, LC_ALL="C")).stdout
except OSError:
    lscpu = ""
m = re.search(r"^CPU max MHz:\s*([0-9.]+)", lscpu, re.M)
if m and float(m.group(1)) > 0:
    mhz, mhz_source = float(m.group(1)), "lscpu's `CPU max MHz`"
else:
    mhz = float(cpuinfo_field("cpu MHz") or "nan")
    mhz_source = "`cpu MHz` in /proc/cpuinfo; lscpu reports no max MHz on this machine"
# FLOP per cycle per core of the widest vector ISA the kernel setting allows (fp32, 2 vector units, 2 FLOP per
# lane per cycle: a fused multiply-add, or a multiply and an add on separate units without FMA)
ISAS = [("AVX-512", 16, "avx512f"), ("AVX2", 8, "avx2"), ("AVX", 8, "avx"), ("SSE4.1", 4, "sse4_1")]
def limit_rank(s):
    if s.startswith("AVX512") or s.startswith("AVX10") or s.startswith("AMX") or s == "ALL":
        return 0
    if s.startswith("AVX2"):
        return 1
    if s.startswith("AVX"):
        return 2
    return 3
rank = limit_rank(setting)
isa, lanes = "SSE4.1", 4
for i, (name, l, flag) in enumerate(ISAS):
    if i >= rank and flag in flags:
        isa, lanes = name, l
        break
flop_per_cycle = 2 * lanes * 2
nominal_gflops = nproc * mhz / 1e3 * flop_per_cycle
measured_peaks = [float(E[k]) for k in ("TT_PEAK_BEFORE", "TT_PEAK_AFTER") if E.get(k, "").strip()]
measured_gflops = max(measured_peaks) if measured_peaks else float("nan")
# the share is taken of the larger: a measured convolution beyond the nominal figure shows the cores run
# faster than the clock /proc/cpuinfo states (boost), so the nominal one would overstate every share
peak_gflops = max(nominal_gflops, measured_gflops) if measured_peaks else nominal_gflops
peak_text = ("measured: %.1f GFLOP/s, the best of the engine's 3x3 convolution (96 to 96 channels, 14x14, batch 128, "
             "channels-last, %d threads; before the rounds %s, after %s); nominal: " % (
                 measured_gflops, threads, E.get("TT_PEAK_BEFORE", "?"), E.get("TT_PEAK_AFTER", "?"))
             + "%d cores (nproc) × %.3f GHz (%s) × %d FLOP per cycle per core = %.1f GFLOP/s. The FLOP per cycle "
             "are those of %s, the widest vector ISA the kernel setting %s allows on this CPU (%s): 2 vector units × %d "
             "fp32 lanes × 2 FLOP per lane and cycle (a fused multiply-add; without FMA, as in SSE4.1 and AVX code, a "
             "multiply and an add): AVX-512 with 2 FMA units 2 × 16 × 2 = 64, AVX2 2 × 8 × 2 = 32, SSE4.1 2 × 4 × 2 = 16. "
             "Shares are of the larger of the two (%.1f GFLOP/s)."
             % (nproc, mhz / 1e3, mhz_source, flop_per_cycle, nominal_gflops, isa, setting,
                "ALL: no limit, so the widest the CPU's flags offer" if setting == "ALL"
                else "DNNL_MAX_CPU_ISA=%s, capped by the CPU's flags" % setting, lanes, peak_gflops))

# --- the runs ---
load = {}
for l in open(os.path.join(raw, "loads.tsv")):
    f = l.rstrip("\n").split("\t")
    if len(f) >= 8:
        load[(f[0], f[1], int(f[2]))] = {"other_cores_before": round(float(f[3]) + float(f[4]), 2),
                                         "steal_cores_before": float(f[4]), "loadavg_before": f[5],
                                         "other_cores_during": float(f[6]), "waited_s": int(f[7])}
def rel(p):
    return os.path.relpath(p, out)
def med(v):
    return statistics.median(v)
def summary(v, digits):
    return {"median": round(med(v), digits), "min": round(min(v), digits), "max": round(max(v), digits),
            "per_round": [round(x, digits) for x in v]}

rows = []
for net in networks:
    g = [json.load(open(os.path.join(raw, "%s_gensynth_r%d.json" % (net, r)))) for r in range(1, rounds + 1)]
    p = [json.load(open(os.path.join(raw, "%s_pytorch_r%d.json" % (net, r)))) for r in range(1, rounds + 1)]
    gi, pi = [x["images_per_second"] for x in g], [x["images_per_second"] for x in p]
    ge, pe = [x["eval"]["images_per_second"] for x in g], [x["eval"]["images_per_second"] for x in p]
    dl, ol = [x["latency"]["djl_median_ms"] for x in g], [x["latency"]["onnxruntime_median_ms"] for x in g]
    macs = g[0]["macs"]
    gflops = lambda ips: ips * 6 * macs / 1e9
    runs = []
    for r in range(rounds):
        for side, x in (("gensynth", g[r]), ("pytorch", p[r])):
            runs.append(dict({"round": r + 1, "side": side, "file": rel(os.path.join(raw, "%s_%s_r%d.json" % (net, side, r + 1))),
                              "train_images_per_second": round(x["images_per_second"], 1),
                              "train_median_batch_ms": round(x["median_batch_ms"], 1),
                              "eval_images_per_second": round(x["eval"]["images_per_second"], 1),
                              "peak_rss_mb": round(x["peak_rss_mb"], 1)}, **load.get((net, side, r + 1), {})))
    rows.append({
        "network": net, "spec": rel(os.path.join(raw, net + ".spec.json")),
        "params": g[0]["params"], "pytorch_params": p[0]["params"], "macs": macs,
        "max_abs_logit_diff": max(x["max_abs_logit_diff_vs_gensynth"] or 0 for x in p),
        "train": {"gensynth_images_per_second": summary(gi, 1), "pytorch_images_per_second": summary(pi, 1),
                  "ratio_gensynth_over_pytorch": summary([a / b for a, b in zip(gi, pi)], 3),
                  "gensynth_gflops": round(gflops(med(gi)), 2), "pytorch_gflops": round(gflops(med(pi)), 2),
                  "gensynth_percent_of_peak": round(gflops(med(gi)) / peak_gflops * 100, 2),
                  "pytorch_percent_of_peak": round(gflops(med(pi)) / peak_gflops * 100, 2)},
        "eval": {"gensynth_images_per_second": summary(ge, 1), "pytorch_images_per_second": summary(pe, 1),
                 "ratio_gensynth_over_pytorch": summary([a / b for a, b in zip(ge, pe)], 3)},
        "batch1_latency": {"djl_ms": summary(dl, 3), "onnxruntime_ms": summary(ol, 3),
                           "ratio_djl_over_onnxruntime": summary([a / b for a, b in zip(dl, ol)], 2)},
        "peak_rss_mb": {"gensynth": round(max(x["peak_rss_mb"] for x in g), 1),
                        "gensynth_before_onnxruntime": round(max(x["peak_rss_mb_before_onnxruntime"] for x in g), 1),
                        "pytorch": round(max(x["peak_rss_mb"] for x in p), 1)},
        "runs": runs,
    })

g0 = json.load(open(os.path.join(raw, "%s_gensynth_r1.json" % networks[0])))
p0 = json.load(open(os.path.join(raw, "%s_pytorch_r1.json" % networks[0])))
prov = g0.get("provenance", {})
others = [v["other_cores_during"] for v in load.values()]
def os_name():
    try:
        return re.search(r'^PRETTY_NAME="?([^"\n]*)', open("/etc/os-release").read(), re.M).group(1)
    except (OSError, AttributeError):
        return platform.system()
mem = re.search(r"^MemTotal:\s*(\d+)", open("/proc/meminfo").read(), re.M)
provenance = {
    "command": E["TT_COMMAND"], "started": E["TT_START"],
    "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": {"hostname": socket.gethostname(), "cpu_model": cpu_model, "nproc": nproc,
                "cpu_family": cpuinfo_field("cpu family"), "cpu_model_number": cpuinfo_field("model"),
                "clock_mhz": mhz, "clock_source": mhz_source,
                "vector_flags": " ".join(sorted(f for f in flags if f.startswith(("avx", "sse4")) or f == "fma")),
                "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
                "os": os_name(), "linux": platform.release()},
    "kernels": {"DNNL_MAX_CPU_ISA": setting, "how": "forced" if setting_how == "forced" else
                "chosen by the engine self-check: the widest setting that passes", "both_sides": True,
                "gensynth": prov.get("kernels")},
    "gensynth": {"provenance": prov, "java": E["TT_JAVA"], "engine": g0.get("engine")},
    "pytorch": {"engine": p0.get("engine"), "torch": p0.get("torch_version"), "python": p0.get("python_version"),
                "numpy": p0.get("numpy_version"), "debian_python3_torch": E["TT_TORCH_DEB"],
                "mkldnn": p0.get("mkldnn_enabled"), "parallel": p0.get("torch_parallel")},
    "max_other_cores_during_runs": max(others) if others else None,
}
settings = {"dataset": "Fashion-MNIST train split, standardised" + (" (smoke: 3000-image subset %s)" % E["TT_DATA"]
                                                                    if E["TT_SMOKE"] == "1" else ""),
            "optimizer": "SGD nesterov momentum 0.9, lr 0.05 cosine, weight decay 5e-4 on conv/linear weights",
            "loss": "softmax cross-entropy", "augmentation": "none", "batch_size": batch,
            "warmup_batches": warmup, "measured_batches": batches, "rounds": rounds, "threads": threads,
            "interop_threads": 1, "eval_batch_size": eval_batch, "eval_warmup_batches": eval_warmup,
            "eval_batches": eval_batches, "latency_warmup": lat_warmup, "latency_runs": lat_runs,
            "train_images_per_second": "measured images / measured seconds of one run (warm-up excluded); "
                                       "median and min-max over rounds",
            "ratio": "gensynth / PyTorch per round (> 1: gensynth faster); median and min-max over rounds",
            "eval_images_per_second": "batch size / median batch time of one run; median and min-max over rounds",
            "batch1_latency": "median of one run's batch-1 passes; median and min-max over rounds",
            "gflops": "training img/s (median) x 6 x forward MACs / 1e9: forward + backward = 3 x forward MACs, "
                      "2 FLOP per MAC",
            "peak": peak_text, "peak_gflops": round(peak_gflops, 1),
            "peak_gflops_measured": round(measured_gflops, 1), "peak_gflops_nominal": round(nominal_gflops, 1),
            "peak_rss_mb": "max over rounds of each process's peak resident set (gensynth: VmHWM at the end, and "
                           "after training + evaluation, before ONNX Runtime loads; PyTorch: ru_maxrss at the end)"}
res = {"benchmark": "train_throughput", "provenance": provenance, "settings": settings, "networks": rows}
with open(os.path.join(out, "train_throughput.json"), "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")

def mm(s, fmt):
    return (fmt + "–" + fmt) % (s["min"], s["max"])
md = ["# Training throughput: gensynth vs PyTorch (Python)", "",
      "`%s`, %s to %s. Same network spec (the torch model is built from gensynth's spec JSON, has its parameter count "
      "and reproduces its logits on the same initial weights), recipe, data, batch size, threads and kernel setting on "
      "both sides; every network on both sides in each of %d round(s), each run a fresh process, alternating which "
      "side goes first. Per side: the median over rounds and the min–max; ratio = gensynth / PyTorch computed per "
      "round (> 1: gensynth faster), its median and min–max."
      % (E["TT_COMMAND"], E["TT_START"], provenance["finished"], rounds), "",
      "## Training", "",
      "img/s over %d measured batches of %d after %d warm-up (SGD Nesterov momentum 0.9, lr 0.05 cosine, weight "
      "decay 5e-4 on conv/linear weights, cross-entropy, no augmentation). The gensynth process first runs the "
      "same training untimed, on fresh copies of the network, until %s s have passed (the JIT compiler's time: a "
      "training of minutes runs warm; Python has no JIT). gensynth splits each batch into %s shards "
      "of %d (the default recipe: each shard its own batch-norm statistics, gradients summed; with 2 threads the "
      "shards run side by side at 1 thread each, with 1 one after the other); PyTorch makes one pass over the batch at %d threads, as a Python user does."
      % (batches, batch, warmup, E["TT_JIT_WARMUP"], shards, batch // max(1, shards), threads), "",
      "| network | params | MACs | gensynth img/s | min–max | PyTorch img/s | min–max | ratio | ratio min–max |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    t = r["train"]
    md.append("| %s | %s | %.2f M | %.1f | %s | %.1f | %s | %.2f | %s |" % (
        r["network"], format(r["params"], ","), r["macs"] / 1e6, t["gensynth_images_per_second"]["median"],
        mm(t["gensynth_images_per_second"], "%.1f"), t["pytorch_images_per_second"]["median"],
        mm(t["pytorch_images_per_second"], "%.1f"), t["ratio_gensynth_over_pytorch"]["median"],
        mm(t["ratio_gensynth_over_pytorch"], "%.2f")))
md += ["", "Same function on both sides: parameter counts equal for every network; largest |logit difference| on "
       "gensynth's initial weights: %s." % ", ".join("%s %.2g" % (r["network"], r["max_abs_logit_diff"]) for r in rows),
       "", "Achieved GFLOP/s of training = img/s (median) × 6 × forward MACs / 1e9 (forward + backward ≈ 3 × the "
       "forward MACs, 2 FLOP per MAC; only the MACs of convolutions and linear layers, as gensynth counts them), and "
       "its share of the machine's peak (%.1f GFLOP/s, see below%s):" % (peak_gflops, "" if threads >= nproc else
       "; with %d of the %d cores in use, at most %.0f %% of it is reachable" % (threads, nproc, 100.0 * threads / nproc)),
       "",
       "| network | gensynth GFLOP/s | gensynth % of peak | PyTorch GFLOP/s | PyTorch % of peak |",
       "|---|---:|---:|---:|---:|"]
for r in rows:
    t = r["train"]
    md.append("| %s | %.2f | %.1f %% | %.2f | %.1f %% |" % (r["network"], t["gensynth_gflops"], t["gensynth_percent_of_peak"],
                                                          t["pytorch_gflops"], t["pytorch_percent_of_peak"]))
md += ["", "Peak resident memory of each side's process (max over rounds; one process trains, evaluates and, on the "
       "gensynth side, then times batch-1 inference in DJL and ONNX Runtime):", "",
       "| network | gensynth MB | gensynth MB before ONNX Runtime | PyTorch MB |", "|---|---:|---:|---:|"]
for r in rows:
    m_ = r["peak_rss_mb"]
    md.append("| %s | %.0f MB | %.0f MB | %.0f MB |" % (r["network"], m_["gensynth"], m_["gensynth_before_onnxruntime"],
                                                     m_["pytorch"]))
md += ["", "## Evaluation", "",
       "Inference on the trained network at batch %d: img/s = batch / median batch time of %d batches after %d "
       "warm-up (gensynth: `Network.forward` in inference mode in a sub-manager per batch, as `metrics.Accuracy`, "
       "timed from making the input tensor to the logits back on the host; PyTorch: `net.eval()`, "
       "`torch.no_grad()`)." % (eval_batch, eval_batches, eval_warmup), "",
       "| network | gensynth img/s | min–max | PyTorch img/s | min–max | ratio | ratio min–max |",
       "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    e = r["eval"]
    md.append("| %s | %.1f | %s | %.1f | %s | %.2f | %s |" % (
        r["network"], e["gensynth_images_per_second"]["median"], mm(e["gensynth_images_per_second"], "%.1f"),
        e["pytorch_images_per_second"]["median"], mm(e["pytorch_images_per_second"], "%.1f"),
        e["ratio_gensynth_over_pytorch"]["median"], mm(e["ratio_gensynth_over_pytorch"], "%.2f")))
md += ["", "## Batch-1 latency: DJL vs ONNX Runtime", "",
       "In the gensynth process after the evaluation, on the trained weights (ONNX Runtime on their ONNX export): "
       "the median of %d batch-1 passes after %d warm-up (`metrics.Latency`, `export.OnnxLatency`, as "
       "`bench/latency.sh`), %d intra-op thread(s) on both; median and min–max over rounds; ratio DJL / ONNX Runtime "
       "per round (> 1: DJL slower)." % (lat_runs, lat_warmup, threads), "",
       "| network | DJL ms | min–max | ORT ms | min–max | DJL / ORT | min–max |", "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    l_ = r["batch1_latency"]
    md.append("| %s | %.3f ms | %s | %.3f ms | %s | %.2f | %s |" % (
        r["network"], l_["djl_ms"]["median"], mm(l_["djl_ms"], "%.3f"), l_["onnxruntime_ms"]["median"],
        mm(l_["onnxruntime_ms"], "%.3f"), l_["ratio_djl_over_onnxruntime"]["median"],
        mm(l_["ratio_djl_over_onnxruntime"], "%.2f")))
md += ["", "## Every run", "", "Cores used by other work during the run (processes outside this benchmark plus "
       "hypervisor steal, from /proc/stat), and seconds waited for the CPUs to go quiet before it.", "",
       "| network | round | side | train img/s | median batch ms | eval img/s | peak RSS MB | other cores | waited s |",
       "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    for k in range(rounds):
        order = ("gensynth", "pytorch") if k % 2 == 0 else ("pytorch", "gensynth")
        for s in order:
            x = next(x for x in r["runs"] if x["round"] == k + 1 and x["side"] == s)
            md.append("| %s | %d | %s | %.1f | %.1f | %.1f | %.0f | %s | %s |" % (
                r["network"], k + 1, s, x["train_images_per_second"], x["train_median_batch_ms"],
                x["eval_images_per_second"], x["peak_rss_mb"],
                "%.2f" % x["other_cores_during"] if "other_cores_during" in x else "?", x.get("waited_s", "?")))
mach = provenance["machine"]
md += ["", "## Settings and provenance", "",
       "- settings: Fashion-MNIST train split%s, standardised; %d intra-op thread(s) and 1 interop thread on both sides "
       "(`OMP_NUM_THREADS=%d`); kernel setting `DNNL_MAX_CPU_ISA=%s` (%s), exported to both sides; memory allocator: "
       "gensynth %s (as `bin/gensynth` runs it, see `bin/allocator.sh`), Python glibc's (what `python3` gives)." % (
           " (3000-image subset: smoke run)" if E["TT_SMOKE"] == "1" else "", threads, threads, setting,
           provenance["kernels"]["how"], "jemalloc" if "jemalloc" in os.environ.get("LD_PRELOAD", "") else "glibc"),
       "- peak: " + peak_text,
       "- machine: %s (%s), %s, family %s model %s, %d cores, %s GB, %s, Linux %s; vector flags: %s." % (
           mach["hostname"], cpu_model, "x86_64" if platform.machine() == "x86_64" else platform.machine(),
           mach["cpu_family"], mach["cpu_model_number"], nproc, mach["memory_gb"], mach["os"], mach["linux"],
           mach["vector_flags"]),
       "- gensynth: %s; %s; kernels %s." % (
           "gensynth %s (commit %s), DJL %s, libtorch %s, ONNX Runtime %s" % (
               prov.get("gensynthVersion"), prov.get("gitCommit"), prov.get("djlVersion"), prov.get("libtorchVersion"),
               prov.get("onnxRuntimeVersion")), E["TT_JAVA"], prov.get("kernels")),
       "- PyTorch: %s, numpy %s, Debian python3-torch %s, oneDNN (mkldnn) %s." % (
           provenance["pytorch"]["engine"], provenance["pytorch"]["numpy"], E["TT_TORCH_DEB"],
           next((l.replace("Intel(R) ", "") for l in provenance["pytorch"]["parallel"] or [] if "DNN" in l), "enabled")
           if provenance["pytorch"]["mkldnn"] else "not available"),
       "- run: `%s`, %s to %s." % (E["TT_COMMAND"], E["TT_START"], provenance["finished"]), "",
       "The two sides run different PyTorch builds: gensynth uses the libtorch that DJL bundles, the Python side "
       "Debian's python3-torch. The ratio therefore measures gensynth's whole stack (DJL + its libtorch + our "
       "trainer) against what `apt-get install python3-torch` gives a Python user.", ""]
if others and max(others) > 0.3:
    md += ["**Note: the machine was not quiet.** Other work used up to %.1f of the %d cores during some runs "
           "(`uptime` load averages before the runs: %s). A competing process slows a run several-fold, so the "
           "min–max spreads are wide; rows of *Every run* with other cores near 0 are the trustworthy ones."
           % (max(others), nproc, ", ".join(sorted({v["loadavg_before"].split()[0] for v in load.values()}))), ""]
else:
    md += ["Other work used at most %.2f cores during any run." % (max(others) if others else 0), ""]
with open(os.path.join(out, "train_throughput.md"), "w") as f:
    f.write("\n".join(md))
print("\n".join(md))
EOF
if (( SMOKE )); then
  MD="$OUT/train_throughput.md"
  for net in "${NETS[@]}"; do
    bench_expect "$MD" "^\\| $net \\| [0-9,]+ \\| [0-9.]+ M \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\|$" \
      "training table row of $net"
    bench_expect "$MD" "^\\| $net \\| [0-9.]+ \\| [0-9.]+ % \\| [0-9.]+ \\| [0-9.]+ % \\|$" "GFLOP/s row of $net"
    bench_expect "$MD" "^\\| $net \\| [0-9]+ MB \\| [0-9]+ MB \\| [0-9]+ MB \\|$" "peak RSS row of $net"
    bench_expect "$MD" "^\\| $net \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\|$" \
      "evaluation row of $net"
    bench_expect "$MD" "^\\| $net \\| [0-9.]+ ms \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ ms \\| [0-9.]+–[0-9.]+ \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\|$" \
      "batch-1 latency row of $net"
  done
  bench_expect "$MD" "^- peak: measured: [0-9.]+ GFLOP/s.* nominal: [0-9]+ cores \\(nproc\\) × [0-9.]+ GHz .* = [0-9.]+ GFLOP/s" \
    "statement of the peak"
  bench_expect "$OUT/train_throughput.json" '"peak_gflops": [0-9.]+' "JSON summary"
  echo "smoke run ok: $MD" >&2
fi
