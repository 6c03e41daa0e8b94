package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {
    private static Row row(String name, String method, double quality, long macs, Double ms) {
        return new Row(name, method, "-", "x", quality, quality, null, null, 1000, macs, 1, 1, null, ms, null, true, List.of(), 1,
                1, null, null);
    }

    @Test
    void theNoiseIsTheSpreadOverSeedsAndTwiceTheLargestIsATie() {
        Results.Noise n = Results.Noise.of("prototype", List.of(92.0, 92.2, 92.4));
        assertThat(n.spread()).isCloseTo(0.2, within(1e-9));
        assertThat(Results.tieThreshold(List.of(n, Results.Noise.of("w", List.of(90.0, 90.1)))))
                .isCloseTo(0.4, within(1e-9));
        assertThat(Results.tieThreshold(List.of())).isNaN();
    }

    @Test
    void eachAlternativeMeetsTheFermiNetNearestInMacsAndTheOneNearestInLatency() {
        List<Row> rows = List.of(row("FermiNet-A", "gensynth", 92.5, 4_000_000, 0.10),
                row("FermiNet-B", "gensynth", 92.0, 1_000_000, 0.05),
                row("Width-A", "width", 92.3, 3_000_000, 0.06),
                row("L1-B", "l1-prune", 91.0, 1_100_000, null),
                row("mobilenet", "reference", 90.0, 5_000_000, 0.2));
        List<Results.SameTarget> same = Results.sameTarget(rows, 0.4);
        assertThat(same).extracting(Results.SameTarget::network).containsExactly("Width-A", "L1-B");
        Results.SameTarget w = same.get(0);
        // 3 M MACs is nearer 4 M than 1 M on a log scale; 0.06 ms is nearer 0.05 than 0.10
        assertThat(w.byMacs()).isEqualTo("FermiNet-A");
        assertThat(w.byMacsDifference()).isCloseTo(0.2, within(1e-9));
        assertThat(w.byMacsVerdict()).isEqualTo("tie");
        assertThat(w.byLatency()).isEqualTo("FermiNet-B");
        assertThat(w.byLatencyVerdict()).isEqualTo("tie");
        Results.SameTarget l = same.get(1);
        assertThat(l.byMacs()).isEqualTo("FermiNet-B");
        assertThat(l.byMacsVerdict()).isEqualTo("FermiNet ahead");
        assertThat(l.byLatency()).isNull();
        assertThat(Results.sameTarget(rows, Double.NaN).get(1).byMacsVerdict()).contains("noise not measured");
    }

    @Test
    void aFermiNetsSpeedFollowsItsMacsOrSitsAtTheRuntimesFloor() {
        // 4x fewer MACs, 3x faster: 0.75 of the reduction
        Results.Speed a = Results.Speed.of(row("A", "gensynth", 92, 3_000_000, 0.06), 12_000_000, 0.18, 0.01, 0.04);
        assertThat(a.macsReduction()).isCloseTo(4, within(1e-9));
        assertThat(a.speedup()).isCloseTo(3, within(1e-9));
        assertThat(a.verdict()).isEqualTo("follows MACs");
        // beside the least network the generator can make from the prototype
        assertThat(a.overSmallest()).isCloseTo(1.5, within(1e-9));
        // 40x fewer MACs, 9x faster, but within 1.5x of what the least network of this shape takes
        assertThat(Results.Speed.of(row("D", "gensynth", 91, 300_000, 0.02), 12_000_000, 0.18, 0.014, null).verdict())
                .isEqualTo("at the floor");
        // 6x fewer MACs, 1.5x faster, far above the floor
        assertThat(Results.Speed.of(row("B", "gensynth", 92, 2_000_000, 0.12), 12_000_000, 0.18, 0.01, null).verdict())
                .isEqualTo("behind MACs");
        // no floor measured: only the share decides
        assertThat(Results.Speed.of(row("C", "gensynth", 92, 2_000_000, 0.12), 12_000_000, 0.18, null, null).verdict())
                .isEqualTo("behind MACs");
    }
}
