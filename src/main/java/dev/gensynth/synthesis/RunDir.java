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
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A synthesis run directory. Layout:
 * <pre>
 *   run.yaml               the configuration, copied at the start
 *   prototype/             the trained prototype (a model directory) + prototype.json
 *   state/                 θG (generator.json, parent.npz) and θI (inquisitor.json) after the last cycle
 *   cycles/cycle-NNN.json  each finished cycle: its candidates and summary
 *   candidates.csv         every candidate of every finished cycle (rebuilt at each checkpoint)
 *   progress.json          finished cycles, budgets used, and why the run stopped
 *   best/                  the best feasible network so far (a model directory)
 * </pre>
 * A checkpoint writes {@code state} to a temporary folder and renames it into place, then
 * {@code progress.json} the same way, so a crash at any moment leaves the last finished cycle
 * intact and loses at most the cycle in progress.
 */
public record RunDir(Path dir) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What has been done, written last at each checkpoint.
     *
     * @param provenance how this checkpoint was made, with the run's seed and config hash (null in older runs)
     */
    public record Progress(int cycles, double finetuneEpochs, double seconds, String stopReason, boolean done,
            Provenance provenance) {
    }

    /** One finished cycle. */
    public record CycleSummary(int cycle, double bestUtility, long bestMacs, double bestTop1, int feasible,
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

    public Path generatedDir() {
        return dir.resolve("generated");
    }

    public Optional<Progress> progress() {
        Path f = dir.resolve("progress.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), Progress.class));
        } catch (IOException e) {
            throw new UserError("run directory " + dir + ": progress.json is damaged (" + e.getMessage()
                    + "); start a new run");
        }
    }

    public void checkpoint(GeneratorState g, InquisitorState i, CycleSummary cycle, Progress p) {
        try {
            if (cycle != null) {
                Files.createDirectories(dir.resolve("cycles"));
                writeAtomically(dir.resolve("cycles").resolve(String.format("cycle-%03d.json", cycle.cycle())),
                        JSON.writeValueAsBytes(cycle));
            }
            Path tmp = dir.resolve("state.tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            saveGenerator(g, tmp);
            JSON.writeValue(tmp.resolve("inquisitor.json").toFile(), i);
            Path state = dir.resolve("state");
            Path old = dir.resolve("state.old");
            deleteTree(old);
            if (Files.exists(state)) {
                Files.move(state, old);
            }
            Files.move(tmp, state);
            deleteTree(old);
            writeCandidatesCsv();
            writeAtomically(dir.resolve("progress.json"), JSON.writeValueAsBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checkpoint run " + dir, e);
        }
    }

    /** Saves θG alone (also used for the final generator that {@code generate} reads). */
    public static void saveGenerator(GeneratorState g, Path folder) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", g.version());
        n.set("parent", SpecIO.toTree(g.parent()));
        n.set("logits", JSON.valueToTree(g.logits()));
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
            return new GeneratorState(parent, w, logits, n.get("version").asInt());
        } catch (IOException e) {
            throw new UserError("generator state in " + folder + " cannot be read (" + e.getMessage() + ")");
        }
    }

    public GeneratorState generatorState() {
        return loadGenerator(dir.resolve("state"));
    }

    public InquisitorState inquisitorState() {
        try {
            return JSON.readValue(dir.resolve("state").resolve("inquisitor.json").toFile(), InquisitorState.class);
        } catch (IOException e) {
            throw new UserError("inquisitor state in " + dir.resolve("state") + " cannot be read (" + e.getMessage()
                    + ")");
        }
    }

    public List<CycleSummary> cycles() {
        Path c = dir.resolve("cycles");
        if (!Files.isDirectory(c)) {
            return List.of();
        }
        int done = progress().map(Progress::cycles).orElse(0);
        List<CycleSummary> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(c)) {
            for (Path f : s.sorted().toList()) {
                CycleSummary cs = JSON.readValue(f.toFile(), CycleSummary.class);
                if (cs.cycle() <= done) { // a cycle file newer than progress.json belongs to an unfinished cycle
                    out.add(cs);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(CycleSummary::cycle));
        return out;
    }

    private void writeCandidatesCsv() throws IOException {
        StringBuilder sb = new StringBuilder(
                "cycle,index,seed,network,widths,params,macs,top1_validation,latency_ms,meets_r,reasons,utility,"
                        + "finetune_epochs,seconds,chosen\n");
        for (CycleSummary cs : cyclesOnDisk()) {
            for (CandidateRecord r : cs.candidates()) {
                sb.append(String.format(java.util.Locale.ROOT, "%d,%d,%d,%s,\"%s\",%d,%d,%s,%s,%s,\"%s\",%s,%.3f,%.1f,%s%n",
                        r.cycle(), r.index(), r.seed(), r.network(), r.widths(), r.params(), r.macs(),
                        csvNumber(r.top1(), "%.2f"), csvNumber(r.latencyMs(), "%.3f"), r.met(),
                        String.join("; ", r.reasons()).replace("\"", "'"), csvNumber(r.utility(), "%.4f"),
                        r.finetuneEpochs(), r.seconds(), r.chosen()));
            }
        }
        writeAtomically(dir.resolve("candidates.csv"), sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A number as a CSV cell: empty when it is missing (NaN: not measured, or the network diverged,
     * which the reasons column says), as spreadsheets and data frames read a missing value.
     */
    public static String csvNumber(double v, String format) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, format, v) : "";
    }

    private List<CycleSummary> cyclesOnDisk() throws IOException {
        List<CycleSummary> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("cycles"))) {
            for (Path f : s.sorted().toList()) {
                out.add(JSON.readValue(f.toFile(), new TypeReference<CycleSummary>() { }));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return out;
        }
        return out;
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
