#!/usr/bin/env bash
# Where a training step goes: the real Trainer on Fashion-MNIST (batch 128, SGD Nesterov), per network,
# the wall time of each part of a step (assemble, upload, forward, loss, sync, backward, metrics,
# optimizer, release, zero), the native tensors each part creates, and, from a second short run with
# ONEDNN_VERBOSE, how the oneDNN kernels' time splits into convolution forward / backward-data /
# backward-weights / reorders and which implementations ran, and from a third, libtorch's profiler, the time of
# every operator (element-wise steps, batch norm and copies too). Writes bench/results/step_profile.md and
# .json (raw runs under bench/results/raw/step_profile/).
#
#   bench/step_profile.sh [--networks "resnet mobilenet_v2 generated generated_odd"] [--batches 20] [--warmup 30]
#                         [--threads N] [--label TEXT] [--dataset KIND] [--out DIR] [--smoke]
#
# --dataset: profile on another dataset's training split, e.g. fashion-mnist-seg (--networks "unet fcn_resnet") or
# fashion-mnist-det (--networks "centernet_resnet detectnet"); results then go to step_profile_KIND.md and .json.
#
# Networks are zoo names, `generated` (G(s) over the residual prototype, widths a multiple of 8) or
# `generated_odd` (the same draw with any widths). Threads default
# to all cores; the kernel setting is the one bin/gensynth would choose. --label names the engine in the
# table (default: the DJL and libtorch versions). --smoke: resnet and generated, 1 warm-up + 2 steps,
# 1 thread, into --out (default a new temporary directory), and checks the table was written.
set -euo pipefail
SCRIPT=step_profile.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib/common.sh"

NETWORKS="resnet mobilenet_v2 generated generated_odd" BATCHES=20 WARMUP=30 JIT_WARMUP=20 THREADS="${GENSYNTH_THREADS:-$(nproc)}"
LABEL="" OUT="" SMOKE=0 DATASET=fashion-mnist
while [[ $# -gt 0 ]]; do
  case "$1" in
    --networks) bench_need_value "$1" $#; NETWORKS="$2"; shift 2 ;;
    --batches) bench_need_value "$1" $#; BATCHES="$2"; shift 2 ;;
    --warmup) bench_need_value "$1" $#; WARMUP="$2"; shift 2 ;;
    --threads) bench_need_value "$1" $#; THREADS="$2"; shift 2 ;;
    --label) bench_need_value "$1" $#; LABEL="$2"; shift 2 ;;
    --dataset) bench_need_value "$1" $#; DATASET="$2"; shift 2 ;;
    --out) bench_need_value "$1" $#; OUT="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown option $1 — see $SCRIPT --help" ;;
  esac
done
if (( SMOKE )); then
  NETWORKS="resnet generated" BATCHES=2 WARMUP=1 JIT_WARMUP=0 THREADS="${GENSYNTH_THREADS:-1}"
fi
OUT="$(bench_results_dir "$SMOKE" "$OUT")"
"$ROOT/bin/setup" python3
bench_jar
bench_kernels "$THREADS"
NAME=step_profile
[[ "$DATASET" == fashion-mnist ]] || NAME="step_profile_$DATASET"
RAW="$OUT/raw/$NAME"
mkdir -p "$RAW"
JAVA=(java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1
  -Djava.awt.headless=true -cp "$ROOT/target/gensynth.jar" dev.gensynth.bench.StepProfile)
