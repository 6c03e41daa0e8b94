package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanvasesTest {
    /** Item i: a filled square of value (128 + i) / 255 at a place of its own, class i % 3; item 3 is blank. */
    static Dataset items() {
        int n = 6;
        float[] x = new float[n * 28 * 28];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            if (i == 3) {
                continue;
            }
            for (int r = 2 + i; r < 12 + 2 * i; r++) {
                for (int c = 4; c < 20; c++) {
                    x[(i * 28 + r) * 28 + c] = (128 + i) / 255f;
                }
            }
            x[(i * 28 + 27) * 28 + 27] = 12 / 255f; // below the threshold: neither painted nor in the box
        }
        return new Dataset("squares", Shape.of(1, 28, 28), x, y, 3, List.of("a", "b", "c"));
    }

    @Test
    void canvasesFollowTheStatedRules() {
        Canvases.Recipe r = new Canvases.Recipe(48, 2, 3, 0.25, 0.1, 40, 10);
        Dataset items = items();
        Dataset d = Canvases.compose(items, r, 40, 7, "sq/train");
        assertThat(d.sampleShape()).isEqualTo(Shape.of(1, 48, 48));
        assertThat(d.classes()).isEqualTo(4);
        assertThat(d.classNames()).containsExactly("background", "a", "b", "c");
        Targets.Masks m = (Targets.Masks) d.targets();
        int area = 48 * 48;
        for (int i = 0; i < d.size(); i++) {
            int[] count = new int[4];
            for (int p = 0; p < area; p++) {
                float v = d.x()[i * area + p];
                int label = m.at(i, p);
                count[label]++;
                // a labelled pixel shows its item's value, an unlabelled one is black
                if (label == 0) {
                    assertThat(v).isZero();
                } else {
                    int item = Math.round(v * 255) - 128;
                    assertThat(items.y()[item] + 1).isEqualTo(label);
                }
            }
            assertThat(d.y()[i]).isEqualTo(m.mostFrequent(i, 4));
            assertThat(count[d.y()[i]]).isGreaterThan(0);
        }
        // same recipe and seed: the same canvases; another seed: others
        Dataset again = Canvases.compose(items, r, 40, 7, "sq/train");
        assertThat(Arrays.equals(again.x(), d.x())).isTrue();
        assertThat(Arrays.equals(((Targets.Masks) again.targets()).pixels(), m.pixels())).isTrue();
        assertThat(Arrays.equals(Canvases.compose(items, r, 40, 8, "sq/train").x(), d.x())).isFalse();
    }

    @Test
    void boxesAreTightAndTheOverlapRuleHolds() {
        Dataset items = items();
        assertThat(Canvases.tightBox(items.x(), 0, 0.1)).containsExactly(2, 4, 12, 20);
        assertThat(Canvases.tightBox(items.x(), 3, 0.1)).isEmpty();
        assertThat(Canvases.iou(new int[] {0, 0, 10, 10}, new int[] {0, 5, 10, 15})).isEqualTo(50.0 / 150);
        assertThat(Canvases.iou(new int[] {0, 0, 2, 2}, new int[] {5, 5, 6, 6})).isZero();
        // with no overlap allowed, the painted items never touch: each canvas's item pixels are as many as
        // its items' squares, so none hides another
        Canvases.Recipe r = new Canvases.Recipe(64, 3, 3, 0.0, 0.1, 30, 1);
        Dataset d = Canvases.compose(items, r, 30, 3, "sq");
        Targets.Masks m = (Targets.Masks) d.targets();
        for (int i = 0; i < d.size(); i++) {
            int[] pixelsOf = new int[items.size()];
            for (int p = 0; p < m.area(); p++) {
                if (m.at(i, p) != 0) {
                    pixelsOf[Math.round(d.x()[i * m.area() + p] * 255) - 128]++;
                }
            }
            int shown = 0;
            for (int item = 0; item < items.size(); item++) {
                int square = (10 + item) * 16; // item i's square is (10 + i) x 16
                assertThat(pixelsOf[item] % square).as("canvas %d, item %d", i, item).isZero();
                shown += pixelsOf[item] / square;
            }
            assertThat(shown).isEqualTo(3);
        }
    }

    @Test
    void recipesOutsideTheirBoundsAreRefusedByName() {
        assertThatThrownBy(() -> new Canvases.Recipe(20, 2, 4, 0.2, 0.1, 10, 10)).isInstanceOf(UserError.class)
                .hasMessageContaining("size must be at least 28");
        assertThatThrownBy(() -> new Canvases.Recipe(64, 3, 2, 0.2, 0.1, 10, 10)).hasMessageContaining("minItems");
        assertThatThrownBy(() -> new Canvases.Recipe(64, 2, 4, 1.5, 0.1, 10, 10)).hasMessageContaining("maxOverlap");
        assertThatThrownBy(() -> Canvases.compose(new Dataset("big", Shape.of(1, 32, 32), new float[1024], new int[1],
                1, List.of("a")), Canvases.Recipe.DEFAULT, 1, 1, "x")).hasMessageContaining("1x28x28");
    }

    @Test
    void composedOnceThenReadFromTheCache(@TempDir Path cache) throws Exception {
        Canvases.Recipe r = new Canvases.Recipe(40, 1, 2, 0.3, 0.1, 12, 5);
        Dataset[] first = Canvases.load(items(), items(), r, "sq", cache);
        try (var files = Files.list(cache)) {
            assertThat(files.toList()).hasSize(1);
        }
        Dataset[] second = Canvases.load(items(), items(), r, "sq", cache);
        for (int s = 0; s < 2; s++) {
            assertThat(Arrays.equals(second[s].x(), first[s].x())).isTrue();
            assertThat(Arrays.equals(second[s].y(), first[s].y())).isTrue();
            assertThat(Arrays.equals(((Targets.Masks) second[s].targets()).pixels(),
                    ((Targets.Masks) first[s].targets()).pixels())).isTrue();
        }
        assertThat(first[0].size()).isEqualTo(12);
        assertThat(first[1].size()).isEqualTo(5);
        assertThat(first[1].name()).isEqualTo("sq/test");
        // a damaged cache file is composed again, not trusted
        try (var files = Files.list(cache)) {
            Path f = files.findFirst().orElseThrow();
            Files.write(f, new byte[] {1, 2, 3});
        }
        assertThat(Arrays.equals(Canvases.load(items(), items(), r, "sq", cache)[0].x(), first[0].x())).isTrue();
    }
}
