package dev.gensynth.requirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import org.junit.jupiter.api.Test;

class RequirementsTest {
    @Test
    void everyUnmetRequirementGivesItsReason() {
        Requirements r = new Requirements(null, 1.0, 1_000_000L, 50_000L, 2.0);
        Verdict v = r.check(new Observation(90.0, 60_000, 2_000_000, 3.5, "test"), 92.0);
        assertThat(v.met()).isFalse();
        assertThat(v.reasons()).containsExactly(
                "top-1 90.00% < 91.00% required (prototype 92.00% - 1.0)",
                "MACs 2,000,000 > 1,000,000 allowed",
                "params 60,000 > 50,000 allowed",
                "latency 3.500 ms > 2.000 ms allowed");
    }

    @Test
    void metWhenAllHoldAndTheStricterAccuracyFloorWins() {
        Requirements r = new Requirements(91.5, 1.0, 1_000_000L, null, null);
        assertThat(r.floor(92.0)).isEqualTo(91.5);
        assertThat(r.check(new Observation(91.6, 10, 999_999, Double.NaN, "test"), 92.0).met()).isTrue();
        assertThat(r.check(new Observation(91.4, 10, 999_999, Double.NaN, "test"), 92.0).reasons())
                .singleElement().asString().contains("91.40% < 91.50%");
    }

    @Test
    void latencyRequirementFailsWhenNotMeasured() {
        Requirements r = new Requirements(null, null, null, null, 1.0);
        assertThat(r.check(new Observation(90, 1, 1, Double.NaN, "test"), 90).reasons())
                .containsExactly("latency not measured");
    }

    @Test
    void accuracyFloorFailsWhenTopOneIsNotANumber() {
        Requirements r = new Requirements(null, 1.0, null, null, null);
        assertThat(r.check(new Observation(Double.NaN, 1, 1, Double.NaN, "test"), 90).reasons())
                .containsExactly("top-1 not measured");
    }

    @Test
    void impossibleValuesAreRejected() {
        assertThatThrownBy(() -> new Requirements(101.0, null, null, null, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("minQuality (top-1)");
        assertThatThrownBy(() -> new Requirements(null, -1.0, null, null, null)).isInstanceOf(UserError.class);
    }
}
