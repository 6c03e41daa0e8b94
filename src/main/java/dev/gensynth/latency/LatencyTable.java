package dev.gensynth.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.io.UserCache;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.SpecBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-layer lookup table, as NetAdapt and nn-Meter keep one: the batch-1 ONNX Runtime latency of
 * each segment ({@link Segments}) run alone, less what running any session costs. Measured once per
 * machine, runtime and thread count, on first need, and kept in the user's cache
 * ({@code GENSYNTH_CACHE/latency/}), so a second run on the same machine measures only layers it has not seen.
 */
public final class LatencyTable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WARMUP = 30;
    private static final int RUNS = 200;

    private final Path file;
    private final String machine;
    private final int threads;
    private double overheadMs;
    private final Map<String, Double> rows;
    private boolean changed;

    private LatencyTable(Path file, String machine, int threads, double overheadMs, Map<String, Double> rows) {
        this.file = file;
        this.machine = machine;
        this.threads = threads;
        this.overheadMs = overheadMs;
        this.rows = rows;
    }

    /**
     * The table of this machine, from the cache if there is one. Segments are timed at one intra-op thread:
     * that is stable (within about 5 % between sessions) where two threads on two cores gave the same small
     * network 0.055 or 0.10 ms depending on the session; the model's calibration maps it to the latency
     * networks are judged by ({@link dev.gensynth.export.OnnxLatency#fastest}).
     */
    public static LatencyTable forMachine() {
        int threads = 1;
        Provenance p = Provenance.current();
        String machine = p.cpu() + ", ONNX Runtime " + p.onnxRuntimeVersion() + ", " + threads + " thread";
        // the CPU's name can be as vague as "AMD EPYC": its instruction sets tell generations apart
        String key = machine + "|" + dev.gensynth.engine.Kernels.cpu().flags();
        Path f = UserCache.dir().resolve("latency").resolve(UserCache.fileName(key) + ".json");
        if (Files.isRegularFile(f)) {
            try {
                JsonNode n = JSON.readTree(f.toFile());
                Map<String, Double> rows = new TreeMap<>();
                n.path("rows").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue().asDouble()));
                return new LatencyTable(f, machine, threads, n.path("overheadMs").asDouble(Double.NaN), rows);
            } catch (IOException | RuntimeException e) {
                // a broken cache only costs measuring again
                System.err.println("gensynth: ignoring the unreadable latency table " + f + ": " + e.getMessage());
            }
        }
        return new LatencyTable(f, machine, threads, Double.NaN, new TreeMap<>());
    }

    /** A table that is not kept on disk (tests). */
    public static LatencyTable inMemory() {
        return new LatencyTable(null, "in memory", 1, Double.NaN, new TreeMap<>());
    }

    public int threads() {
        return threads;
    }

    public String machine() {
        return machine;
    }

    public int size() {
        return rows.size();
    }

    /** What one session run of a network that does nothing costs: the floor every prediction starts from. */
    public double overheadMs() {
        if (Double.isNaN(overheadMs)) {
            NetworkSpec nothing = new SpecBuilder(Shape.of(1, 1, 1)).flatten().build("nothing");
            overheadMs = measure(nothing);
            changed = true;
        }
        return overheadMs;
    }

    /** The latency of {@code alone} (a segment as its own network, {@link Segments#alone}) beyond the overhead. */
    public double of(NetworkSpec alone) {
        String key = Segments.key(alone);
        Double ms = rows.get(key);
        if (ms == null) {
            ms = Math.max(0, measure(alone) - overheadMs());
            rows.put(key, ms);
            changed = true;
        }
        return ms;
    }

    private double measure(NetworkSpec net) {
        return OnnxLatency.measure(net, Weights.initial(net, 1), threads, WARMUP, RUNS);
    }

    /**
     * Writes new rows to the cache, merged with what is there now (another run may have added rows; a row
     * already on disk keeps its value, so runs on one machine share one measurement), through a temporary
     * file of its own. An unwritable cache only costs measuring again next time.
     */
    public void save() {
        if (file == null || !changed) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Map<String, Double> merged = new TreeMap<>(rows);
            double over = overheadMs;
            if (Files.isRegularFile(file)) {
                try {
                    JsonNode disk = JSON.readTree(file.toFile());
                    disk.path("rows").fields().forEachRemaining(e -> merged.put(e.getKey(), e.getValue().asDouble()));
                    if (disk.path("overheadMs").isNumber()) {
                        over = disk.path("overheadMs").asDouble();
                    }
                } catch (IOException | RuntimeException e) {
                    // unreadable: replaced by what this run has
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("machine", machine);
            root.put("overheadMs", over);
            ObjectNode r = root.putObject("rows");
            merged.forEach(r::put);
            dev.gensynth.io.AtomicFiles.writeShared(file, JSON.writeValueAsBytes(root));
            changed = false;
        } catch (IOException e) {
            System.err.println("gensynth: cannot keep the latency table in " + file + ": " + e.getMessage());
        }
    }
}
