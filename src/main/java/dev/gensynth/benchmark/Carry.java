package dev.gensynth.benchmark;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.UserError;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.ModelDir;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.provenance.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A benchmark carried over several sessions or machines, when it takes longer than one of them lasts: every
 * finished step's row, with its model's {@code spec.json} and {@code metrics.json} (never its weights), is
 * copied to a store small enough to commit, and copied back into a fresh benchmark directory, so that those
 * steps are not run again.
 *
 * <p>Steps that start from the synthesis run or the trained prototype (the FermiNets, L1 pruning, random
 * sampling, the prototype's seed spread) get them by running the synthesis again with the same seed. The
 * store's {@code run.json} records what that run must reproduce: the digest of the prototype's weights, its
 * validation and test quality, the synthesis's epochs and each level generator's parent. A run that does not
 * reproduce them stops the benchmark, since the carried rows would then compare networks of two different
 * prototypes. The one set of weights carried is the run's own generator's parent (tens of kilobytes, in
 * {@code fresh/generator/}): fresh networks left unmade are made from it after only the prototype is trained again,
 * without the search.
 */
final class Carry {
    static final String RUN = "run.json";
    private static final List<String> MODEL_FILES = List.of(ModelDir.SPEC, ModelDir.METRICS);
    /** Files carried beside the steps' rows: what the run's generator promised for the fresh networks. */
    // promise.json: what the run's generator promised; the others: that generator itself (fresh/generator/),
    // kept so that fresh networks left unmade can be made without the run's search
    private static final java.util.Set<String> SIDE_FILES = java.util.Set.of("promise.json", "generator.json",
            "parent.npz", "finetune.json");

    private final Path store;

    Carry(Path store) {
        this.store = store;
    }

    Path store() {
        return store;
    }

    /**
     * Copies every carried step that {@code dir} does not have into it, and every carried file it keeps beside
     * the steps ({@link #keepFile}); returns how many steps.
     */
    int restore(Path dir) {
        if (!Files.isDirectory(store)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> s = Files.walk(store)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = store.relativize(f);
                if (f.getFileName().toString().equals("row.json")) {
                    if (Rows.read(dir.resolve(rel.getParent())) == null) {
                        copyStep(f.getParent(), dir.resolve(rel.getParent()));
                        n++;
                    }
                } else if (SIDE_FILES.contains(f.getFileName().toString()) && !Files.exists(dir.resolve(rel))) {
                    AtomicFiles.write(dir.resolve(rel), Files.readAllBytes(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the carried benchmark steps of " + store, e);
        }
        return n;
    }

    /** Copies a file a step keeps beside the rows (one of {@link #SIDE_FILES}) to the store. */
    void keepFile(Path dir, Path file) {
        if (!SIDE_FILES.contains(file.getFileName().toString())) {
            throw new IllegalArgumentException("not a carried side file: " + file);
        }
        try {
            AtomicFiles.write(store.resolve(dir.relativize(file)), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot carry " + file + " to " + store, e);
        }
    }

    /** Copies one finished step of {@code dir} to the store. */
    void keep(Path dir, Path stepDir) {
        try {
            copyStep(stepDir, store.resolve(dir.relativize(stepDir)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot carry benchmark step " + stepDir + " to " + store, e);
        }
    }

    /** The model's small files first, the row last: a step whose row exists is complete (see {@link Rows}). */
    private static void copyStep(Path from, Path to) throws IOException {
        for (String f : MODEL_FILES) {
            Path m = from.resolve("model").resolve(f);
            if (Files.isRegularFile(m)) {
                AtomicFiles.write(to.resolve("model").resolve(f), Files.readAllBytes(m));
            }
        }
        AtomicFiles.write(to.resolve("row.json"), Files.readAllBytes(from.resolve("row.json")));
    }

    /**
     * What a synthesis run must reproduce for carried rows to belong with it.
     *
     * @param levels each level generator's parent, MACs and final fine-tuning, by level name
     * @param runConfigHash the hash of the run's {@code run.yaml} (its search, generate and distill sections too);
     *     null in prints recorded before it was
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record RunPrint(String prototypeWeightsSha256,
            @JsonAlias("prototypeValidationTop1") double prototypeValidationQuality,
            @JsonAlias("prototypeTestTop1") double prototypeTestQuality, double synthesisEpochs,
            Map<String, String> levels, String runConfigHash) {

        static RunPrint of(Path runDir, Prototype prototype, double synthesisEpochs, Map<String, String> levels) {
            return new RunPrint(sha256(new ModelDir(runDir.resolve("prototype")).weightsFile()),
                    prototype.validationQuality(), prototype.testQuality(), synthesisEpochs, Map.copyOf(levels),
                    configHash(runDir));
        }

        /** The same run, where a print without a config hash (recorded before it was) matches any. */
        boolean sameRun(RunPrint o) {
            return new RunPrint(prototypeWeightsSha256, prototypeValidationQuality, prototypeTestQuality,
                    synthesisEpochs, levels, null).equals(new RunPrint(o.prototypeWeightsSha256,
                    o.prototypeValidationQuality, o.prototypeTestQuality, o.synthesisEpochs, o.levels, null))
                    && (runConfigHash == null || o.runConfigHash == null || runConfigHash.equals(o.runConfigHash));
        }
    }

    static String configHash(Path runDir) {
        try {
            return Provenance.configHash(Files.readString(runDir.resolve("run.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records this run's print in the store the first time; afterwards stops with a clear error when the run
     * made here differs from the one the carried rows came from.
     */
    void checkRun(RunPrint here) {
        Path f = store.resolve(RUN);
        try {
            if (!Files.isRegularFile(f)) {
                ObjectNode j = Rows.JSON.createObjectNode();
                j.set("run", Rows.JSON.valueToTree(here));
                j.set("provenance", Rows.JSON.valueToTree(Provenance.current()));
                AtomicFiles.write(f, Rows.JSON.writeValueAsBytes(j));
                return;
            }
            JsonNode j = Rows.JSON.readTree(f.toFile());
            RunPrint there = Rows.JSON.treeToValue(j.path("run"), RunPrint.class);
            if (there.sameRun(here) && there.runConfigHash() == null && here.runConfigHash() != null) {
                // recorded before the config hash was: add it, so a later session that trains only the prototype
                // can check the config too
                ((ObjectNode) j).set("run", Rows.JSON.valueToTree(new RunPrint(there.prototypeWeightsSha256(),
                        there.prototypeValidationQuality(), there.prototypeTestQuality(), there.synthesisEpochs(),
                        there.levels(), here.runConfigHash())));
                AtomicFiles.write(f, Rows.JSON.writeValueAsBytes(j));
            }
            if (!there.sameRun(here)) {
                throw new UserError("the synthesis run made here differs from the one the carried benchmark steps in "
                        + store + " were made with (" + j.path("provenance").path("date").asText("date unknown")
                        + ", commit " + j.path("provenance").path("gitCommit").asText("unknown") + "): here " + here
                        + ", there " + there + ". Rows of the two cannot share one table; move " + store
                        + " aside to run every step again, or run on the machine kind and commit it was made with");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + f, e);
        }
    }

    /** The print of the run the carried steps were made with, or null before one was recorded. */
    RunPrint carriedRun() {
        Path f = store.resolve(RUN);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Rows.JSON.treeToValue(Rows.JSON.readTree(f.toFile()).path("run"), RunPrint.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Stops with a clear error when a prototype trained here (with no search after it) differs from the carried
     * run's, or its run config does: the print of the carried run with this prototype and config in it must be the
     * same run ({@link RunPrint#sameRun}).
     */
    void checkPrototype(Path runDir, Prototype here) {
        RunPrint there = carriedRun();
        RunPrint made = new RunPrint(sha256(new ModelDir(runDir.resolve("prototype")).weightsFile()),
                here.validationQuality(), here.testQuality(), there.synthesisEpochs(), there.levels(),
                configHash(runDir));
        if (!there.sameRun(made)) {
            throw new UserError("the prototype trained here, or the synthesis config it was trained from, differs from "
                    + "the one the carried benchmark steps in " + store + " were made with: here " + made + ", there "
                    + there + ". Rows of the two cannot share one table; run on the machine kind and commit the store "
                    + "was made with (and its synthesis config), or move " + store + " aside to run every step again");
        }
    }

    static String sha256(Path file) {
        try {
            return dev.gensynth.io.Digests.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
