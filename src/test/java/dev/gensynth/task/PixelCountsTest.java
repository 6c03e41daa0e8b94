package dev.gensynth.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PixelCountsTest {
    private static PixelCounts of(int classes, int[] truth, int[] prediction) {
        PixelCounts p = new PixelCounts(classes);
        for (int i = 0; i < truth.length; i++) {
            p.add(truth[i], prediction[i]);
        }
        return p;
    }

    @Test
    void theWorkedExample() {
        // truth [0,0,1,1], prediction [0,1,0,1]: each class 1 of 3 pixels in its union
        PixelCounts p = of(2, new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1});
        assertThat(p.meanIoU()).isCloseTo(100.0 / 3, within(1e-9));
        assertThat(p.pixelAccuracy()).isCloseTo(50.0, within(1e-9));
        assertThat(p.iou(0)).isCloseTo(100.0 / 3, within(1e-9));
    }

    @Test
    void countsAreSummedOverTheSplitBeforeDividing() {
        // image A all background and right; image B: class 1 half found
        PixelCounts a = of(2, new int[] {0, 0, 0, 0}, new int[] {0, 0, 0, 0});
        PixelCounts b = of(2, new int[] {1, 1, 0, 0}, new int[] {1, 0, 0, 0});
        assertThat(a.meanIoU()).isEqualTo(100.0); // class 1 absent from both: left out, not a 0
        assertThat(b.meanIoU()).isCloseTo((200.0 / 3 + 50.0) / 2, within(1e-9));
        double perImage = (a.meanIoU() + b.meanIoU()) / 2; // 79.17
        PixelCounts split = a.plus(b);
        // class 0: 6 of 7 in its union; class 1: 1 of 2
        assertThat(split.meanIoU()).isCloseTo((600.0 / 7 + 50.0) / 2, within(1e-9));
        assertThat(split.meanIoU()).isNotCloseTo(perImage, within(1.0));
        assertThat(split.pixelAccuracy()).isCloseTo(700.0 / 8, within(1e-9));
    }

    @Test
    void ignoredPixelsCountNowhere() {
        PixelCounts p = of(2, new int[] {0, 255, 1}, new int[] {0, 1, 1});
        assertThat(p.labelled()).isEqualTo(2);
        assertThat(p.meanIoU()).isEqualTo(100.0);
        assertThat(new PixelCounts(3).meanIoU()).isNaN();
        assertThat(new PixelCounts(3).pixelAccuracy()).isNaN();
        assertThatThrownBy(() -> p.add(2, 0)).hasMessageContaining("[0, 2)");
        assertThatThrownBy(() -> p.plus(new PixelCounts(3))).hasMessageContaining("classes");
    }

    @Test
    void bytesAndPredictionsFromArrays() {
        PixelCounts p = new PixelCounts(3);
        p.add(new byte[] {9, 0, 2, (byte) 255, 1}, 1, new long[] {7, 0, 2, 0, 2}, 1, 4);
        assertThat(p.labelled()).isEqualTo(3);
        assertThat(p.correct()).isEqualTo(2);
        assertThat(p.iou(1)).isEqualTo(0.0);
        assertThat(p.iou(2)).isEqualTo(50.0);
    }
}
