package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.inquisitor.Inquisitor;
import dev.gensynth.inquisitor.Promise;
import dev.gensynth.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generators a finished search hands over, the final one and one per requirement level, each kept in
 * {@code handover/} of the run as soon as it is made. Choosing them fine-tunes a few networks per generator, an
 * hour for the benchmark's four levels on 2 cores; a run killed meanwhile resumes with the ones already made
 * instead of making them again (they are deterministic, so it gets what an uninterrupted run gets). Removed once
 * {@code generator/} holds them all.
 */
final class Handover {
    static final String DIR = "handover";
    private static final String FINAL = "final";
    private static final String SAMPLED = "sampled.json";

    private static final String KEY = "key.json";

    private final Path dir;

    /**
     * What the run kept for the search that ended after {@code cycles} cycles under the config hashed as {@code
     * configHash}; what it kept for another (a resumed run that searched on, or whose config changed) is dropped.
     */
    Handover(Path runDir, int cycles, String configHash) {
        this.dir = runDir.resolve(DIR);
        try {
            AtomicFiles.recover(dir);
            AtomicFiles.recover(dir.resolve(LevelGenerators.DIR));
            ObjectNode key = RunDir.JSON.createObjectNode();
            key.put("cycles", cycles);
            key.put("configHash", configHash);
            Path k = dir.resolve(KEY);
            if (!Files.isRegularFile(k) || !RunDir.JSON.readTree(k.toFile()).equals(key)) {
                AtomicFiles.deleteTree(dir);
                Files.createDirectories(dir);
                AtomicFiles.write(k, RunDir.JSON.writeValueAsBytes(key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover " + dir, e);
        }
    }

    /** The final generator as kept, or null when it was not made yet. */
    Inquisitor.Final finalGenerator() {
        return read(dir.resolve(FINAL));
    }

    void keepFinal(Inquisitor.Final f) {
        write(dir.resolve(FINAL), f, null);
    }

    /** Level {@code name}'s generator as kept, or null when it was not made yet. */
    LevelGenerators.Made level(String name) {
        Path d = dir.resolve(LevelGenerators.DIR).resolve(name);
        Inquisitor.Final f = read(d);
        if (f == null) {
            return null;
        }
        try {
            return new LevelGenerators.Made(RunDir.JSON.readValue(d.resolve(LevelGenerators.LEVEL).toFile(),
                    LevelGenerators.Level.class), f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + d, e);
        }
    }

    void keepLevel(LevelGenerators.Made m) {
        write(dir.resolve(LevelGenerators.DIR).resolve(m.level().name()), m.generator(), m.level());
    }

    /** Forgets what was kept: {@code generator/} holds it now. */
    void clear() {
        try {
            AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static Inquisitor.Final read(Path d) {
        // written whole by one atomic directory replacement: the epochs file is there exactly when all of it is
        if (!Files.isRegularFile(d.resolve(SAMPLED))) {
            return null;
        }
        try {
            double sampled = RunDir.JSON.readTree(d.resolve(SAMPLED).toFile()).path("sampledEpochs").asDouble();
            Path p = d.resolve(Synthesis.PROMISE);
            Promise promise = Files.isRegularFile(p) ? RunDir.JSON.readValue(p.toFile(), Promise.class) : null;
            return new Inquisitor.Final(RunDir.loadGenerator(d), promise, sampled);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + d, e);
        }
    }

    /**
     * A handed-over generator as {@code generate} reads it, in {@code folder}: θG, its promise when it has one, and
     * what level it is for when it is a level's.
     */
    static void save(Path folder, GeneratorState g, Promise promise, LevelGenerators.Level level) throws IOException {
        RunDir.saveGenerator(g, folder);
        if (promise != null) {
            RunDir.JSON.writeValue(folder.resolve(Synthesis.PROMISE).toFile(), promise);
        }
        if (level != null) {
            RunDir.JSON.writeValue(folder.resolve(LevelGenerators.LEVEL).toFile(), level);
        }
    }

    private static void write(Path d, Inquisitor.Final f, LevelGenerators.Level level) {
        try {
            AtomicFiles.replaceDirectory(d, tmp -> {
                save(tmp, f.generator(), f.promise(), level);
                ObjectNode n = RunDir.JSON.createObjectNode();
                n.put("sampledEpochs", f.sampledEpochs());
                RunDir.JSON.writeValue(tmp.resolve(SAMPLED).toFile(), n);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + d, e);
        }
    }
}
