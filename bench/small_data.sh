#!/usr/bin/env bash
# Small data: does synthesis end at least as small as uniform width scaling meeting the same floor,
# on a data set as small as users often have? The first 1,200 training images of Fashion-MNIST
# (validation fraction 0.15, so candidates are judged on 180 images: one image is 0.56 points) and
# the first 2,000 test images. Synthesis (bench/small-data.yaml: the residual prototype for 15 epochs,
# 10 cycles x 2 candidates x 2 epochs) then `generate` of 4 fresh seeds, against the prototype's
# architecture narrowed to x0.75, 0.5, 0.375, 0.25 and 0.125 and trained from scratch with the
# prototype's recipe. Every network is judged on the test split against top-1 >= prototype - 1.0.
# Writes bench/results/small_data.md (and .json); about 4 minutes per seed plus 3 for the widths on an
# idle 2-core machine. Scratch files (data, runs, models) go to target/small-data/.
#
#   bench/small_data.sh [--smoke] [--seeds "1 2 3"] [--out DIR]
#
# --seeds: the synthesis runs, one per seed (the prototype, the candidates and the held-out promise images
# all follow the run's seed; the data split is the same), each judged against its own prototype's floor
# beside the same width-scaled networks: a search that works on one seed's luck shows it here.
# --smoke: the same steps at the smallest size (bench/small-data-smoke.yaml, 300 training images,
# two widths), results in a temporary directory unless --out says otherwise; the numbers mean nothing.
set -euo pipefail
SCRIPT=small_data.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"
SMOKE=0 OUT_ARG="" RUN_SEEDS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1; shift ;;
    --out) bench_need_value "$1" $#; OUT_ARG="$2"; shift 2 ;;
    --seeds) bench_need_value "$1" $#; RUN_SEEDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
cd "$ROOT"
OUT="$(bench_results_dir "$SMOKE" "$OUT_ARG")"
if (( SMOKE )); then
  CONFIG=bench/small-data-smoke.yaml SCRATCH="$ROOT/target/small-data-smoke" TRAIN=300 TEST=200
  WIDTHS="0.5 0.25" EPOCHS=1 SEEDS=100..101
else
  CONFIG=bench/small-data.yaml SCRATCH="$ROOT/target/small-data" TRAIN=1200 TEST=2000
  WIDTHS="0.75 0.5 0.375 0.25 0.125" EPOCHS=15 SEEDS=100..103
fi
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz || -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte ]] \
  || bench_die "Fashion-MNIST is not in /usr/share/datasets/fashion-mnist — install it (apt-get install dataset-fashion-mnist)"
GENSYNTH="${GENSYNTH:-$ROOT/bin/gensynth}"
bench_jar
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
T0=$(date +%s)
if [[ ! -f "$SCRATCH/data/t10k-labels-idx1-ubyte" ]]; then
  rm -rf "$SCRATCH/data.tmp"
  java -Dai.djl.offline=true -cp "$ROOT/target/gensynth.jar:$ROOT/target/lib/*" dev.gensynth.bench.KillDrill subset \
    --from /usr/share/datasets/fashion-mnist --train "$TRAIN" --test "$TEST" --out "$SCRATCH/data.tmp"
  rm -rf "$SCRATCH/data" && mv "$SCRATCH/data.tmp" "$SCRATCH/data"
fi
WORK="$SCRATCH/work"
rm -rf "$WORK" && mkdir -p "$WORK"

for seed in $RUN_SEEDS; do
  [[ "$seed" =~ ^[0-9]+$ ]] || bench_die "--seeds takes whole numbers separated by spaces, got '$seed'"
  S="$WORK/seed-$seed"
  mkdir -p "$S"
  # the config with the run's seed (relative paths stay valid: the copy sits beside the original)
  sed "s/^seed: .*/seed: $seed/" "$CONFIG" > "${CONFIG%.yaml}.seed-$seed.tmp.yaml"
  trap 'rm -f "$ROOT"/bench/small-data*.seed-*.tmp.yaml' EXIT
  "$GENSYNTH" synthesize --config "${CONFIG%.yaml}.seed-$seed.tmp.yaml" --out "$S/run" > "$S/synthesize.log" 2>&1 \
    || { tail -5 "$S/synthesize.log" >&2; bench_die "the synthesis of seed $seed failed; its log is $S/synthesize.log"; }
  "$GENSYNTH" generate --run "$S/run" --seeds "$SEEDS" --json "$S/generated.json" > "$S/generate.log" 2>&1 \
    || { tail -5 "$S/generate.log" >&2; bench_die "generate of seed $seed failed; its log is $S/generate.log"; }
done
for w in $WIDTHS; do
  "$GENSYNTH" train --arch resnet --width "$w" --dataset fashion-mnist --data "$SCRATCH/data" \
    --validation-fraction 0.15 --data-seed 42 --epochs "$EPOCHS" --latency-runs 0 --out "$WORK/width-$w" \
    > "$WORK/width-$w.log" 2>&1 || { tail -5 "$WORK/width-$w.log" >&2; bench_die "training x$w failed; see $WORK/width-$w.log"; }
done
SECONDS_USED=$(( $(date +%s) - T0 ))

