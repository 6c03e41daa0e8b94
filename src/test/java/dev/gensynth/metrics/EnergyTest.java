package dev.gensynth.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RAPL counters, on a fixture of the powercap files as Linux lays them out. */
class EnergyTest {
    @TempDir
    Path root;

    private void zone(String name, long energy, long range) throws Exception {
        Path z = Files.createDirectories(root.resolve(name));
        Files.writeString(z.resolve("name"), name.contains(":0:") ? "core\n" : "package-0\n");
        Files.writeString(z.resolve("energy_uj"), energy + "\n");
        Files.writeString(z.resolve("max_energy_range_uj"), range + "\n");
    }

    @Test
    void packagesAreSummedTheirPartsLeftOutAndAWrapUndone() throws Exception {
        zone("intel-rapl:0", 1_000_000, 262_143_328_850L);
        zone("intel-rapl:1", 262_143_000_000L, 262_143_328_850L);
        zone("intel-rapl:0:0", 5, 262_143_328_850L); // a core sub-zone: part of package 0
        Energy e = Energy.at(root);
        assertThat(e.unavailable()).isNull();
        long[] before = e.read();
        assertThat(before).containsExactly(1_000_000, 262_143_000_000L);
        // package 0 spends 2.5 J; package 1 wraps after 328,850 uJ and goes on to 171,150 uJ: 0.5 J
        Files.writeString(root.resolve("intel-rapl:0/energy_uj"), "3500000\n");
        Files.writeString(root.resolve("intel-rapl:1/energy_uj"), "171150\n");
        assertThat(e.joules(before, e.read())).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void inferencesPerJouleCountTheRunsAgainstTheEnergyTheySpent() throws Exception {
        zone("intel-rapl:0", 0, 1_000_000_000L);
        Energy e = Energy.at(root);
        int[] calls = {0};
        double perJoule = e.inferencesPerJoule(() -> {
            for (int i = 0; i < 50; i++) {
                calls[0]++;
                try {
                    Files.writeString(root.resolve("intel-rapl:0/energy_uj"), (calls[0] * 20_000L) + "\n");
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }, 50);
        assertThat(calls[0]).isEqualTo(50);
        assertThat(perJoule).isCloseTo(50.0, within(1e-9)); // 50 runs of 0.02 J each
    }

    @Test
    void withoutACounterThereIsNoFigureAndTheReasonSaysWhy() throws Exception {
        assertThat(Energy.at(root.resolve("absent")).unavailable()).contains("no powercap driver");
        assertThat(Energy.at(root).unavailable()).contains("no RAPL package zone");
        int[] ran = {0};
        assertThat(Energy.at(root).inferencesPerJoule(() -> ran[0]++, 3)).isNaN();
        assertThat(ran[0]).as("the work runs all the same").isEqualTo(1);
        zone("intel-rapl:0", 7, 100);
        Files.setPosixFilePermissions(root.resolve("intel-rapl:0/energy_uj"), PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(root.resolve("intel-rapl:0/energy_uj"))) { // root reads anything
            assertThat(Energy.at(root).unavailable()).contains("not readable");
        }
    }
}
