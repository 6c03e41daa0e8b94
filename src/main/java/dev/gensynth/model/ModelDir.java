package dev.gensynth.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model directory: {@code spec.json} (the network), {@code weights.npz} (its parameters)
 * and {@code metrics.json} (what was measured, and how: its provenance). Everything else in
 * gensynth reads and writes trained networks through this layout.
 */
public record ModelDir(Path dir) {
    public static final String SPEC = "spec.json";
    public static final String WEIGHTS = "weights.npz";
    public static final String METRICS = "metrics.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Path specFile() {
        return dir.resolve(SPEC);
    }

    public Path weightsFile() {
        return dir.resolve(WEIGHTS);
    }

    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    public boolean hasWeights() {
        return Files.isRegularFile(weightsFile());
    }

    public NetworkSpec spec() {
        if (!Files.isDirectory(dir)) {
            throw new UserError("model directory " + dir + " does not exist; give a directory written by "
                    + "'gensynth train' (it holds " + SPEC + " and " + WEIGHTS + ")");
        }
        return SpecIO.read(specFile());
    }

    /** The weights, checked against the spec. */
    public Weights weights(NetworkSpec spec) {
        if (!hasWeights()) {
            throw new UserError("model directory " + dir + " has no " + WEIGHTS + "; train it first with "
                    + "'gensynth train', or copy the weights file beside " + SPEC);
        }
        Weights w = Weights.load(weightsFile());
        w.checkFits(spec, weightsFile().toString());
        return w;
    }

    public Optional<Metrics> metrics() {
        if (!Files.isRegularFile(metricsFile())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(metricsFile().toFile(), Metrics.class));
        } catch (IOException e) {
            throw new UserError("metrics file " + metricsFile() + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Writes spec, weights and metrics (the model size is filled in from the written weights);
     * returns the metrics written.
     */
    public Metrics save(NetworkSpec spec, Weights weights, Metrics metrics) {
        try {
            Files.createDirectories(dir);
            SpecIO.write(spec, specFile());
            weights.save(weightsFile());
            return writeMetrics(metrics.withModelBytes(Files.size(weightsFile())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model directory " + dir, e);
        }
    }

    /** Writes {@code metrics.json} with the provenance of this write; returns the metrics written. */
    public Metrics writeMetrics(Metrics m) {
        Metrics stamped = m.withProvenance(Provenance.current());
        try {
            JSON.writeValue(metricsFile().toFile(), stamped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stamped;
    }
}