python3 - "$WORK" "$OUT" "$CONFIG" "$STARTED" "$SECONDS_USED" "$SEEDS" "$EPOCHS" "$WIDTHS" "$TRAIN" "$TEST" "$(grep -m1 "model name" /proc/cpuinfo | sed "s/.*: //"), $(nproc) cores" "$RUN_SEEDS" <<'PY'
import json, sys, os
work, out, config, started, seconds, seeds, epochs, widths, ntrain, ntest, machine, run_seeds = sys.argv[1:]
ntrain, ntest = int(ntrain), int(ntest)
load = lambda *p: json.load(open(os.path.join(*p)))
widths_m = [(w, load(work, "width-" + w, "metrics.json")) for w in widths.split()]
lines = ["# Small data: synthesis against uniform width scaling", "",
         "`bench/small_data.sh --seeds \"%s\"` (config `%s`), %s, %s s. Machine: %s." % (run_seeds, config, started,
                                                                               seconds, machine), "",
         "Fashion-MNIST's first %s training images (validation fraction 0.15: %s to train, %s to judge candidates"
         " by) and first %s test images. Width scaling: the prototype's architecture narrowed uniformly and trained"
         " from scratch with the prototype's recipe (%s epochs each, one seed); synthesis: one run per seed (its"
         " prototype too), then `generate --seeds %s`. Every network is judged on the test split against its"
         " seed's floor: top-1 >= that seed's prototype - 1.0." % (
             format(ntrain, ","), format(ntrain - round(0.15 * ntrain), ","), format(round(0.15 * ntrain), ","),
             format(ntest, ","), epochs, seeds), ""]
summary = ["| seed | prototype test top-1 % | floor % | smallest width meeting it | generated meeting it | their MACs "
           "(most) | verdict |", "|---:|---:|---:|---|---:|---:|---|"]
per_seed = []
all_json = []
for seed in run_seeds.split():
    run = os.path.join(work, "seed-" + seed, "run")
    proto = load(run, "prototype", "metrics.json")
    floor = proto["top1"] - 1.0
    gen = load(work, "seed-" + seed, "generated.json")
    promise = load(run, "generator", "promise.json") if os.path.exists(os.path.join(run, "generator", "promise.json")) else None
    progress = load(run, "progress.json")
    ys = load(run, "yardstick.json") if os.path.exists(os.path.join(run, "yardstick.json")) else None
    rows = [("width x" + w, m["macs"], m["params"], m["top1"], m["top1"] >= floor) for w, m in widths_m]
    syn = []
    for g in gen:
        m = g["metrics"]
        t = m.get("top1")
        syn.append(("generated s%d" % g["seed"], m["macs"], m["params"], t, t is not None and t >= floor))
    width_ok = [r for r in rows if r[4]]
    best_width = min(width_ok, key=lambda r: r[1]) if width_ok else None
    syn_ok = [r for r in syn if r[4]]
    most = max(r[1] for r in syn_ok) if syn_ok else None
    ahead = syn_ok and (best_width is None or most <= best_width[1])
    summary.append("| %s | %.2f | %.2f | %s | %d of %d | %s | %s |" % (
        seed, proto["top1"], floor, "%s, %s MACs" % (best_width[0], format(best_width[1], ",")) if best_width else "none",
        len(syn_ok), len(syn), format(most, ",") if most else "-",
        "at least as small as width scaling" if ahead else "behind width scaling" if syn_ok else "no network meets it"))
    lines_s = ["## Seed %s" % seed, "",
               "Prototype: %s, %.2f %% test top-1, %s MACs; floor %.2f %%. Synthesis: %d cycles (%s), %.1f epochs of"
               " fine-tuning%s." % (proto["network"], proto["top1"], format(proto["macs"], ","), floor,
                                    progress["cycles"], progress.get("stopReason", ""), progress["finetuneEpochs"],
                                    "; the floor's yardstick on validation %.2f %% (the prototype and %d copies trained"
                                    " again from scratch)" % (ys["quality"][0], 3) if ys else ""), "",
               "| network | MACs | params | test top-1 % | meets the floor |", "|---|---:|---:|---:|---|"]
    for r in rows + syn:
        lines_s.append("| %s | %s | %s | %s | %s |" % (r[0], format(r[1], ","), format(r[2], ","),
                       "-" if r[3] is None else "%.2f" % r[3], "yes" if r[4] else "no"))
    if promise:
        tested = [r[3] for r in syn if r[3] is not None]
        lines_s += ["", "The final generator's promise: probability %.2f that a fresh network meets r (%d of %d"
                    " samples met it on validation); expected %.1f of %d, %d met it on the test split (their top-1"
                    " %.2f %%)." % (promise["probability"], promise["met"], promise["samples"],
                                    promise["probability"] * len(syn), len(syn), len(syn_ok),
                                    sum(tested) / len(tested) if tested else float("nan"))]
    lines_s.append("")
    per_seed += lines_s
    all_json.append({"seed": seed, "prototype": proto, "floor": floor, "width": rows, "generated": syn,
                     "promise": promise, "yardstick": ys})
lines += summary + [""] + per_seed
open(os.path.join(out, "small_data.md"), "w").write("\n".join(lines) + "\n")
json.dump({"seeds": all_json}, open(os.path.join(out, "small_data.json"), "w"), indent=1)
print("\n".join(lines))
PY
echo "results: $OUT/small_data.md"
