package dev.gensynth.synthesis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.UserError;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.inquisitor.InquisitorState;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A synthesis run directory. Layout:
 * <pre>
 *   run.yaml               the configuration, copied at the start
 *   prototype/             the trained prototype (a model directory) + prototype.json
 *   state-NNNN/            θG (generator.json, parent.npz) and θI (inquisitor.json) after the last cycle
 *   cycles/cycle-NNN.json  each finished cycle: its candidates and summary
 *   candidates.csv         every candidate of every finished cycle (rebuilt at each checkpoint)
 *   progress.json          finished cycles, budgets used, why the run stopped, and which state-NNNN is current
 *   best/                  the best feasible network so far (a model directory)
 *   parents/cycle-NNN/     every parent the run adopted
 *   generator/             the learned generator, once the run has finished
 * </pre>
 * A checkpoint writes a new {@code state-NNNN/} beside the current one, the cycle file and
 * {@code candidates.csv}, all durably, and then commits by replacing {@code progress.json}, which
 * names the new state: before that rename the run is at the previous checkpoint, after it at the
 * new one, whenever a crash or power cut comes. {@link #recover} removes what an interrupted
 * checkpoint left; everything else here is derived from the committed checkpoint.
 */
public record RunDir(Path dir) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String STATE_FIELD = "state";
    private static final String STATE_PREFIX = "state-";
    /** Where runs written before the state was kept in generations hold it. */
    private static final String LEGACY_STATE = "state";

    /**
     * What has been done, written last at each checkpoint.
     *
     * @param provenance how this checkpoint was made, with the run's seed and config hash (null in older runs)
     */
    /**
     * @param finetuneEpochs the candidates' fine-tuning, cycle by cycle (what the search budget counts)
     * @param sampledEpochs the fine-tuning of the networks the run judged by rather than searched with: the
     *     yardstick's copies of the prototype on a small validation split, and the networks the final and level
     *     generators' promises were measured on; set once the run is done (null in runs from before it was kept)
     */
    public record Progress(int cycles, double finetuneEpochs, double seconds, String stopReason, boolean done,
            Provenance provenance, Double sampledEpochs) {
        public Progress(int cycles, double finetuneEpochs, double seconds, String stopReason, boolean done,
                Provenance provenance) {
            this(cycles, finetuneEpochs, seconds, stopReason, done, provenance, 0.0);
        }

        /** All the fine-tuning synthesis spent: the search and choosing the generators. */
        public double allEpochs() {
            return finetuneEpochs + (sampledEpochs == null ? 0 : sampledEpochs);
        }
    }

    /** One finished cycle. */
    public record CycleSummary(int cycle, double bestUtility, long bestMacs,
            @com.fasterxml.jackson.annotation.JsonAlias("bestTop1") double bestQuality, int feasible,
            int probed, double push, boolean improved, double finetuneEpochs, double seconds,
            List<CandidateRecord> candidates) {
    }

    public Path prototypeDir() {
        return dir.resolve("prototype");
    }

    public Path config() {
        return dir.resolve("run.yaml");
    }

    public Path bestDir() {
        return dir.resolve("best");
    }

    public Path parentDir(int cycle) {
        return dir.resolve("parents").resolve(String.format("cycle-%03d", cycle));
    }

    public Path generatedDir() {
        return dir.resolve("generated");
    }

    /**
     * Moves what a finished search handed over ({@code generator/}) and the networks made from it ({@code
     * generated/}, {@code generated-X/}) into {@code before-cycle-NNN/}, so a search that goes on from cycle {@code
     * cycle} neither shows them as its own nor lets {@code generate} use an old generator; nothing is deleted.
     * Returns that folder, or null when there was nothing to move.
     */
    public Path setAsideHandover(int cycle) {
        Path aside = dir.resolve(String.format("before-cycle-%03d", cycle + 1));
        try (var entries = Files.list(dir)) {
            List<Path> moving = entries.filter(f -> Files.isDirectory(f)).filter(f -> {
                String n = f.getFileName().toString();
                return n.equals("generator") || n.equals("generated") || n.startsWith("generated-");
            }).sorted().toList();
            if (moving.isEmpty()) {
                return null;
            }
            Files.createDirectories(aside);
            for (Path f : moving) {
                Files.move(f, aside.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFiles.syncTree(aside);
            return aside;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set aside the hand-over of " + dir, e);
        }
    }

    public Optional<Progress> progress() {
        return committed().map(c -> c.progress);
    }

    /** The state directory the last checkpoint committed. */
    public Path stateDir() {
        return dir.resolve(committed().map(c -> c.state).orElse(LEGACY_STATE));
    }

    private record Committed(Progress progress, String state) {
    }

    private Optional<Committed> committed() {
        Path f = dir.resolve("progress.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(f.toFile());
            JsonNode state = n.remove(STATE_FIELD);
            return Optional.of(new Committed(JSON.treeToValue(n, Progress.class),
                    state == null ? LEGACY_STATE : state.asText()));
        } catch (IOException | ClassCastException e) {
            throw new UserError("run directory " + dir + ": progress.json is damaged (" + e.getMessage()
                    + "); start a new run");
        }
    }

    /**
     * Commits a checkpoint: θG and θI, the cycle just finished (null when none) and the progress.
     * A crash before it returns leaves the previous checkpoint (see the class comment).
     */
    public void checkpoint(GeneratorState g, InquisitorState i, CycleSummary cycle, Progress p) {
        try {
            String name = nextStateName();
            Path state = dir.resolve(name);
            AtomicFiles.deleteTree(state); // left by a checkpoint that did not commit
            Files.createDirectories(state);
            saveGenerator(g, state);
            JSON.writeValue(state.resolve("inquisitor.json").toFile(), i);
            AtomicFiles.step("sync " + dir.getFileName() + "/" + name);
            AtomicFiles.syncTree(state);
            if (cycle != null) {
                AtomicFiles.write(cycleFile(cycle.cycle()), JSON.writeValueAsBytes(cycle));
            }
            writeCandidatesCsv(p.cycles());
            ObjectNode progress = JSON.valueToTree(p);
            progress.put(STATE_FIELD, name);
            AtomicFiles.write(dir.resolve("progress.json"), JSON.writeValueAsBytes(progress));
            removeStatesOtherThan(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checkpoint run " + dir, e);
        }
    }

    /**
     * Brings the directory back to its last committed checkpoint after a crash: completes or
     * undoes interrupted file and directory replacements, and removes the state, cycle files and
     * parents of a cycle that never committed; candidates.csv is rebuilt from the committed cycles.
     */
    public void recover() {
        try {
            Optional<Committed> c = committed();
            Path legacy = dir.resolve(LEGACY_STATE);
            if (c.isPresent() && c.get().state.equals(LEGACY_STATE) && !Files.exists(legacy)
                    && Files.isDirectory(dir.resolve("state.old"))) {
                // the older layout, killed between moving state to state.old and state.tmp to state: its
                // progress.json was written after the moves, so state.old is the checkpoint it describes
                Files.move(dir.resolve("state.old"), legacy, StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFiles.recover(dir);
            AtomicFiles.recover(dir.resolve("cycles"));
            AtomicFiles.recover(dir.resolve("parents"));
            int done = c.map(x -> x.progress.cycles()).orElse(0);
            removeStatesOtherThan(c.map(x -> x.state).orElse(null));
            for (Path f : list(dir.resolve("cycles"))) {
                if (cycleNumber(f) > done) {
                    Files.delete(f);
                }
            }
            for (Path f : list(dir.resolve("parents"))) {
                if (cycleNumber(f) > done) {
                    AtomicFiles.deleteTree(f);
                }
            }
            if (c.isPresent()) {
                writeCandidatesCsv(done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover run " + dir, e);
        }
    }

    private String nextStateName() {
        int last = 0;
        String current = committed().map(x -> x.state).orElse("");
        if (current.startsWith(STATE_PREFIX)) {
            last = Integer.parseInt(current.substring(STATE_PREFIX.length()));
        }
        return String.format("%s%04d", STATE_PREFIX, last + 1);
    }

    /** Every state directory but {@code keep} (null: all), including the tmp/old of the older layout. */
    private void removeStatesOtherThan(String keep) throws IOException {
        for (Path p : list(dir)) {
            String n = p.getFileName().toString();
            boolean state = n.startsWith(STATE_PREFIX) || n.equals(LEGACY_STATE) || n.equals("state.tmp")
                    || n.equals("state.old");
            if (state && !n.equals(keep) && Files.isDirectory(p)) {
                AtomicFiles.deleteTree(p);
            }
        }
    }

    private Path cycleFile(int cycle) {
        return dir.resolve("cycles").resolve(String.format("cycle-%03d.json", cycle));
    }

    /** NNN of cycle-NNN(.json), or -1. */
    private static int cycleNumber(Path p) {
        var m = java.util.regex.Pattern.compile("cycle-(\\d+)(\\.json)?").matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static List<Path> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    /** Saves θG alone (also used for the final generator that {@code generate} reads). */
    public static void saveGenerator(GeneratorState g, Path folder) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", g.version());
        n.set("parent", SpecIO.toTree(g.parent()));
        n.set("logits", JSON.valueToTree(g.logits()));
        n.set("unitLogits", JSON.valueToTree(g.unitLogits()));
        if (g.costWindow() > 0) { // absent: one free draw per seed, as every generator before the window
            n.put("costWindow", g.costWindow());
            if (g.windowCentre() != null) {
                n.put("windowCentre", g.windowCentre());
            }
        }
        JSON.writeValue(folder.resolve("generator.json").toFile(), n);
        g.parentWeights().save(folder.resolve("parent.npz"));
    }

    public static GeneratorState loadGenerator(Path folder) {
        try {
            JsonNode n = JSON.readTree(folder.resolve("generator.json").toFile());
            NetworkSpec parent = SpecIO.parse(JSON.writeValueAsString(n.get("parent")), false,
                    folder.resolve("generator.json").toString());
            double[][] logits = JSON.treeToValue(n.get("logits"), double[][].class);
            Weights w = Weights.load(folder.resolve("parent.npz"));
            w.checkFits(parent, folder.resolve("parent.npz").toString());
            // runs from before operator units were kept their block logits as blockLogits
            JsonNode units = n.has("unitLogits") ? n.get("unitLogits") : n.get("blockLogits");
            Map<String, Double> unitLogits = units == null ? Map.of()
                    : JSON.convertValue(units, new TypeReference<Map<String, Double>>() { });
            return new GeneratorState(parent, w, logits, unitLogits, n.get("version").asInt(),
                    n.path("costWindow").asDouble(0), n.hasNonNull("windowCentre") ? n.get("windowCentre").asDouble()
                            : null);
        } catch (IOException e) {
            throw new UserError("generator state in " + folder + " cannot be read (" + e.getMessage() + ")");
        }
    }

    public GeneratorState generatorState() {
        return loadGenerator(stateDir());
    }

    public InquisitorState inquisitorState() {
        Path state = stateDir();
        try {
            return JSON.readValue(state.resolve("inquisitor.json").toFile(), InquisitorState.class);
        } catch (IOException e) {
            throw new UserError("inquisitor state in " + state + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The committed cycles, in order. */
    public List<CycleSummary> cycles() {
        try {
            return committedCycles(progress().map(Progress::cycles).orElse(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCandidatesCsv(int upToCycle) throws IOException {
        StringBuilder sb = new StringBuilder(
                "cycle,index,seed,network,widths,changed_units,params,macs," + qualityColumn() + ",latency_ms,"
                        + "predicted_latency_ms,meets_r,reasons,"
                        + "utility,"
                        + "finetune_epochs,seconds,chosen\n");
        for (CycleSummary cs : committedCycles(upToCycle)) {
            for (CandidateRecord r : cs.candidates()) {
                sb.append(String.format(java.util.Locale.ROOT, "%d,%d,%d,%s,\"%s\",\"%s\",%d,%d,%s,%s,%s,%s,\"%s\",%s,%.3f,%.1f,%s%n",
                        r.cycle(), r.index(), r.seed(), r.network(), r.widths(), String.join(" ", r.changed()),
                        r.params(), r.macs(),
                        csvNumber(r.quality(), "%.2f"), csvNumber(r.latencyMs(), "%.3f"),
                        csvNumber(r.predictedLatencyMs(), "%.3f"), r.met(),
                        String.join("; ", r.reasons()).replace("\"", "'"), csvNumber(r.utility(), "%.4f"),
                        r.finetuneEpochs(), r.seconds(), r.chosen()));
            }
        }
        AtomicFiles.writeString(dir.resolve("candidates.csv"), sb.toString());
    }

    /** The validation quality's column, named after the task's metric as the prototype's metrics name it. */
    private String qualityColumn() {
        Path m = prototypeDir().resolve("metrics.json");
        String metric = "top-1";
        try {
            metric = Files.isRegularFile(m) ? Metrics.metricName(JSON.readTree(m.toFile())) : metric;
        } catch (IOException e) {
            // no prototype metrics yet: a classifier's column, the default task's
        }
        return metric.replace("-", "").toLowerCase(java.util.Locale.ROOT) + "_validation";
    }

    /**
     * The prototype's quality the search's floor was measured from where it is not prototype.json's: on a noisy
     * validation split, the mean over the prototype and its copies ({@link Yardstick}); empty otherwise.
     */
    public java.util.OptionalDouble yardstick() {
        Yardstick.Measured m = Yardstick.read(dir);
        return m == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(m.quality()[0]);
    }

    /**
     * A number as a CSV cell: empty when it is missing (NaN: not measured, or the network diverged,
     * which the reasons column says), as spreadsheets and data frames read a missing value.
     */
    public static String csvNumber(double v, String format) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, format, v) : "";
    }

    /** The cycle files of cycles 1..upToCycle (a higher one belongs to a cycle that did not commit). */
    private List<CycleSummary> committedCycles(int upToCycle) throws IOException {
        List<CycleSummary> out = new ArrayList<>();
        for (Path f : list(dir.resolve("cycles"))) {
            int n = cycleNumber(f);
            if (n >= 1 && n <= upToCycle) {
                out.add(JSON.readValue(f.toFile(), new TypeReference<CycleSummary>() { }));
            }
        }
        out.sort(Comparator.comparingInt(CycleSummary::cycle));
        return out;
    }
}
