package dev.gensynth.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.spec.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's comparison of what two sides' CenterNet maps decode to. */
class DetectionAgreementTest {
    /** One sample, 2 classes on 4x4 maps: peaks of 0.9 (class 0 at row 1, column 1) and 0.5 (class 1 at 2, 3). */
    private static List<float[]> maps(float peak, float size) {
        float[] heat = new float[2 * 16];
        heat[1 * 4 + 1] = peak;
        heat[16 + 2 * 4 + 3] = 0.5f;
        float[] sizes = new float[2 * 16];
        java.util.Arrays.fill(sizes, size);
        float[] offsets = new float[2 * 16];
        return List.of(heat, sizes, offsets);
    }

    @Test
    void detectionsWithinTheToleranceAgreeAndAMovedOrMissingOneDoesNot() {
        Shape heatmap = Shape.of(2, 4, 4);
        double tol = 1e-4;
        assertThat(OnnxVerifier.detectionAgreement(maps(0.9f, 2f), maps(0.9f + 5e-5f, 2f + 5e-5f), heatmap, 1, tol, 4))
                .isEqualTo(1.0);
        // a size off by 0.01 moves each corner by 0.02 input pixels, far beyond 8 x 1e-4
        assertThat(OnnxVerifier.detectionAgreement(maps(0.9f, 2f), maps(0.9f, 2.01f), heatmap, 1, tol, 4)).isZero();
        // one side's first peak below the drawn scores: 1 of its detection and 1 of the other's 2 agree
        assertThat(OnnxVerifier.detectionAgreement(maps(0.9f, 2f), maps(0.005f, 2f), heatmap, 1, tol, 4))
                .isEqualTo(2.0 / 3);
    }
}
