package dev.gensynth.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Where gensynth keeps what it measured about this machine (the engine self-check, the latency table). */
public final class UserCache {
    private UserCache() {
    }

    /** {@code GENSYNTH_CACHE}, else {@code $XDG_CACHE_HOME/gensynth}, else {@code ~/.cache/gensynth}. */
    public static Path dir() {
        String own = System.getenv("GENSYNTH_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gensynth");
    }

    /** A file name for what {@code key} describes: 16 hex digits of its SHA-256. */
    public static String fileName(String key) {
        return Digests.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
