#!/usr/bin/env python3
"""Training and evaluation throughput of plain PyTorch on a gensynth network spec (the reference
side of bench/train_throughput.sh).

Builds a torch.nn model generically from a gensynth spec JSON (the canonical format written by
SpecIO.toJson: a list of named layers, each reading the previous layer unless it lists
`inputs`), checks its trainable parameter count against the spec's and (with --check-dir) its
logits against gensynth's on the same initial weights, then, as dev.gensynth.bench.TrainThroughput:

1. trains it on the Fashion-MNIST training split with the same recipe and measurement: SGD with
   Nesterov momentum 0.9, weight decay on conv/linear weights only, cosine learning rate without
   warm-up, cross-entropy, no augmentation, shuffled batches; images/s over the measured batches
   only (after the warm-up batches);
2. evaluates the trained model (net.eval(), torch.no_grad()) on batches of --eval-batch-size
   training images: the median batch of --eval-batches after --eval-warmup;
3. reports its peak resident memory (resource.getrusage ru_maxrss).

Usage: torch_train.py --spec FILE.spec.json [--out FILE.json] [--check-dir DIR] [--expect-params N]
[--threads N] [--batch-size 128] [--warmup-batches 5] [--batches 30] [--eval-batch-size 256]
[--eval-warmup 3] [--eval-batches 20] [--data DIR]. Errors are one line on stderr, exit code 2.
"""
import argparse
import gzip
import json
import math
import os
import platform
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


# ----------------------------------------------------------------------------- spec -> model

def _conv_out(size, k, s, p, d=1):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


