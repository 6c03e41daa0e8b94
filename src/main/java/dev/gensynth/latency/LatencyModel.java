package dev.gensynth.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.generator.Blocks;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Widths;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.CostModel;
import dev.gensynth.metrics.LayerCost;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicted batch-1 latency in ONNX Runtime (at the faster of one thread and every core, as networks are
 * judged) from the per-layer table:
 * {@code overhead + scale · Σ table(segment) + perSegment · segments}.
 *
 * <p>Segments timed alone do not add up to the network: on this kind of machine a 54-layer network at a
 * quarter of its widths ran at 0.10 ms where its segments alone summed to 0.02 ms, because every kernel
 * in a graph pays a dispatch and a thread hand-over that a one-kernel session hides in its overhead.
 * So two numbers are calibrated on whole networks measured once per run (the prototype at several widths,
 * with and without its blocks): how much of a segment's time alone it costs in the graph, and what every
 * segment costs in the graph regardless of its size. The second is what makes depth expensive at small
 * widths, which MACs do not see.
 */
public final class LatencyModel {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double[] CALIBRATION_WIDTHS = {1, 0.75, 0.5, 0.25};
    private static final int CALIBRATION_ROUNDS = 3;
    private static final int CALIBRATION_RUNS = 100;

    /** A network measured whole and predicted: the calibration rows, and how far off the model is. */
    public record Check(String network, long macs, int segments, double measuredMs, double predictedMs) {
        public double error() {
            return predictedMs / measuredMs - 1;
        }
    }

    private final LatencyTable table;
    private final double overheadMs;
    private final double scale;
    private final double perSegmentMs;
    private final List<Check> calibration;

    LatencyModel(LatencyTable table, double overheadMs, double scale, double perSegmentMs, List<Check> calibration) {
        this.table = table;
        this.overheadMs = overheadMs;
        this.scale = scale;
        this.perSegmentMs = perSegmentMs;
        this.calibration = List.copyOf(calibration);
    }

    public double overheadMs() {
        return overheadMs;
    }

    public double scale() {
        return scale;
    }

    public double perSegmentMs() {
        return perSegmentMs;
    }

    public List<Check> calibration() {
        return calibration;
    }

    /** Keeps the rows measured since the last call in the machine's table. */
    public void keepTable() {
        table.save();
    }

    /** The predicted latency of {@code spec}, measuring the table rows it lacks. */
    public double predict(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        double alone = 0;
        List<Segments.Segment> segs = Segments.of(spec);
        for (Segments.Segment s : segs) {
            alone += alone(spec, s, shapes);
        }
        return overheadMs + scale * alone + perSegmentMs * segs.size();
    }

    /**
     * Latency as G aims with it while narrowing {@code parent}: the parent's prediction, with each
     * segment's compute shrinking in proportion to its MACs (a segment without MACs, such as an add,
     * keeps its time; a left-out one saves it and its per-segment cost). Smooth in the widths, so the
     * generator's threshold search needs no new measurements; equal to {@link #predict} at the parent.
     */
    public CostModel at(NetworkSpec parent) {
        Map<String, Shape> shapes = parent.shapes();
        Map<String, Long> macs = segmentMacs(parent);
        Map<String, Double> perMac = new HashMap<>();
        Map<String, Double> fixed = new HashMap<>();
        for (Segments.Segment s : Segments.of(parent)) {
            double ms = scale * alone(parent, s, shapes);
            long m = macs.get(s.name());
            if (m > 0) {
                perMac.put(s.name(), ms / m);
            } else {
                fixed.put(s.name(), ms);
            }
        }
        return new CostModel() {
            @Override
            public double of(NetworkSpec spec) {
                Map<String, Long> m = segmentMacs(spec);
                Map<String, Shape> sh = null;
                double ms = overheadMs;
                for (Segments.Segment s : Segments.of(spec)) {
                    ms += perSegmentMs;
                    if (perMac.containsKey(s.name())) {
                        ms += perMac.get(s.name()) * m.get(s.name());
                    } else if (fixed.containsKey(s.name())) {
                        ms += fixed.get(s.name());
                    } else { // a segment the parent does not have (a block's rewiring can merge two): look it up
                        sh = sh == null ? spec.shapes() : sh;
                        ms += scale * alone(spec, s, sh);
                    }
                }
                return ms;
            }

            @Override
            public String unit() {
                return "ms";
            }
        };
    }

