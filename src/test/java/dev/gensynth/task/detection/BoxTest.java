package dev.gensynth.task.detection;

import static dev.gensynth.task.detection.IouConvention.CONTINUOUS;
import static dev.gensynth.task.detection.IouConvention.PIXEL_INCLUSIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BoxTest {
    @Test
    void widthAndHeightAreReadAsCornersFromXywh() {
        Box b = Box.fromXywh(25, 16, 38, 56);
        assertThat(b).isEqualTo(new Box(25, 16, 63, 72));
        assertThat(b.area()).isEqualTo(38.0 * 56);
        assertThat(b.area(PIXEL_INCLUSIVE)).isEqualTo(39.0 * 57);
    }

    @Test
    void theConventionDecidesRafaelpadillasDetectionG() {
        // detection G (image 00003, ".18 109 15 77 39") against ground truth "123 30 49 44":
        // continuous 49 x 24 over 3003 + 2156 - 1176; pixel-inclusive 50 x 25 over 3120 + 2250 - 1250
        Box g = Box.fromXywh(109, 15, 77, 39);
        Box truth = Box.fromXywh(123, 30, 49, 44);
        assertThat(g.iou(truth, CONTINUOUS)).isCloseTo(1176.0 / 3983, within(1e-15)).isLessThan(0.3);
        assertThat(g.iou(truth, PIXEL_INCLUSIVE)).isCloseTo(1250.0 / 4120, within(1e-15)).isGreaterThan(0.3);
        assertThat(g.iou(truth)).isEqualTo(g.iou(truth, CONTINUOUS));
    }

    @Test
    void boxesSharingAnEdgeOverlapOnlyAsPixels() {
        Box left = new Box(0, 0, 10, 10);
        Box right = new Box(10, 0, 20, 10);
        assertThat(left.iou(right, CONTINUOUS)).isZero();
        // the shared column x = 10 is 1 x 11 pixels, each box 11 x 11
        assertThat(left.iou(right, PIXEL_INCLUSIVE)).isCloseTo(11.0 / (121 + 121 - 11), within(1e-15));
        assertThat(left.iou(new Box(30, 30, 40, 40), PIXEL_INCLUSIVE)).isZero();
    }

    @Test
    void torchmetricsExampleBoxes() {
        // intersection 304 x 244, each box 348 x 244
        Box prediction = new Box(258, 41, 606, 285);
        Box target = new Box(214, 41, 562, 285);
        assertThat(prediction.iou(target)).isCloseTo(74176.0 / 95648, within(1e-15));
        assertThat(prediction.iou(target)).isBetween(0.75, 0.8);
    }

    @Test
    void cornersMustBeOrderedAndFinite() {
        assertThatThrownBy(() -> new Box(5, 0, 4, 1)).hasMessageContaining("ordered");
        assertThatThrownBy(() -> new Box(0, 0, Double.NaN, 1)).hasMessageContaining("finite");
        assertThat(new Box(3, 3, 3, 3).area(PIXEL_INCLUSIVE)).isEqualTo(1.0);
    }
}
