package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.inquisitor.Promise;
import org.junit.jupiter.api.Test;

class GenerateCommandTest {
    @Test
    void theBinomialTailIsExact() {
        assertThat(GenerateCommand.binomialAtMost(1, 4, 0.85)).isCloseTo(0.15 * 0.15 * 0.15 * (0.15 + 4 * 0.85),
                within(1e-12));
        assertThat(GenerateCommand.binomialAtMost(4, 4, 0.3)).isCloseTo(1, within(1e-12));
        // a certain promise: all met is as promised, one miss breaks it; nothing promised cannot be broken
        assertThat(GenerateCommand.binomialAtMost(4, 4, 1.0)).isEqualTo(1);
        assertThat(GenerateCommand.binomialAtMost(3, 4, 1.0)).isZero();
        assertThat(GenerateCommand.binomialAtMost(0, 4, 0.0)).isEqualTo(1);
    }

    @Test
    void aShortfallChanceExplainsIsNoBrokenPromiseButOneItRarelyGivesIs() {
        Promise p = new Promise(0.9, 3, 3, 92, 0.1, 91, Double.NaN, null, 0.85, 3, 1000);
        assertThat(GenerateCommand.promised(p, 3, 4)).contains("expected 3.4 of 4, 3 met it (as promised)");
        // 1 of 4 at 0.85 happens 1.2 % of the time
        assertThat(GenerateCommand.promised(p, 1, 4)).contains("(fewer than promised)");
    }
}
