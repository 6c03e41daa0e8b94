package dev.gensynth.inquisitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromiseTest {
    private static CandidateRecord sample(double top1, double ms, boolean met) {
        return new CandidateRecord(0, 0, 1, "n", List.of(8), 100, 1000, top1, ms, met, List.of(), 1, 1, 1, false,
                List.of(), null);
    }

    @Test
    void theNormalDistributionFunctionIsRight() {
        assertThat(Promise.phi(0)).isCloseTo(0.5, within(1e-7));
        assertThat(Promise.phi(1.6448536)).isCloseTo(0.95, within(1e-6));
        assertThat(Promise.phi(-1.959964)).isCloseTo(0.025, within(1e-6));
    }

    @Test
    void theTop1PartWeighsTheMarginAgainstTheSpreadAcrossSeedsAndTheSplitsSamplingError() {
        // 3 samples 0.5 points above the floor, spread 0.1, on a 10,000-image split (sampling error 0.27)
        Promise p = Promise.of(0.9, List.of(sample(92.4, Double.NaN, true), sample(92.5, Double.NaN, true),
                sample(92.6, Double.NaN, true)), 92.0, null, null, null, 10_000, Double.NaN);
        // without the paired error, the sample's and the prototype's sampling errors count as independent, and
        // twice (here and on the test split)
        double sampling = 100 * Math.sqrt(0.925 * 0.075 / 10_000);
        assertThat(p.probability()).isCloseTo(Promise.phi(0.5 / Math.sqrt(0.01 + 4 * sampling * sampling)),
                within(1e-9));
        // with it, the noise of the margin is what the two networks' disagreements say
        Promise paired = Promise.of(0.9, List.of(sample(92.4, Double.NaN, true), sample(92.5, Double.NaN, true),
                sample(92.6, Double.NaN, true)), 92.0, null, null, null, 10_000, 0.2);
        // measured twice with that noise: here, and on the test split
        assertThat(paired.probability()).isCloseTo(Promise.phi(0.5 / Math.sqrt(0.01 + 2 * 0.04)), within(1e-9));
        assertThat(p.met()).isEqualTo(3);
        // the same margin on a 200-image split promises much less
        Promise small = Promise.of(0.9, List.of(sample(92.4, Double.NaN, true), sample(92.5, Double.NaN, true),
                sample(92.6, Double.NaN, true)), 92.0, null, null, null, 200, Double.NaN);
        assertThat(small.probability()).isLessThan(p.probability() - 0.2);
        // a sample whose fine-tuning diverged is a miss
        Promise diverged = Promise.of(0.9, List.of(sample(92.4, Double.NaN, true), sample(92.6, Double.NaN, true),
                sample(Double.NaN, Double.NaN, false)), 92.0, null, null, null, 10_000, Double.NaN);
        assertThat(diverged.probability()).isLessThan(0.67);
        // as is one over r's MACs bound, however accurate (the samples here have 1,000 MACs)
        Promise costly = Promise.of(0.9, List.of(sample(95, Double.NaN, true), sample(95, Double.NaN, true),
                sample(95, Double.NaN, true)), 92.0, null, 999L, null, 10_000, Double.NaN);
        assertThat(costly.probability()).isZero();
        assertThat(costly.finetuneEpochs()).isEqualTo(3);
    }

    @Test
    void thePairedErrorCountsOnlyTheImagesTheTwoNetworksDisagreeOn() {
        boolean[] a = new boolean[100];
        boolean[] b = new boolean[100];
        java.util.Arrays.fill(a, true);
        java.util.Arrays.fill(b, true);
        assertThat(new dev.gensynth.task.Classification.Hits(a).pairedError(new dev.gensynth.task.Classification.Hits(b))).isZero();
        a[0] = false; // one image apart: d = -1 once, 0 elsewhere
        double mean = -0.01;
        double var = (1 - 100 * mean * mean) / 99;
        assertThat(new dev.gensynth.task.Classification.Hits(a).pairedError(new dev.gensynth.task.Classification.Hits(b))).isCloseTo(100 * Math.sqrt(var / 100), within(1e-12));
    }

    @Test
    void theLatencyPartNeedsTheSamplesBelowTheBoundByMoreThanTheirSpread() {
        List<CandidateRecord> fast = List.of(sample(92, 0.050, true), sample(92, 0.052, true), sample(92, 0.051, true));
        assertThat(Promise.of(0.9, fast, Double.NaN, 0.09, null, null, 10_000, Double.NaN).probability())
                .isGreaterThan(0.99);
        Promise near = Promise.of(0.9, fast, Double.NaN, 0.052, null, null, 10_000, Double.NaN);
        assertThat(near.probability()).isBetween(0.5, 0.8);
        assertThat(near.latencyIsWeaker()).isTrue();
        assertThat(Promise.of(0.9, fast, 91.99, 0.2, null, null, 10_000, Double.NaN).latencyIsWeaker()).isFalse();
    }

    @Test
    void theBinomialTailIsExact() {
        assertThat(Promise.binomialAtMost(1, 4, 0.85)).isCloseTo(0.15 * 0.15 * 0.15 * (0.15 + 4 * 0.85), within(1e-12));
        assertThat(Promise.binomialAtMost(4, 4, 0.3)).isCloseTo(1, within(1e-12));
        // a certain promise: all met is as promised, one miss breaks it; nothing promised cannot be broken
        assertThat(Promise.binomialAtMost(4, 4, 1.0)).isEqualTo(1);
        assertThat(Promise.binomialAtMost(3, 4, 1.0)).isZero();
        assertThat(Promise.binomialAtMost(0, 4, 0.0)).isEqualTo(1);
    }

    @Test
    void aShortfallChanceExplainsIsNoBrokenPromiseButOneItRarelyGivesIs() {
        Promise p = new Promise(0.9, 3, 3, 92, 0.1, 91, Double.NaN, null, 0.85, 3, 1000);
        assertThat(p.outcome(3, 4)).contains("expected 3.4 of 4, 3 met it (as promised)");
        // 1 of 4 at 0.85 happens 1.2 % of the time
        assertThat(p.outcome(1, 4)).contains("(fewer than promised)");
    }
}
