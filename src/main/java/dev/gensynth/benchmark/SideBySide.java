package dev.gensynth.benchmark;

import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.metrics.Latency;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every network of the tables timed again, side by side, when the tables are written. Each step times its network
 * when it is made, but a benchmark carried over sessions makes them hours or days apart, some on another machine,
 * and batch-1 latency on a shared 2-core machine drifts by tens of percent in that time; ratios of such figures
 * compare sessions, not networks. Here every distinct network (and the prototype, the runtime's floor and the
 * least network the generator can make) is
 * timed in {@link #ROUNDS} interleaved rounds, each round in another order, in DJL and in ONNX Runtime; a row's
 * figure is the median of its rounds. Carried steps keep no weights: those networks run with fresh initial weights,
 * which cost the same time (no operator's time depends on the values, apart from denormal numbers).
 */
final class SideBySide {
    static final int ROUNDS = 5;

    /**
     * The rows with their latency timed again, the prototype's and the floor's in the same rounds, and how much the
     * rounds of one network differed: (slowest - fastest) / median of its ONNX Runtime rounds, the median and the
     * largest over the networks.
     */
    record Timed(List<Row> rows, List<Row> fresh, Double prototypeMs, Double floorMs, Double smallestMs,
            double spreadMedian, double spreadMax) {
    }

    private record Net(NetworkSpec spec, Weights weights, List<Double> djl, List<Double> ort) {
        Double djlMs() {
            return median(djl);
        }

        Double ortMs() {
            return median(ort);
        }

        double spread() {
            Double m = ortMs();
            return m == null ? Double.NaN : (ort.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                    - ort.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) / m;
        }
    }

    private SideBySide() {
    }

    static Timed of(Path benchDir, List<Row> rows, List<Row> fresh, NetworkSpec prototype, Weights prototypeWeights,
            NetworkSpec floor, List<NetworkSpec> smallest, TrainAndMeasure step, long seed, Consumer<String> log) {
        Map<String, Net> nets = new LinkedHashMap<>();
        nets.put(" prototype", new Net(prototype, prototypeWeights, new ArrayList<>(), new ArrayList<>()));
        nets.put(" floor", new Net(floor, Weights.initial(floor, seed), new ArrayList<>(), new ArrayList<>()));
        for (int i = 0; i < smallest.size(); i++) {
            nets.put(" smallest " + i, new Net(smallest.get(i), Weights.initial(smallest.get(i), seed), new ArrayList<>(),
                    new ArrayList<>()));
        }
        List<Row> all = new ArrayList<>(rows);
        all.addAll(fresh);
        for (Row r : all) {
            // the prototype's own reference row is the prototype timed above: one figure for both
            if (r.modelDir() == null || nets.containsKey(r.modelDir()) || isPrototype(r)) {
                continue;
            }
            ModelDir m = new ModelDir(benchDir.resolve(r.modelDir()));
            if (!Files.isRegularFile(m.dir().resolve(ModelDir.SPEC))) {
                continue;
            }
            NetworkSpec spec = m.spec();
            Weights w = m.hasWeights() ? m.weights(spec) : Weights.initial(spec, seed);
            nets.put(r.modelDir(), new Net(spec, w, new ArrayList<>(), new ArrayList<>()));
        }
        log.accept("timing " + nets.size() + " networks again side by side (" + ROUNDS + " interleaved rounds)");
        List<Net> order = new ArrayList<>(nets.values());
        for (int round = 0; round < ROUNDS; round++) {
            for (Net n : order) {
                OnnxLatency.Timed ort = step.onnxLatency(n.spec(), n.weights());
                if (ort != null) {
                    n.ort().add(ort.ms());
                }
                try (Network net = Network.create(n.spec(), n.weights())) {
                    n.djl().add(Latency.measure(net, step.warmup(), step.latencyRuns()).medianMs());
                }
            }
            // another order each round, so no network always follows the same one
            java.util.Collections.shuffle(order, new java.util.Random(seed + round));
        }
        double[] spreads = nets.values().stream().mapToDouble(Net::spread).filter(Double::isFinite).sorted().toArray();
        return new Timed(retimed(rows, nets), retimed(fresh, nets), nets.get(" prototype").ortMs(),
                nets.get(" floor").ortMs(), fastest(nets, smallest.size()), spreads.length == 0 ? Double.NaN : Latency.median(spreads),
                spreads.length == 0 ? Double.NaN : spreads[spreads.length - 1]);
    }

    /** The fastest of the smallest networks timed (null when none could be). */
    private static Double fastest(Map<String, Net> nets, int n) {
        Double best = null;
        for (int i = 0; i < n; i++) {
            Double ms = nets.get(" smallest " + i).ortMs();
            if (ms != null && (best == null || ms < best)) {
                best = ms;
            }
        }
        return best;
    }

    private static boolean isPrototype(Row r) {
        return r.method().equals("reference") && References.PROTOTYPE_SOURCE.equals(r.source());
    }

    private static List<Row> retimed(List<Row> rows, Map<String, Net> nets) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Net n = isPrototype(r) ? nets.get(" prototype") : r.modelDir() == null ? null : nets.get(r.modelDir());
            out.add(n == null ? r : r.withLatency(n.djlMs(), n.ortMs()));
        }
        return out;
    }

    private static Double median(List<Double> v) {
        return v.isEmpty() ? null : Latency.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
