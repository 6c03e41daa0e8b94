#!/usr/bin/env bash
# Training throughput: gensynth's trainer (DJL + PyTorch native) vs PyTorch in Python on the SAME
# network spec, recipe, batch size and thread count, measured back to back in one run.
#
#   bench/train_throughput.sh [--threads N] [--batches 30] [--warmup 5] [--batch-size 128]
#                             [--rounds 3] [--wait-idle 60] [--all] [--networks "resnet plain"]
#
# Networks default to resnet and plain; --all adds mobilenet_v1. Each round runs both sides once
# per network, alternating which side goes first, so drift of a concurrent load hits both alike.
# Before each run it waits up to --wait-idle seconds for other work to leave the CPUs, and it
# records how many cores other work used during every run. The table reports each side's best
# round (the least disturbed; noise from other work only ever slows a run down) and, as a second
# view, measured images over measured seconds of all rounds (warm-up batches excluded). Writes
# bench/results/train_throughput.json and bench/results/train_throughput.md (plus the per-run JSON
# and the network specs under bench/results/raw/).
#
# Installs python3-torch, libopenblas0-pthread and dataset-fashion-mnist with apt when missing
# (needs root or sudo) and builds target/gensynth.jar when it is missing or older than the sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

THREADS="$(nproc)"
BATCHES=30
WARMUP=5
BATCH=128
ROUNDS=3
WAIT_IDLE=60
NETWORKS="resnet plain"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --wait-idle) WAIT_IDLE="$2"; shift 2 ;;
    --all) NETWORKS="resnet plain mobilenet_v1"; shift ;;
    --networks) NETWORKS="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# --- prerequisites ----------------------------------------------------------------------------
PKGS=(python3-torch libopenblas0-pthread dataset-fashion-mnist)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]} ..." >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
# Debian's torch lives in the system interpreter; a python3 earlier on PATH (pyenv, venv) may lack it.
PY="${PYTHON:-/usr/bin/python3}"
"$PY" -c "import torch, numpy" || { echo "$PY cannot import torch and numpy" >&2; exit 1; }
command -v java >/dev/null || { echo "java (17+) is needed" >&2; exit 1; }

JAR="$ROOT/target/gensynth.jar"
if [[ ! -f "$JAR" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]]; then
  echo "building gensynth (mvn package)..." >&2
  mvn -q -B -DskipTests package >&2
fi

export OMP_NUM_THREADS="$THREADS"
OUT="$ROOT/bench/results"
RAW="$OUT/raw"
mkdir -p "$RAW"
CHECK="$(mktemp -d)"
trap 'rm -rf "$CHECK"' EXIT

# Cores busy with other work, sampled from /proc/stat over 2 s while nothing of ours runs:
# "busy steal", where steal is time the hypervisor gave this VM's CPUs to someone else.
busy_cores() {
  local a b
  sleep 1
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  "$PY" - "${a[*]}" "${b[*]}" "$(nproc)" <<'EOF'
import sys
a = [int(v) for v in sys.argv[1].split()[1:]]
b = [int(v) for v in sys.argv[2].split()[1:]]
d = [y - x for x, y in zip(a, b)]
total = sum(d[:8]); n = int(sys.argv[3])
idle = d[3] + d[4]; steal = d[7]
print("%.2f\t%.2f" % ((1 - (idle + steal) / total) * n if total else 0, steal / total * n if total else 0))
EOF
}

LOADS="$RAW/loads.tsv"
: > "$LOADS"
# busy and total CPU ticks of the whole VM, and CPU ticks of this script's finished children
vm_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
child_ticks() { awk '{print $16+$17}' /proc/$$/stat; }
measured() {  # network side round command...: runs the command, logs other work's cores during it
  local net=$1 side=$2 r=$3; shift 3
  local waited=0 before
  before=$(busy_cores)
  while (( waited < WAIT_IDLE )) && awk -v b="$before" 'BEGIN{split(b,x,"\t"); exit !(x[1]+x[2] > 0.3)}'; do
    echo "waiting for other work to leave the CPUs (busy+steal: $before cores)..." >&2
    sleep 7; waited=$((waited + 10)); before=$(busy_cores)
  done
  local v0 c0 v1 c1
  v0=($(vm_ticks)); c0=$(child_ticks)
  "$@"
  v1=($(vm_ticks)); c1=$(child_ticks)
  local during
  during=$(awk -v b="$(( v1[0] - v0[0] ))" -v t="$(( v1[1] - v0[1] ))" -v c="$(( c1 - c0 ))" -v n="$(nproc)" \
    'BEGIN{o = t > 0 ? (b - c) / t * n : 0; if (o < 0) o = 0; printf "%.2f", o}')
  echo "$net	$side	$r	$before	$(cut -d' ' -f1-3 /proc/loadavg)	$during	$waited" >> "$LOADS"
}
run_gensynth() {  # network round
  local net=$1 r=$2
  measured "$net" gensynth "$r" java -Xmx${GENSYNTH_HEAP:-4g} -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
    -Djava.awt.headless=true -cp "$JAR" dev.gensynth.bench.TrainThroughput \
    --arch "$net" --threads "$THREADS" --batch-size "$BATCH" --warmup-batches "$WARMUP" \
    --batches "$BATCHES" --check-dir "$CHECK/$net" --out "$RAW/${net}_gensynth_r$r.json"
}
run_pytorch() {  # network round
  local net=$1 r=$2
  local params
  params=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['params'])" "$RAW/${net}_gensynth_r1.json")
  measured "$net" pytorch "$r" "$PY" "$ROOT/bench/torch_train.py" --spec "$RAW/$net.spec.json" --threads "$THREADS" \
    --batch-size "$BATCH" --warmup-batches "$WARMUP" --batches "$BATCHES" --expect-params "$params" \
    --check-dir "$CHECK/$net" --out "$RAW/${net}_pytorch_r$r.json"
}