for net in $NETWORKS; do
  echo "profiling $net ..." >&2
  # the parts of a step in one pass over the batch (--shards 1), then the whole step as the default recipe runs
  # it: 2 shards side by side, whose parts overlap in time
  "${JAVA[@]}" --arch "$net" --dataset "$DATASET" --warmup-batches "$WARMUP" --batches "$BATCHES" --shards 1 --jit-warmup-seconds "$JIT_WARMUP" --out "$RAW/$net.json" \
    2> >(grep -v -e NNPACK -e AutoNonVariableTypeMode >&2)
  "${JAVA[@]}" --arch "$net" --dataset "$DATASET" --warmup-batches "$WARMUP" --batches "$BATCHES" --shards 2 --jit-warmup-seconds "$JIT_WARMUP" --out "$RAW/$net.shards.json" \
    2> >(grep -v -e NNPACK -e AutoNonVariableTypeMode >&2)
  # oneDNN's own timing of every primitive it runs, on 1 warm-up + 2 steps (verbose output slows a step)
  ONEDNN_VERBOSE=1 DNNL_VERBOSE=1 "${JAVA[@]}" --arch "$net" --dataset "$DATASET" --warmup-batches 1 --batches 2 --shards 1 --jit-warmup-seconds 0 \
    --out "$RAW/$net.verbose-run.json" 2>/dev/null | grep '^onednn_verbose' > "$RAW/$net.onednn.log" || true
  # libtorch's own profiler over 3 steps after 3 warm-up: every operator, oneDNN's or not (element-wise steps,
  # batch norm, copies), by self time; the trace (megabytes) stays in a temporary file
  TRACE="$(mktemp --suffix=.json)"
  trap 'rm -f "$TRACE"' EXIT
  "${JAVA[@]}" --arch "$net" --dataset "$DATASET" --warmup-batches 3 --batches 3 --shards 1 --jit-warmup-seconds 0 \
    --torch-profile "$TRACE" --out "$RAW/$net.torch-profile-run.json" 2> >(grep -v -e NNPACK -e AutoNonVariableTypeMode >&2)
  python3 - "$TRACE" 3 > "$RAW/$net.operators.json" <<'OPS'
import collections, json, sys
trace, steps = sys.argv[1], int(sys.argv[2])
events = json.load(open(trace))
events = events["traceEvents"] if isinstance(events, dict) else events
spans = sorted((e for e in events if e.get("ph") == "X"), key=lambda e: (e.get("tid"), e["ts"], -e["dur"]))
own, calls, stack = collections.defaultdict(float), collections.Counter(), []
for e in spans:  # self time: a span's duration less that of the spans nested in it, per thread
    while stack and (stack[-1].get("tid") != e.get("tid") or stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]):
        stack.pop()
    if stack:
        own[stack[-1]["name"]] -= e["dur"]
    own[e["name"]] += e["dur"]
    calls[e["name"]] += 1
    stack.append(e)
top = sorted(own.items(), key=lambda kv: -kv[1])
json.dump({"steps": steps, "total_ms_per_step": round(sum(own.values()) / steps / 1000, 2),
           "operators": [{"name": k, "ms_per_step": round(v / steps / 1000, 2), "calls_per_step": calls[k] // steps}
                         for k, v in top[:12]]}, sys.stdout, indent=2)
OPS
  rm -f "$TRACE"
done
python3 - "$OUT" "$RAW" "$NETWORKS" "$THREADS" "$LABEL" "${DNNL_MAX_CPU_ISA:-ALL}" "$NAME" <<'PY'
import json, os, sys, collections
out, raw, networks, threads, label, kernels, name = sys.argv[1:]
rows = []
for net in networks.split():
    p = json.load(open(os.path.join(raw, net + ".json")))
    p["sharded"] = json.load(open(os.path.join(raw, net + ".shards.json")))
    # verbose lines: onednn_verbose,[v1,]primitive,exec,cpu,KIND,IMPL,PROP,...,TIME (2 measured + 1 warm-up step)
    kinds = collections.defaultdict(float); impls = collections.Counter(); steps = 3
    for line in open(os.path.join(raw, net + ".onednn.log")):
        f = line.rstrip("\n").split(",")
        if "exec" not in f:
            continue
        i = f.index("exec")
        kind, impl, prop = f[i + 2], f[i + 3], f[i + 4]
        try:
            ms = float(f[-1])
        except ValueError:
            continue
        key = kind if kind != "convolution" else "convolution " + prop.replace("forward_training", "forward")
        kinds[key] += ms / steps
        if kind == "convolution":
            impls[impl + " " + prop] += 1
    p["onednn_ms_per_step"] = {k: round(v, 2) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])}
    p["onednn_convolution_implementations"] = dict(impls.most_common())
    p["libtorch_operators"] = json.load(open(os.path.join(raw, net + ".operators.json")))
    rows.append(p)
