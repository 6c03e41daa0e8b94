package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.detection.Box;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionCanvasesTest {
    private static final List<String> NAMES = List.of("a", "b", "c");

    /**
     * {@code n} items: item i a filled rectangle of value (100 + 20·i) / 255 (rows 2 + i % 5 to 14 + i % 7,
     * columns 3 + i % 4 to 17 + i % 9), class {@code classOf(i)}, with a speck below the threshold in a corner;
     * item 3 is blank (never placed).
     */
    static Dataset items(int n, IntUnaryOperator classOf) {
        float[] x = new float[n * 28 * 28];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = classOf.applyAsInt(i);
            if (i == 3) {
                continue;
            }
            for (int r = 2 + i % 5; r < 14 + i % 7; r++) {
                for (int c = 3 + i % 4; c < 17 + i % 9; c++) {
                    x[(i * 28 + r) * 28 + c] = (100 + 20 * i) / 255f;
                }
            }
            x[(i * 28 + 27) * 28 + 27] = 12 / 255f;
        }
        return new Dataset("rects", Shape.of(1, 28, 28), x, y, 3, NAMES);
    }

    @Test
    void canvasesFollowTheStatedRules() {
        Dataset items = items(7, i -> i % 3);
        DetectionCanvases.Recipe r = new DetectionCanvases.Recipe(96, 1, 6, 1.0, 2.0, 0.2, 0.1, 50, 10);
        DetectionCanvases.Composed d = DetectionCanvases.compose(items, r, 50, 7, "rects/train");
        assertThat(d.count()).isEqualTo(50);
        assertThat(d.classes()).containsExactly("a", "b", "c");
        int placed = 0;
        for (int i = 0; i < d.count(); i++) {
            List<DetectionCanvases.Placement> objects = d.objects().get(i);
            assertThat(objects.size()).as("canvas %d", i).isBetween(1, 6);
            placed += objects.size();
            for (DetectionCanvases.Placement o : objects) {
                assertThat(o.truth().image()).isEqualTo(Integer.toString(i));
                assertThat(o.classIndex()).isEqualTo(items.y()[o.item()]);
                assertThat(o.truth().label()).isEqualTo(NAMES.get(o.classIndex()));
                assertThat(o.side()).isBetween(28, 56);
                assertThat(o.top() + o.side()).isLessThanOrEqualTo(96);
                assertThat(o.left() + o.side()).isLessThanOrEqualTo(96);
                // the box is tight around the resized item's own pixels above the threshold, wherever they are
                // covered by a later item: recomputed here by a full scan
                float[] own = new ResizedItem(items.x(), o.item(), o.side()).pixels();
                int top = 96;
                int left = 96;
                int bottom = -1;
                int right = -1;
                for (int p = 0; p < own.length; p++) {
                    if (own[p] > 0.1) {
                        top = Math.min(top, o.top() + p / o.side());
                        left = Math.min(left, o.left() + p % o.side());
                        bottom = Math.max(bottom, o.top() + p / o.side() + 1);
                        right = Math.max(right, o.left() + p % o.side() + 1);
                    }
                }
                assertThat(o.truth().box()).isEqualTo(new Box(left, top, right, bottom));
            }
            for (int a = 0; a < objects.size(); a++) {
                for (int b = a + 1; b < objects.size(); b++) {
                    assertThat(objects.get(a).truth().box().iou(objects.get(b).truth().box())).isLessThanOrEqualTo(0.2);
                }
            }
            // every lit pixel of the canvas is inside some box
            float[] x = d.image(i);
            for (int p = 0; p < x.length; p++) {
                if (x[p] != 0) {
                    int row = p / 96;
                    int col = p % 96;
                    assertThat(objects.stream().map(o -> o.truth().box()).anyMatch(b -> b.x1() <= col && col < b.x2()
                            && b.y1() <= row && row < b.y2())).isTrue();
                }
            }
        }
        assertThat(placed).as("items of 1 to 6 per canvas, uniformly many").isBetween(125, 225);
        // same recipe and seed: the same canvases; another seed: others
        DetectionCanvases.Composed again = DetectionCanvases.compose(items, r, 50, 7, "rects/train");
        assertThat(Arrays.equals(again.pixels(), d.pixels())).isTrue();
        assertThat(again.objects()).isEqualTo(d.objects());
        assertThat(Arrays.equals(DetectionCanvases.compose(items, r, 50, 8, "rects/train").pixels(), d.pixels()))
                .isFalse();
    }

    @Test
    void withoutOverlapEveryBoxIsTightOnTheCanvasItself() {
        // no box may overlap another: each box's lit pixels are its item's alone, so they must touch its four
        // edges, and no lit pixel may lie outside every box
        Dataset items = items(7, i -> i % 3);
        DetectionCanvases.Recipe r = new DetectionCanvases.Recipe(96, 3, 3, 1.0, 1.5, 0.0, 0.1, 30, 1);
        DetectionCanvases.Composed d = DetectionCanvases.compose(items, r, 30, 3, "rects");
        for (int i = 0; i < d.count(); i++) {
            float[] x = d.image(i);
            boolean[] covered = new boolean[x.length];
            for (DetectionCanvases.Placement o : d.objects().get(i)) {
                Box b = o.truth().box();
                int x1 = (int) b.x1();
                int y1 = (int) b.y1();
                int x2 = (int) b.x2();
                int y2 = (int) b.y2();
                boolean topEdge = false;
                boolean bottomEdge = false;
                boolean leftEdge = false;
                boolean rightEdge = false;
                for (int row = y1; row < y2; row++) {
                    for (int col = x1; col < x2; col++) {
                        covered[row * 96 + col] = true;
                        if (x[row * 96 + col] > 0.1) {
                            topEdge |= row == y1;
                            bottomEdge |= row == y2 - 1;
                            leftEdge |= col == x1;
                            rightEdge |= col == x2 - 1;
                        }
                    }
                }
                assertThat(new boolean[] {topEdge, bottomEdge, leftEdge, rightEdge}).as("canvas %d, %s", i, b)
                        .containsOnly(true);
            }
            for (int p = 0; p < x.length; p++) {
                // painted only above the threshold: a pixel is black or lit, and lit only inside a box
                assertThat(x[p] == 0 || x[p] > 0.1 && covered[p]).as("canvas %d, pixel %d", i, p).isTrue();
            }
        }
    }

    @Test
    void resizingIsBilinearWithHalfPixelCentresThenEightBit() {
        // columns 0, 10 and 27 lit: upscaled twice, output column j reads the item at j/2 - 1/4, so a lit
        // column spreads into weights 1/4, 3/4, 3/4, 1/4 (torch's interpolate of [0, 1, 0] by 2), clamped at
        // the edges; 0.25 and 0.75 round to 64/255 and 191/255
        float[] x = new float[28 * 28];
        for (int r = 0; r < 28; r++) {
            x[r * 28] = 1;
            x[r * 28 + 10] = 1;
            x[r * 28 + 27] = 1;
        }
        ResizedItem twice = new ResizedItem(x, 0, 56);
        float[] expected = new float[56];
        expected[0] = 1;
        expected[1] = 191 / 255f;
        expected[2] = 64 / 255f;
        expected[19] = 64 / 255f;
        expected[20] = 191 / 255f;
        expected[21] = 191 / 255f;
        expected[22] = 64 / 255f;
        expected[53] = 64 / 255f;
        expected[54] = 191 / 255f;
        expected[55] = 1;
        for (int row : new int[] {0, 17, 55}) {
            float[] got = new float[56];
            for (int c = 0; c < 56; c++) {
                got[c] = twice.at(row, c);
            }
            assertThat(got).as("row %d", row).containsExactly(expected);
        }
        // at scale 1 an 8-bit item comes back as it is
        Dataset items = items(7, i -> 0);
        for (int item = 0; item < 7; item++) {
            assertThat(new ResizedItem(items.x(), item, 28).pixels())
                    .containsExactly(Arrays.copyOfRange(items.x(), item * 784, (item + 1) * 784));
        }
    }

    @Test
    void trainAndTestCanvasesComeFromTheirOwnSplitsAndAreCached(@TempDir Path cache) throws Exception {
        Dataset train = items(6, i -> i % 2); // classes a and b only
        Dataset test = items(5, i -> 2); // class c only
        DetectionCanvases.Recipe r = new DetectionCanvases.Recipe(64, 1, 3, 1.0, 1.5, 0.3, 0.1, 20, 8);
        DetectionCanvases.Composed[] first = DetectionCanvases.load(train, test, r, "rects", cache);
        assertThat(first[0].name()).isEqualTo("rects/train");
        assertThat(first[1].name()).isEqualTo("rects/test");
        assertThat(first[0].count()).isEqualTo(20);
        assertThat(first[1].count()).isEqualTo(8);
        for (DetectionCanvases.Placement o : first[0].objects().stream().flatMap(List::stream).toList()) {
            assertThat(o.item()).isBetween(0, 5);
            assertThat(o.classIndex()).isEqualTo(train.y()[o.item()]);
            assertThat(o.truth().label()).isIn("a", "b");
        }
        assertThat(first[1].truths()).isNotEmpty().allMatch(t -> t.label().equals("c"));
        assertThat(first[1].objects().stream().flatMap(List::stream).mapToInt(DetectionCanvases.Placement::item))
                .allMatch(i -> i < 5);
        try (var files = Files.list(cache)) {
            assertThat(files.toList()).hasSize(1);
        }
        DetectionCanvases.Composed[] second = DetectionCanvases.load(train, test, r, "rects", cache);
        for (int s = 0; s < 2; s++) {
            assertThat(Arrays.equals(second[s].pixels(), first[s].pixels())).isTrue();
            assertThat(second[s].objects()).isEqualTo(first[s].objects());
        }
        // a damaged cache file is composed again, not trusted
        try (var files = Files.list(cache)) {
            Files.write(files.findFirst().orElseThrow(), new byte[] {1, 2, 3});
        }
        assertThat(DetectionCanvases.load(train, test, r, "rects", cache)[1].objects()).isEqualTo(first[1].objects());
    }

    @Test
    void recipesOutsideTheirBoundsAreRefusedByName() {
        assertThat(DetectionCanvases.Recipe.DEFAULT).isEqualTo(new DetectionCanvases.Recipe(96, 1, 6, 1.0, 2.0, 0.2,
                0.1, 10_000, 2_000));
        assertThatThrownBy(() -> new DetectionCanvases.Recipe(50, 1, 6, 1.0, 2.0, 0.2, 0.1, 10, 10))
                .isInstanceOf(UserError.class).hasMessageContaining("size must be at least 56");
        assertThatThrownBy(() -> new DetectionCanvases.Recipe(96, 1, 6, 2.0, 1.0, 0.2, 0.1, 10, 10))
                .hasMessageContaining("minScale <= maxScale");
        assertThatThrownBy(() -> new DetectionCanvases.Recipe(96, 3, 2, 1.0, 2.0, 0.2, 0.1, 10, 10))
                .hasMessageContaining("minItems");
        assertThatThrownBy(() -> new DetectionCanvases.Recipe(96, 1, 6, 1.0, 2.0, 1.5, 0.1, 10, 10))
                .hasMessageContaining("maxOverlap");
        assertThatThrownBy(() -> DetectionCanvases.compose(new Dataset("big", Shape.of(1, 32, 32), new float[1024],
                new int[1], 1, List.of("a")), DetectionCanvases.Recipe.DEFAULT, 1, 1, "x"))
                .hasMessageContaining("1x28x28");
    }
}
