package dev.gensynth.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where each benchmark step keeps its result: {@code row.json} in the step's directory, written
 * last and atomically, so a step whose row exists is done and an interrupted benchmark skips it.
 */
final class Rows {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Rows() {
    }

    /** The step's row, or null when it has not finished (a damaged row is redone). */
    static Row read(Path d) {
        Path f = d.resolve("row.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), Row.class);
        } catch (IOException e) {
            return null;
        }
    }

    static void write(Path d, Row r) {
        try {
            AtomicFiles.write(d.resolve("row.json"), JSON.writeValueAsBytes(r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