prov = rows[0]["provenance"] if rows else {}
engine = label or "DJL %s / libtorch %s" % (prov.get("djlVersion"), prov.get("libtorchVersion"))
res = {"benchmark": "step_profile", "engine": engine, "kernels": kernels, "threads": int(threads), "networks": rows}
with open(os.path.join(out, name + ".json"), "w") as fh:
    json.dump(res, fh, indent=2); fh.write("\n")
md = ["# Where a training step goes (%s, kernels %s, %s threads)" % (engine, kernels, threads), "",
      "`bench/step_profile.sh`: the real Trainer (SGD Nesterov, batch %d, %s %s, no augmentation); each part's "
      "wall time per step, mean over %d steps after %d warm-up (CPU kernels run synchronously, so the time between "
      "two marks is that part's cost); tensors = native tensors the part leaves alive on one step (a proxy for its "
      "native calls; the optimizer's temporaries are freed within it and not counted). The parts are of one pass "
      "over the whole batch at all threads (`--shards 1`); the last rows time the step as the default recipe runs "
      "it, split into shards that run side by side at 1 thread each (their parts overlap, so only the total)."
      % (rows[0]["batch_size"], rows[0].get("dataset", "fashion-mnist"), rows[0].get("input", "1x28x28"),
         rows[0]["batches"], rows[0]["warmup_batches"]) if rows else "", ""]
phases = list(rows[0]["phases"].keys()) if rows else []
md.append("| part | " + " | ".join("%s ms | share | tensors" % r["network"] for r in rows) + " |")
md.append("|---|" + "---:|---:|---:|" * len(rows))
for ph in phases:
    md.append("| %s | " % ph + " | ".join("%.1f | %.1f %% | %d" % (r["phases"][ph]["mean_ms"],
              100 * r["phases"][ph]["share"], r["phases"][ph]["tensors_created"]) for r in rows) + " |")
md.append("| **step** | " + " | ".join("**%.1f** | | " % r["mean_step_ms"] for r in rows) + " |")
md.append("| img/s (median step) | " + " | ".join("%.0f | | " % r["images_per_second"] for r in rows) + " |")
md.append("| **step, %d shards side by side** | " % rows[0]["sharded"]["shards"]
          + " | ".join("**%.1f** | | " % r["sharded"]["mean_step_ms"] for r in rows) + " |")
md.append("| img/s (median step, shards) | " + " | ".join("%.0f | | " % r["sharded"]["images_per_second"]
          for r in rows) + " |")
md += ["", "Networks: " + "; ".join("%s %d params, %.1f M MACs, %d parameter tensors" % (
    r["network"], r["params"], r["macs"] / 1e6, r["parameter_tensors"]) for r in rows) + ".", "",
    "oneDNN's own time per step by primitive (ONEDNN_VERBOSE, separate run of 1 warm-up + 2 steps, averaged over the "
    "3; verbose output slows every primitive, so read the split, not the sum):", ""]
for r in rows:
    md.append("- **%s**: " % r["network"] + ", ".join("%s %.1f ms" % kv for kv in r["onednn_ms_per_step"].items()))
    md.append("  - convolution implementations: " + ", ".join("%s (%d)" % kv for kv in
              list(r["onednn_convolution_implementations"].items())[:6]))
md += ["", "libtorch's operators by self time per step (its profiler, `--torch-profile`, over 3 steps after 3 warm-up, "
       "one pass at all threads; the profiler's own cost is in the total):", ""]
for r in rows:
    ops = r["libtorch_operators"]
    md.append("- **%s** (%.1f ms a step): " % (r["network"], ops["total_ms_per_step"]) + ", ".join(
        "%s %.1f ms (%d calls)" % (o["name"], o["ms_per_step"], o["calls_per_step"]) for o in ops["operators"][:8]))
md += ["", "Provenance: gensynth %s (%s), %s, CPU %s, %s threads, kernels %s, %s." % (
    prov.get("gensynthVersion"), prov.get("gitCommit"), engine, prov.get("cpu"), threads, kernels, prov.get("date")), ""]
with open(os.path.join(out, name + ".md"), "w") as fh:
    fh.write("\n".join(md))
print("\n".join(md))
PY
if (( SMOKE )); then
  bench_expect "$OUT/$NAME.md" '^\| forward \| [0-9.]+ \| [0-9.]+ % \| [0-9]+ \|' "profile table"
  echo "smoke run ok: $OUT/$NAME.md" >&2
fi
