package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.analysis.Pareto;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {
    private static Row row(String name, String method, double quality, long macs, Double ms) {
        return row(name, method, "-", quality, macs, ms, null);
    }

    private static Row row(String name, String method, String level, double quality, long macs, Double ms,
            String modelDir) {
        return new Row(name, method, level, "x", quality, quality, null, null, 1000, macs, 1, 1, null, ms, null, true,
                List.of(), 1, 1, modelDir, null);
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
    void aLevelThatSharesAnotherLevelsNetworkIsOneNetworkInTheSameTargetTable() {
        List<Row> rows = List.of(row("FermiNet-A", "gensynth", 92.5, 4_000_000, 0.10),
                row("Width-A", "width", "A", 92.3, 3_000_000, 0.06, "width/A/model"),
                row("Width-B", "width", "B", 92.3, 3_000_000, 0.06, "width/A/model"),
                row("Width-C", "width", "C", 91.0, 700_000, 0.04, "width/C/model"));
        assertThat(Results.sameTarget(rows, 0.4)).extracting(Results.SameTarget::network)
                .containsExactly("Width-A = Width-B", "Width-C");
        // no noise measured and no difference: neither is ahead
        assertThat(Results.sameTarget(List.of(row("F", "gensynth", 92, 1000, null), row("W", "width", 92, 1000, null)),
                Double.NaN).get(0).byMacsVerdict()).isEqualTo("equal (noise not measured)");
    }

    @Test
    void aNetworkThatStandsForTwoLevelsIsJudgedOnce() {
        List<Row> rows = List.of(row("Width-A", "width", "A", 92.3, 3_000_000, 0.06, "width/A/model"),
                row("Width-B", "width", "B", 92.3, 3_000_000, 0.06, "width/A/model"),
                row("Width-C", "width", "C", 91.0, 700_000, 0.04, "width/C/model"));
        assertThat(Results.distinctPoints(rows, "width")).extracting(Pareto.Point::name)
                .containsExactly("Width-A = Width-B", "Width-C");
    }

    @Test
    void anAlternativeMeetingTheFloorIsMatchedWithinTheNoiseByAFermiNetWithNoMoreMacs() {
        List<Pareto.Point> fermi = List.of(new Pareto.Point("FermiNet-A", 2_500_000, 92.9),
                new Pareto.Point("FermiNet-C", 350_000, 92.0));
        List<Pareto.Point> width = List.of(new Pareto.Point("Width-A", 2_550_000, 92.5),
                new Pareto.Point("Width-C", 670_000, 92.3),
                // below the floor (91.1): not judged, though no FermiNet has as few MACs
                new Pareto.Point("Width-E", 100_000, 85.0));
        Results.Dominance d = Results.Dominance.of("width", fermi, width, 91.1, 0.4);
        assertThat(d.judged()).isEqualTo(2);
        assertThat(d.leftWithinNoise()).isEmpty();
        // strictly, FermiNet-C's 92.0 is below Width-C's 92.3
        assertThat(d.leftStrictly()).containsExactly("Width-C");
        // Width-C's top-1 within the tie at 350,000 MACs instead of 670,000
        assertThat(d.macsAdvantage()).isCloseTo(670_000 / 350_000.0, within(1e-9));
        assertThat(d.advantageAt()).startsWith("Width-C").contains("FermiNet-C");
        // without a tie the 1.9x is gone: FermiNet-A is the least one at Width-C's top-1
        Results.Dominance strict = Results.Dominance.of("width", fermi, width, 91.1, Double.NaN);
        assertThat(strict.leftWithinNoise()).containsExactly("Width-C");
        assertThat(strict.macsAdvantage()).isCloseTo(2_550_000 / 2_500_000.0, within(1e-9));
        // an alternative above every FermiNet: nothing saved there, and it stays unmatched
        Results.Dominance above = Results.Dominance.of("l1", fermi, List.of(new Pareto.Point("L1-A", 3_000_000, 94)),
                91.1, 0.4);
        assertThat(above.leftWithinNoise()).containsExactly("L1-A");
        assertThat(above.macsAdvantage()).isNaN();
        assertThat(above.advantageAt()).isNull();
    }

    @Test
    void aFermiNetsSpeedFollowsItsMacsOrSitsAtTheRuntimesFloor() {
        // 4x fewer MACs, 3x faster: 0.75 of the reduction
        Results.Speed a = Results.Speed.of(row("A", "gensynth", 92, 3_000_000, 0.06), 12_000_000, 0.18, 0.01, 0.04, false);
        assertThat(a.macsReduction()).isCloseTo(4, within(1e-9));
        assertThat(a.speedup()).isCloseTo(3, within(1e-9));
        assertThat(a.verdict()).isEqualTo("follows MACs");
        // beside the least network the generator can make from the prototype
        assertThat(a.overSmallest()).isCloseTo(1.5, within(1e-9));
        // 40x fewer MACs, 9x faster, but within 1.5x of what the least network of this shape takes
        assertThat(Results.Speed.of(row("D", "gensynth", 91, 300_000, 0.02), 12_000_000, 0.18, 0.014, null, false).verdict())
                .isEqualTo("at the floor");
        // 6x fewer MACs, 1.5x faster, far above the floor
        assertThat(Results.Speed.of(row("B", "gensynth", 92, 2_000_000, 0.12), 12_000_000, 0.18, 0.01, null, false).verdict())
                .isEqualTo("behind MACs");
        // 2x fewer MACs, 1.1x faster: below the share, yet the first level's FermiNet is only asked to be faster
        assertThat(Results.Speed.of(row("FermiNet-A", "gensynth", "A", 92, 6_000_000, 0.16, null), 12_000_000, 0.18,
                0.01, null, true).verdict()).isEqualTo("faster than the prototype");
        // 1.2x fewer MACs, slower: the share (0.67) alone would pass it
        assertThat(Results.Speed.of(row("FermiNet-A", "gensynth", "A", 92, 10_000_000, 0.225, null), 12_000_000, 0.18,
                0.01, null, true).verdict()).isEqualTo("not faster than the prototype");
        // 50x fewer MACs ask for 0.006 ms, above the 0.005 ms floor: 0.007 ms is near the floor but behind MACs
        assertThat(Results.Speed.of(row("D", "gensynth", 91, 240_000, 0.007), 12_000_000, 0.18, 0.005, null, false).verdict())
                .isEqualTo("behind MACs");
        // no floor measured: only the share decides
        assertThat(Results.Speed.of(row("C", "gensynth", 92, 2_000_000, 0.12), 12_000_000, 0.18, null, null, false).verdict())
                .isEqualTo("behind MACs");
    }
}