    /** A segment's table row, 0 for one that is not timed alone ({@link Segments#alone}). */
    private double alone(NetworkSpec spec, Segments.Segment s, Map<String, Shape> shapes) {
        return alone(table, spec, s, shapes);
    }

    private static double alone(LatencyTable table, NetworkSpec spec, Segments.Segment s, Map<String, Shape> shapes) {
        NetworkSpec a = Segments.alone(spec, s, shapes);
        return a == null ? 0 : table.of(a);
    }

    /** How G aims at latency: linearised at each parent ({@link #at}). */
    public CostModel.Aim aim() {
        return this::at;
    }

    private static Map<String, Long> segmentMacs(NetworkSpec spec) {
        Map<String, Long> layer = new HashMap<>();
        for (LayerCost c : Cost.of(spec).layers()) {
            layer.put(c.name(), c.macs());
        }
        Map<String, Long> out = new HashMap<>();
        for (Segments.Segment s : Segments.of(spec)) {
            out.put(s.name(), s.layers().stream().mapToLong(l -> layer.get(l.name())).sum());
        }
        return out;
    }

    /**
     * Calibrates on {@code prototype} at several widths (rounded to multiples of 8), each with its blocks,
     * without any and without every other one, measured whole over interleaved rounds (the median), by
     * least squares on the relative error so that small networks count as much as large ones.
     */
    public static LatencyModel calibrate(NetworkSpec prototype, LatencyTable table) {
        List<NetworkSpec> nets = calibrationNetworks(prototype);
        double[][] ms = new double[nets.size()][CALIBRATION_ROUNDS];
        for (int r = 0; r < CALIBRATION_ROUNDS; r++) {
            for (int i = 0; i < nets.size(); i++) {
                NetworkSpec n = nets.get(i);
                ms[i][r] = OnnxLatency.fastest(n, Weights.initial(n, 1), 20, CALIBRATION_RUNS).ms();
            }
        }
        double over = table.overheadMs();
        double[] alone = new double[nets.size()];
        int[] segments = new int[nets.size()];
        double[] measured = new double[nets.size()];
        for (int i = 0; i < nets.size(); i++) {
            NetworkSpec n = nets.get(i);
            Map<String, Shape> shapes = n.shapes();
            for (Segments.Segment s : Segments.of(n)) {
                alone[i] += alone(table, n, s, shapes);
                segments[i]++;
            }
            measured[i] = dev.gensynth.metrics.Latency.median(ms[i]);
        }
        double[] fit = fit(alone, segments, measured, over);
        table.save();
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) {
            checks.add(new Check(nets.get(i).name(), Cost.of(nets.get(i)).macs(), segments[i], measured[i],
                    over + fit[0] * alone[i] + fit[1] * segments[i]));
        }
        return new LatencyModel(table, over, fit[0], fit[1], checks);
    }

    /** {scale, perSegment} ≥ 0 minimising Σ ((over + scale·alone + perSegment·n) / measured − 1)². */
    static double[] fit(double[] alone, int[] segments, double[] measured, double over) {
        double saa = 0;
        double san = 0;
        double snn = 0;
        double say = 0;
        double sny = 0;
        for (int i = 0; i < alone.length; i++) {
            double w = 1 / (measured[i] * measured[i]);
            double y = measured[i] - over;
            saa += w * alone[i] * alone[i];
            san += w * alone[i] * segments[i];
            snn += w * (double) segments[i] * segments[i];
            say += w * alone[i] * y;
            sny += w * segments[i] * y;
        }
        double det = saa * snn - san * san;
        double a = det > 1e-12 * saa * snn ? (say * snn - sny * san) / det : Double.NaN;
        double n = det > 1e-12 * saa * snn ? (sny * saa - say * san) / det : Double.NaN;
        if (Double.isNaN(a) || a < 0 || n < 0) { // one term alone explains it better: keep the better of the two
            double onlyA = saa > 0 ? Math.max(0, say / saa) : 0;
            double onlyN = snn > 0 ? Math.max(0, sny / snn) : 0;
            double errA = 0;
            double errN = 0;
            for (int i = 0; i < alone.length; i++) {
                errA += Math.pow((over + onlyA * alone[i]) / measured[i] - 1, 2);
                errN += Math.pow((over + onlyN * segments[i]) / measured[i] - 1, 2);
            }
            return errA <= errN ? new double[] {onlyA, 0} : new double[] {0, onlyN};
        }
        return new double[] {a, n};
    }

    static List<NetworkSpec> calibrationNetworks(NetworkSpec prototype) {
        ChannelGroups groups = new ChannelGroups(prototype);
        List<String> blocks = Blocks.of(prototype).stream().map(Blocks.Block::name).toList();
        List<List<String>> skips = new ArrayList<>();
        skips.add(List.of());
        if (!blocks.isEmpty()) {
            skips.add(blocks);
            List<String> alternate = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i += 2) {
                alternate.add(blocks.get(i));
            }
            if (alternate.size() < blocks.size()) {
                skips.add(alternate);
            }
        }
        Widths widths = new Widths(1, Widths.DEFAULT_MULTIPLE);
        List<NetworkSpec> out = new ArrayList<>();
        for (double f : CALIBRATION_WIDTHS) {
            int[][] kept = new int[groups.count()][];
            for (int g = 0; g < groups.count(); g++) {
                kept[g] = Slicer.range(widths.of(f * groups.width(g), groups.width(g)));
            }
            NetworkSpec narrowed = Slicer.cutSpec(groups, kept);
            for (List<String> skip : skips) {
                String name = String.format("%s_x%.2f%s", prototype.name(), f, skip.isEmpty() ? ""
                        : skip.size() == blocks.size() ? "_noblocks" : "_halfblocks");
                out.add((skip.isEmpty() ? narrowed : Blocks.skip(narrowed, skip)).withName(name));
            }
        }
        return out;
    }

    /** Mean of |predicted / measured − 1| over {@code checks}. */
    public static double meanAbsError(List<Check> checks) {
        return checks.stream().mapToDouble(c -> Math.abs(c.error())).average().orElse(Double.NaN);
    }

    /** The model and its calibration, as the run keeps it ({@code latency_model.json}). */
    public void save(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("formula", "overheadMs + scale * sum(segment alone) + perSegmentMs * segments");
        root.put("machine", table.machine());
        root.put("tableThreads", table.threads());
        root.put("predicts", "batch-1 latency at the faster of one intra-op thread and every core");
        root.put("overheadMs", overheadMs);
        root.put("scale", scale);
        root.put("perSegmentMs", perSegmentMs);
        root.put("calibrationMeanAbsError", meanAbsError(calibration));
        ArrayNode rows = root.putArray("calibration");
        for (Check c : calibration) {
            ObjectNode n = rows.addObject();
            n.put("network", c.network());
            n.put("macs", c.macs());
            n.put("segments", c.segments());
            n.put("measuredMs", c.measuredMs());
            n.put("predictedMs", c.predictedMs());
        }
        AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    }

    /** A model a run kept, on {@code table} (so resuming aims exactly as before). */
    public static LatencyModel load(Path file, LatencyTable table) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        List<Check> checks = new ArrayList<>();
        for (JsonNode c : n.path("calibration")) {
            checks.add(new Check(c.path("network").asText(), c.path("macs").asLong(), c.path("segments").asInt(),
                    c.path("measuredMs").asDouble(), c.path("predictedMs").asDouble()));
        }
        return new LatencyModel(table, n.path("overheadMs").asDouble(), n.path("scale").asDouble(),
                n.path("perSegmentMs").asDouble(), checks);
    }
}
