package dev.gensynth.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Energy from the CPU's own counter, where Linux exposes it: the powercap RAPL zones
 * ({@code /sys/class/powercap/intel-rapl:N}, which AMD's Zen processors also fill through the same driver), each a
 * package's cumulative energy in microjoules ({@code energy_uj}) that wraps at {@code max_energy_range_uj}. Only
 * the top-level zones are summed (one per package; their sub-zones, {@code intel-rapl:N:M}, are parts of them).
 * Where there is no such zone, or its counter cannot be read (recent kernels let only root read it), there is no
 * figure: the reason says why, and nothing is ever estimated.
 */
public final class Energy {
    /** Where Linux puts the powercap zones. */
    public static final Path POWERCAP = Path.of("/sys/class/powercap");
    private static final Pattern PACKAGE_ZONE = Pattern.compile("intel-rapl:\\d+");

    private final List<Path> zones;
    private final String unavailable;

    private Energy(List<Path> zones, String unavailable) {
        this.zones = zones;
        this.unavailable = unavailable;
    }

    /** The counters under {@code root} (normally {@link #POWERCAP}). */
    public static Energy at(Path root) {
        if (!Files.isDirectory(root)) {
            return new Energy(List.of(), "no " + root + " (no powercap driver on this machine)");
        }
        List<Path> zones = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> PACKAGE_ZONE.matcher(p.getFileName().toString()).matches()).sorted().forEach(zones::add);
        } catch (IOException e) {
            return new Energy(List.of(), root + " cannot be listed (" + e.getMessage() + ")");
        }
        if (zones.isEmpty()) {
            return new Energy(List.of(), "no RAPL package zone (intel-rapl:N) under " + root);
        }
        for (Path z : zones) {
            if (!Files.isReadable(z.resolve("energy_uj"))) {
                return new Energy(List.of(), z.resolve("energy_uj") + " is not readable (only root may read it)");
            }
        }
        return new Energy(List.copyOf(zones), null);
    }

    /** Why there is no figure, or null when the counters can be read. */
    public String unavailable() {
        return unavailable;
    }

    /** A reading of every package's counter, in microjoules. */
    public long[] read() {
        long[] uj = new long[zones.size()];
        for (int i = 0; i < uj.length; i++) {
            uj[i] = number(zones.get(i).resolve("energy_uj"));
        }
        return uj;
    }

    /** Joules between two readings, each counter's wrap at its {@code max_energy_range_uj} undone (one wrap at most). */
    public double joules(long[] before, long[] after) {
        double uj = 0;
        for (int i = 0; i < zones.size(); i++) {
            long d = after[i] - before[i];
            if (d < 0) {
                d += number(zones.get(i).resolve("max_energy_range_uj"));
            }
            uj += d;
        }
        return uj / 1e6;
    }

    /**
     * Inferences per joule of {@code work}, which makes {@code inferences} inferences: the packages' energy over its
     * run (what else runs meanwhile counts too); NaN when {@link #unavailable()} (then {@code work} still runs) or
     * when the counter did not move (too short a measurement for its resolution).
     */
    public double inferencesPerJoule(Runnable work, int inferences) {
        long[] before = unavailable == null ? read() : null;
        work.run();
        if (before == null) {
            return Double.NaN;
        }
        double j = joules(before, read());
        return j > 0 ? inferences / j : Double.NaN;
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the energy counter " + file + ": " + e.getMessage(), e);
        }
    }
}