START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ((r = 1; r <= ROUNDS; r++)); do
  for net in $NETWORKS; do
    if (( r % 2 == 1 )); then
      run_gensynth "$net" "$r"; run_pytorch "$net" "$r"
    else
      run_pytorch "$net" "$r"; run_gensynth "$net" "$r"
    fi
  done
done

# --- summary ----------------------------------------------------------------------------------
JAVA_VERSION="$(java -version 2>&1 | head -1)"
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
"$PY" - "$OUT" "$RAW" "$NETWORKS" "$ROUNDS" "$THREADS" "$BATCH" "$WARMUP" "$BATCHES" "$START" \
  "$JAVA_VERSION" "$CPU" "$(nproc)" "$(uname -r)" <<'EOF'
import json, os, sys, time
import torch
(out, raw, networks, rounds, threads, batch, warmup, batches, start, java_version, cpu, nproc,
 kernel) = sys.argv[1:]
rounds, threads, batch, warmup, batches, nproc = map(int, (rounds, threads, batch, warmup, batches, nproc))
# loads.tsv: network side round busy_before steal_before loadavg(1 5 15) other_cores_during waited_s
load = {}
for l in open(os.path.join(raw, "loads.tsv")):
    f = l.rstrip("\n").split("\t")
    if len(f) >= 8:
        load[(f[0], f[1], int(f[2]))] = {"other_cores_before": round(float(f[3]) + float(f[4]), 2),
                                         "steal_cores_before": float(f[4]), "loadavg_before": f[5],
                                         "other_cores_during": float(f[6]), "waited_s": int(f[7])}

def rel(p):
    return os.path.relpath(p, out)

rows = []
for net in networks.split():
    side = {}
    for s in ("gensynth", "pytorch"):
        runs = []
        for r in range(1, rounds + 1):
            path = os.path.join(raw, "%s_%s_r%d.json" % (net, s, r))
            x = json.load(open(path))
            runs.append(dict({"round": r, "file": rel(path), "images_per_second": round(x["images_per_second"], 1),
                              "median_batch_ms": round(x["median_batch_ms"], 1)}, **load.get((net, s, r), {})))
            runs[-1]["_raw"] = x
        imgs = sum(x["_raw"]["batches"] * x["_raw"]["batch_size"] for x in runs)
        secs = sum(x["_raw"]["measured_seconds"] for x in runs)
        best = max(runs, key=lambda x: x["_raw"]["images_per_second"])
        side[s] = {"best_round_images_per_second": round(best["_raw"]["images_per_second"], 1),
                   "best_round": best["round"],
                   "all_rounds_images_per_second": round(imgs / secs, 1),
                   "engine": runs[0]["_raw"]["engine"], "runs": runs}
        for x in runs:
            del x["_raw"]
    g0 = json.load(open(os.path.join(raw, "%s_gensynth_r1.json" % net)))
    p0 = json.load(open(os.path.join(raw, "%s_pytorch_r1.json" % net)))
    gb, pb = side["gensynth"]["best_round_images_per_second"], side["pytorch"]["best_round_images_per_second"]
    ga, pa = side["gensynth"]["all_rounds_images_per_second"], side["pytorch"]["all_rounds_images_per_second"]
    rows.append({
        "network": net, "spec": rel(os.path.join(raw, net + ".spec.json")),
        "params": g0["params"], "pytorch_params": p0["params"], "macs": g0["macs"],
        "max_abs_logit_diff": p0.get("max_abs_logit_diff_vs_gensynth"),
        "threads": threads, "batch_size": batch,
        "gensynth_images_per_second": gb, "pytorch_images_per_second": pb,
        "ratio_gensynth_over_pytorch": round(gb / pb, 3),
        "all_rounds": {"gensynth_images_per_second": ga, "pytorch_images_per_second": pa,
                       "ratio_gensynth_over_pytorch": round(ga / pa, 3)},
        "gensynth": side["gensynth"], "pytorch": side["pytorch"],
    })