class SpecNet(nn.Module):
    """Runs a gensynth spec: parameterised layers are child modules keyed by layer name, the rest
    are tensor operations in forward(), exactly mirroring the graph."""

    def __init__(self, spec):
        super().__init__()
        self.spec_name = spec.get("name", "network")
        inp = spec["input"]
        if isinstance(inp, list):
            shape = tuple(inp)
        elif "height" in inp or "width" in inp:
            shape = (inp["channels"], inp["height"], inp["width"])
        else:
            shape = (inp["channels"],)
        self.input_shape = shape
        shapes = {"input": shape}
        self.mods = nn.ModuleDict()
        self.keys = {}
        self.graph = []  # (name, kind, inputs, layer dict)
        previous = "input"
        for i, layer in enumerate(spec["layers"]):
            name = layer["name"]
            kind = layer["kind"]
            if "inputs" in layer:
                ins = layer["inputs"] if isinstance(layer["inputs"], list) else [layer["inputs"]]
            elif "input" in layer:
                ins = [layer["input"]]
            else:
                ins = [previous]
            in_shapes = [shapes[n] for n in ins]
            x = in_shapes[0]
            mod, out = self._build(name, kind, layer, x, in_shapes)
            if mod is not None:
                key = "l%d_%s" % (i, name.replace(".", "_"))
                self.keys[name] = key
                self.mods[key] = mod
            shapes[name] = out
            self.graph.append((name, kind, ins, layer))
            previous = name
        self.outputs = spec.get("outputs") or [previous]
        self.shapes = shapes
        # Drop intermediates after their last reader (as SpecBlock does); autograd keeps what it needs.
        last = {}
        for i, (_, _, ins, _) in enumerate(self.graph):
            for n in ins:
                last[n] = i
        self.last_use = last

    @staticmethod
    def _build(name, kind, l, x, in_shapes):
        if kind in ("conv", "depthwise_conv", "pointwise_conv"):
            c = x[0]
            if kind == "conv":
                out, k = l["out"], l["kernel"]
                s, p, d, g = l.get("stride", 1), l.get("padding", 0), l.get("dilation", 1), l.get("groups", 1)
                bias = l.get("bias", False)
            elif kind == "depthwise_conv":
                k = l["kernel"]
                out = l.get("out", 0) or c
                s, p, d, g = l.get("stride", 1), l.get("padding", (k - 1) // 2), l.get("dilation", 1), c
                bias = l.get("bias", False)
            else:
                out, k, s, p, d, g = l["out"], 1, l.get("stride", 1), 0, 1, l.get("groups", 1)
                bias = l.get("bias", False)
            mod = nn.Conv2d(c, out, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
            return mod, (out, _conv_out(x[1], k, s, p, d), _conv_out(x[2], k, s, p, d))
        if kind == "batchnorm":
            eps, mom = l.get("epsilon", 1e-5), l.get("momentum", 0.1)
            bn = nn.BatchNorm2d if len(x) == 3 else nn.BatchNorm1d
            return bn(x[0], eps=eps, momentum=mom), x
        if kind == "relu":
            return nn.ReLU(), x
        if kind == "relu6":
            return nn.ReLU6(), x
        if kind == "hardswish":
            return nn.Hardswish(), x
        if kind == "sigmoid":
            return nn.Sigmoid(), x
        if kind in ("maxpool", "avgpool"):
            k = l["kernel"]
            s, p = l.get("stride", k), l.get("padding", 0)
            mod = (nn.MaxPool2d(k, s, p) if kind == "maxpool"
                   else nn.AvgPool2d(k, s, p, count_include_pad=True))
            return mod, (x[0], (x[1] + 2 * p - k) // s + 1, (x[2] + 2 * p - k) // s + 1)
        if kind == "global_avgpool":
            return nn.AdaptiveAvgPool2d(1), (x[0], 1, 1)
        if kind == "add":
            return None, x
        if kind == "concat":
            return None, (sum(s[0] for s in in_shapes),) + tuple(x[1:])
        if kind == "channel_shuffle":
            return None, x
        if kind == "slice":
            a, b = SpecNet._slice_range(l, x[0])
            return None, (b - a,) + tuple(x[1:])
        if kind == "upsample":
            if l.get("mode", "nearest") != "nearest":
                raise ValueError("layer %s: only nearest upsampling is supported" % name)
            sc = l.get("scale", 2)
            return None, (x[0], x[1] * sc, x[2] * sc)
        if kind == "flatten":
            return None, (int(np.prod(x)),)
        if kind == "linear":
            return nn.Linear(x[0], l["out"], bias=l.get("bias", True)), (l["out"],)
        if kind == "dropout":
            return nn.Dropout(l.get("rate", 0.5)), x
        raise ValueError("layer %s: unknown kind %r" % (name, kind))

    @staticmethod
    def _slice_range(l, c):
        half = l.get("half", "none")
        if half == "first":
            return 0, c // 2
        if half == "second":
            return c // 2, c
        to = l["to"]
        return l["from"], (c + to + 1 if to < 0 else to)

    def forward(self, x):
        live = {"input": x}
        outs = set(self.outputs)
        for i, (name, kind, ins, l) in enumerate(self.graph):
            xs = [live[n] for n in ins]
            a = xs[0]
            key = self.keys.get(name)
            if key is not None:
                y = self.mods[key](a)
            elif kind == "add":
                y = a
                for b in xs[1:]:
                    y = y + b
            elif kind == "concat":
                y = torch.cat(xs, 1)
            elif kind == "channel_shuffle":
                n, c, h, w = a.shape
                g = l["groups"]
                y = a.reshape(n, g, c // g, h, w).transpose(1, 2).reshape(n, c, h, w)
            elif kind == "slice":
                s, e = self._slice_range(l, a.shape[1])
                y = a[:, s:e]
            elif kind == "upsample":
                y = F.interpolate(a, scale_factor=l.get("scale", 2), mode="nearest")
            elif kind == "flatten":
                y = a.reshape(a.shape[0], -1)
            else:
                raise ValueError("no operation for %s" % kind)
            live[name] = y
            for n in ins:
                if self.last_use[n] == i and n not in outs:
                    live.pop(n, None)
        res = [live[o] for o in self.outputs]
        return res[0] if len(res) == 1 else res


def spec_params(spec):
    """Trainable parameters as gensynth counts them (conv/linear weights+bias, BN gamma+beta)."""
    net = SpecNet(spec)
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


_PARAM_NAMES = {"gamma": "weight", "beta": "bias", "runningMean": "running_mean", "runningVar": "running_var"}


def check_equivalence(net, check_dir, tol=1e-3):
    """Loads gensynth's initial weights into the torch model and compares inference-mode logits
    on the inputs gensynth wrote; returns the largest absolute difference (error if above tol)."""
    npz = np.load(os.path.join(check_dir, "weights.npz"))
    state = net.state_dict()
    loaded = set()
    for key in npz.files:
        layer, _, pname = key.rpartition(".")
        tkey = "mods.%s.%s" % (net.keys[layer], _PARAM_NAMES.get(pname, pname))
        if tkey not in state:
            raise ValueError("gensynth tensor %s has no torch counterpart %s" % (key, tkey))
        arr = torch.from_numpy(np.asarray(npz[key], dtype=np.float32))
        if tuple(arr.shape) != tuple(state[tkey].shape):
            raise ValueError("tensor %s: gensynth shape %s, torch %s" % (key, tuple(arr.shape),
                                                                         tuple(state[tkey].shape)))
        state[tkey] = arr
        loaded.add(tkey)
    missing = [k for k in state if k not in loaded and not k.endswith("num_batches_tracked")]
    if missing:
        raise ValueError("torch tensors without gensynth weights: %s" % missing)
    net.load_state_dict(state)
    with open(os.path.join(check_dir, "check.json")) as f:
        chk = json.load(f)
    k = chk["count"]
    x = torch.tensor(chk["input"], dtype=torch.float32).reshape((k,) + tuple(net.input_shape))
    ref = torch.tensor(chk["logits"], dtype=torch.float32).reshape(k, -1)
    net.eval()
    with torch.no_grad():
        out = net(x)
    net.train()
    diff = float((out - ref).abs().max())
    scale = float(ref.abs().max())
    if not diff <= tol * max(1.0, scale):
        raise ValueError("torch model output differs from gensynth's: max |diff| %.3g (logit scale %.3g)"
                         % (diff, scale))
    return diff


# ----------------------------------------------------------------------------- data

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(d, stem, suffix):
    for base in (d, os.path.join(d, "data"), os.path.join(d, "package", "data")):
        for sep in ("-", "."):
            for gz in (".gz", ""):
                p = os.path.join(base, stem + sep + suffix + gz)
                if os.path.isfile(p):
                    return p
    raise FileNotFoundError("%s has no %s-%s(.gz)" % (d, stem, suffix))


def load_train(d):
    """Fashion-MNIST train split scaled to [0, 1], then standardised with its own mean and
    population std (as gensynth's Normalization.fit, accumulated in double). The sums run over
    chunks, so that no double copy of the whole split inflates the peak resident memory."""
    x = read_idx(find(d, "train-images", "idx3-ubyte"))
    y = read_idx(find(d, "train-labels", "idx1-ubyte"))
    x = x.astype(np.float32) / np.float32(255.0)
    total = total_sq = 0.0
    for i in range(0, x.shape[0], 4096):
        c = x[i:i + 4096].astype(np.float64)
        total += float(c.sum())
        total_sq += float((c * c).sum())
    count = float(x.size)
    mean = total / count
    std = math.sqrt(max(0.0, total_sq / count - mean * mean))
    x -= np.float32(mean)
    x /= np.float32(std)
    return (torch.from_numpy(x).reshape(-1, 1, x.shape[1], x.shape[2]),
            torch.from_numpy(y.astype(np.int64)), mean, std)


# ----------------------------------------------------------------------------- benchmark

TOOL = "torch_train.py"


def fail(message):
    """This script's own error: one line on stderr (what is wrong — what would fix it), exit 2."""
    print("%s: %s" % (TOOL, message), file=sys.stderr)
    sys.exit(2)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        fail("%s — see %s --help" % (message, TOOL))


def whole(minimum):
    def parse(v):
        try:
            n = int(v)
        except ValueError:
            n = None
        if n is None or n < minimum:
            raise argparse.ArgumentTypeError("needs a whole number >= %d, got '%s'" % (minimum, v))
        return n
    return parse


def median(v):
    return float(np.median(np.asarray(v, dtype=np.float64)))


def peak_rss_mb():
    """Peak resident set size of this process in MB (ru_maxrss is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def train(net, x, y, a):
    """The measured training run; returns per-update end times (perf_counter) and the mean loss."""
    n = x.shape[0]
    batch = a.batch_size
    total = a.warmup_batches + a.batches
    decay = [p for p in net.parameters() if p.dim() > 1]
    no_decay = [p for p in net.parameters() if p.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": a.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=a.lr, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(42)
    net.train()
    stamps = [0.0] * (total + 1)
    order = torch.randperm(n, generator=gen)
    cursor = 0
    loss_sum = 0.0
    correct = 0
    seen = 0
    stamps[0] = time.perf_counter()
    for update in range(total):
        if cursor + batch > n:
            order = torch.randperm(n, generator=gen)
            cursor = 0
        idx = order[cursor:cursor + batch]
        cursor += batch
        xb = x.index_select(0, idx)
        yb = y.index_select(0, idx)
        # cosine schedule without warm-up, as gensynth's CosineSchedule with warmupEpochs 0
        lr = 0.5 * a.lr * (1 + math.cos(math.pi * min(1.0, update / max(1, total))))
        for g in opt.param_groups:
            g["lr"] = lr
        logits = net(xb)
        loss = loss_fn(logits, yb)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        # the same per-batch host syncs as gensynth's trainer: loss value and top-1 count
        loss_sum += loss.item() * batch
        correct += int((logits.detach().argmax(1) == yb).sum().item())
        seen += batch
        stamps[update + 1] = time.perf_counter()
        if update + 1 in (a.warmup_batches, total):
            print("torch: batch %d/%d loss %.4f" % (update + 1, total, loss_sum / seen), file=sys.stderr)
    return stamps, loss_sum / seen


def evaluate(net, x, batch, warmup, batches):
    """Wall time in ms of each of `batches` inference batches after `warmup` untimed ones, walking
    through x (net.eval(), torch.no_grad(): no autograd graph is recorded)."""
    starts = x.shape[0] - batch + 1
    ms = []
    net.eval()
    with torch.no_grad():
        for i in range(warmup + batches):
            s = (i * batch) % starts
            xb = x[s:s + batch]
            t0 = time.perf_counter()
            net(xb).numpy()
            t1 = time.perf_counter()
            if i >= warmup:
                ms.append((t1 - t0) * 1e3)
    return ms


def main():
    ap = Parser(prog=TOOL, description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--threads", type=whole(1), default=os.cpu_count())
    ap.add_argument("--batch-size", type=whole(1), default=128)
    ap.add_argument("--warmup-batches", type=whole(0), default=5)
    ap.add_argument("--batches", type=whole(1), default=30)
    ap.add_argument("--eval-batch-size", type=whole(1), default=256)
    ap.add_argument("--eval-warmup", type=whole(0), default=3)
    ap.add_argument("--eval-batches", type=whole(1), default=20)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--data", default=FASHION_MNIST_DIR)
    ap.add_argument("--expect-params", type=int, default=None,
                    help="gensynth's trainable parameter count; a mismatch is an error")
    ap.add_argument("--check-dir", default=None,
                    help="directory with gensynth's weights.npz + check.json: verify identical outputs first")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    # Interop threads must be set before any parallel work starts.
    torch.set_num_interop_threads(1)
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)

    try:
        with open(a.spec) as f:
            spec = json.load(f)
        net = SpecNet(spec)
    except (OSError, ValueError, KeyError, TypeError) as e:
        fail("cannot build a torch model from %s: %s — give a spec JSON written by gensynth" % (a.spec, e))
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    if a.expect_params is not None and params != a.expect_params:
        fail("parameter count %d of the torch model differs from gensynth's %d for %s — torch_train.py builds"
             " some layer differently from gensynth's SpecBlock" % (params, a.expect_params, a.spec))

    max_diff = None
    if a.check_dir:
        try:
            max_diff = check_equivalence(net, a.check_dir)
        except (OSError, ValueError, KeyError) as e:
            fail("%s: %s" % (a.spec, e))
        print("torch: same outputs as gensynth on its initial weights (max |diff| %.2g)" % max_diff,
              file=sys.stderr)

    try:
        x, y, mean, std = load_train(a.data)
    except (OSError, ValueError) as e:
        fail("cannot read Fashion-MNIST from %s: %s — install dataset-fashion-mnist or pass --data DIR" % (a.data, e))
    n = x.shape[0]
    if a.batch_size > n or a.eval_batch_size > n:
        fail("--batch-size %d and --eval-batch-size %d need at most the %d training images of %s — pass smaller"
             " batch sizes" % (a.batch_size, a.eval_batch_size, n, a.data))
    batch = a.batch_size
    total = a.warmup_batches + a.batches
    print("torch: training %s (%d params) for %d warm-up + %d measured batches of %d, threads %d"
          % (net.spec_name, params, a.warmup_batches, a.batches, batch, torch.get_num_threads()),
          file=sys.stderr)
    stamps, final_loss = train(net, x, y, a)
    print("torch: evaluating %s, %d warm-up + %d measured batches of %d"
          % (net.spec_name, a.eval_warmup, a.eval_batches, a.eval_batch_size), file=sys.stderr)
    eval_ms = evaluate(net, x, a.eval_batch_size, a.eval_warmup, a.eval_batches)
    rss = peak_rss_mb()

    w = a.warmup_batches
    secs = stamps[total] - stamps[w]
    ips = a.batches * batch / secs
    per = [(stamps[w + i + 1] - stamps[w + i]) * 1e3 for i in range(a.batches)]
    med = median(per)
    eval_med = median(eval_ms)
    res = {
        "side": "pytorch",
        "engine": "PyTorch %s (Python %s)" % (torch.__version__, platform.python_version()),
        "network": os.path.basename(a.spec).replace(".spec.json", ""),
        "spec": os.path.abspath(a.spec),
        "params": params,
        "max_abs_logit_diff_vs_gensynth": max_diff,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "batch_size": batch,
        "warmup_batches": a.warmup_batches,
        "batches": a.batches,
        "learning_rate": a.lr,
        "measured_seconds": secs,
        "images_per_second": ips,
        "median_batch_ms": med,
        "median_images_per_second": batch / (med / 1e3),
        "images_per_second_incl_warmup": total * batch / (stamps[total] - stamps[0]),
        "final_train_loss": final_loss,
        "batch_ms": [round(v, 1) for v in per],
        "eval": {"batch_size": a.eval_batch_size, "warmup_batches": a.eval_warmup, "batches": a.eval_batches,
                 "median_batch_ms": eval_med, "images_per_second": a.eval_batch_size / (eval_med / 1e3),
                 "how": "net.eval(), torch.no_grad(); timed: the forward pass of a slice of the training tensor",
                 "batch_ms": [round(v, 1) for v in eval_ms]},
        "peak_rss_mb": rss,
        "normalization": {"mean": mean, "std": std},
        "data": os.path.abspath(a.data),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "torch_parallel": [l.strip() for l in torch.__config__.parallel_info().splitlines() if l.strip()],
        "mkldnn_enabled": bool(torch.backends.mkldnn.is_available()),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    text = json.dumps(res, indent=2)
    if a.out:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
            with open(a.out, "w") as f:
                f.write(text + "\n")
        except OSError as e:
            fail("cannot write %s: %s — give --out a writable path" % (a.out, e))
    print("pytorch %s: train %.1f img/s (median batch %.1f ms), eval %.1f img/s, peak RSS %.0f MB%s"
          % (net.spec_name, ips, med, a.eval_batch_size / (eval_med / 1e3), rss, (" -> " + a.out) if a.out else ""))


if __name__ == "__main__":
    main()
