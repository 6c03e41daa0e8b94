package dev.gensynth.model;

import dev.gensynth.UserError;
import dev.gensynth.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Output directories are never overwritten silently: a non-empty one needs an explicit force. */
public final class OutputDir {
    private OutputDir() {
    }

    /** Makes {@code dir} ready to be written; with {@code force} an existing one is emptied first. */
    public static Path prepare(Path dir, boolean force, String flag) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UserError("output " + dir + " exists and is a file; choose another path");
            }
            if (Files.isDirectory(dir) && !isEmpty(dir)) {
                if (!force) {
                    throw new UserError("output directory " + dir + " already exists and is not empty; choose "
                            + "another directory, or pass " + flag + " to replace its contents");
                }
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        AtomicFiles.deleteTree(p);
                    }
                }
            }
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare output directory " + dir, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