others = [v["other_cores_during"] for v in load.values()]
machine = {"nproc": nproc, "cpu_model": cpu, "kernel": kernel, "java_version": java_version,
           "torch_version": torch.__version__, "gensynth_engine": rows[0]["gensynth"]["engine"] if rows else None,
           "started": start, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "max_other_cores_during_runs": max(others) if others else None}
settings = {"dataset": "Fashion-MNIST train split (60000), standardised", "optimizer":
            "SGD nesterov momentum 0.9, lr 0.05 cosine, weight decay 5e-4 on conv/linear weights",
            "loss": "softmax cross-entropy", "augmentation": "none", "batch_size": batch,
            "warmup_batches": warmup, "measured_batches": batches, "rounds": rounds, "threads": threads,
            "interop_threads": 1,
            "headline": "best round per side (img/s over the measured batches of one run, warm-up excluded)",
            "all_rounds": "measured images / measured seconds summed over all rounds"}
res = {"benchmark": "train_throughput", "machine": machine, "settings": settings, "networks": rows}
with open(os.path.join(out, "train_throughput.json"), "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")

md = ["# Training throughput: gensynth vs PyTorch (Python)", "",
      "Same network spec (the torch model is built from gensynth's spec JSON and reproduces its logits on the "
      "same weights), recipe, data, batch size and threads; both sides measured back to back in one run by "
      "`bench/train_throughput.sh`, in %d round(s), alternating which side goes first. img/s is each side's best round "
      "(%d measured batches after %d warm-up); ratio = gensynth / PyTorch (> 1: gensynth faster)."
      % (rounds, batches, warmup), "",
      "| network | params | MACs | threads | batch | gensynth img/s | PyTorch img/s | ratio |",
      "|---|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    md.append("| %s | %d | %.1f M | %d | %d | %.1f | %.1f | %.2f |" % (
        r["network"], r["params"], r["macs"] / 1e6, r["threads"], r["batch_size"],
        r["gensynth_images_per_second"], r["pytorch_images_per_second"], r["ratio_gensynth_over_pytorch"]))
md += ["", "All rounds pooled (measured images / measured seconds):", "",
       "| network | gensynth img/s | PyTorch img/s | ratio |", "|---|---:|---:|---:|"]
for r in rows:
    a = r["all_rounds"]
    md.append("| %s | %.1f | %.1f | %.2f |" % (r["network"], a["gensynth_images_per_second"],
                                               a["pytorch_images_per_second"], a["ratio_gensynth_over_pytorch"]))
md += ["", "Every run (img/s, median batch ms, cores used by other work during the run):", "",
       "| network | round | side | img/s | median batch ms | other cores |", "|---|---:|---|---:|---:|---:|"]
for r in rows:
    for k in range(rounds):
        order = ("gensynth", "pytorch") if k % 2 == 0 else ("pytorch", "gensynth")
        for s in order:
            x = r[s]["runs"][k]
            md.append("| %s | %d | %s | %.1f | %.1f | %s |" % (r["network"], x["round"], s, x["images_per_second"],
                                                             x["median_batch_ms"],
                                                             "%.2f" % x["other_cores_during"]
                                                             if "other_cores_during" in x else "?"))
md += ["", "Settings: Fashion-MNIST train split, SGD Nesterov momentum 0.9, lr 0.05 (cosine), weight decay 5e-4 "
       "(conv/linear weights), cross-entropy, no augmentation, intra-op threads %d, interop threads 1." % threads, "",
       "Machine: %d CPUs, %s, kernel %s; %s; gensynth engine %s; Python side PyTorch %s (Debian python3-torch). "
       "Run %s to %s." % (nproc, cpu, kernel, java_version, machine["gensynth_engine"], torch.__version__,
                          start, machine["finished"]), "",
       "The two sides run different PyTorch builds: gensynth uses the libtorch that DJL bundles, the Python side "
       "Debian's python3-torch (OpenMP, oneDNN, generic BLAS). The ratio therefore measures gensynth's whole stack "
       "(DJL + its libtorch + our trainer) against what `apt-get install python3-torch` gives a Python user.", ""]
if others and max(others) > 0.3:
    md += ["**Note: the machine was not quiet.** Other work (processes outside this benchmark, plus hypervisor "
           "steal) used up to %.1f of the %d cores during some runs (`uptime` load averages before the runs: %s). "
           "With 2 intra-op threads on 2 cores, a competing process slows a run several-fold, so absolute img/s "
           "and the pooled numbers are depressed and noisy; the best-round ratio, from runs back to back, is the "
           "number to use, and rows with other cores near 0 are the trustworthy ones."
           % (max(others), nproc, ", ".join(sorted({v["loadavg_before"].split()[0] for v in load.values()}))), ""]
else:
    md += ["Other work used at most %.1f cores during any run." % (max(others) if others else 0), ""]
with open(os.path.join(out, "train_throughput.md"), "w") as f:
    f.write("\n".join(md))
print("\n".join(md))
EOF
