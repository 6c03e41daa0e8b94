package dev.gensynth.task.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CenterNetCodingTest {
    private static final List<String> AB = List.of("a", "b");
    private static final float E2 = (float) Math.exp(-2); // a radius-1 Gaussian (sigma 1/2) one step away
    private static final float E4 = (float) Math.exp(-4); // and one diagonal step away

    @Test
    void gaussianRadiusIsTheReferencesWithItsQuirk() {
        // o = 0.7; with the quirk r3 = (b3 + sqrt(b3^2 - 4 a3 c3)) / 2, a3 = 4o = 2.8, b3 = -2o(h + w),
        // c3 = (o - 1)wh, is the smallest root.
        // (10, 10): b3 = -28, c3 = -30: (-28 + sqrt(784 + 336)) / 2 = (-28 + sqrt(1120)) / 2 = 2.7332;
        //   r1 = (20 + sqrt(400 - 4 * 17.647)) / 2 = 19.07 and r2 = (40 + sqrt(1600 - 480)) / 2 = 36.73 are larger
        assertThat(CenterNetTargets.gaussianRadius(10, 10, 0.7)).isCloseTo((-28 + Math.sqrt(1120)) / 2, within(1e-12))
                .isCloseTo(2.7332, within(1e-4));
        // (3, 5): b3 = -11.2, c3 = -4.5: (-11.2 + sqrt(125.44 + 50.4)) / 2 = (-11.2 + sqrt(175.84)) / 2 = 1.0302
        assertThat(CenterNetTargets.gaussianRadius(3, 5, 0.7)).isCloseTo((-11.2 + Math.sqrt(175.84)) / 2,
                within(1e-12)).isCloseTo(1.0302, within(1e-4));
        // (1, 100): b3 = -141.4, c3 = -30: (-141.4 + sqrt(19993.96 + 336)) / 2 = 0.5916, so radius 0
        assertThat(CenterNetTargets.gaussianRadius(1, 100, 0.7)).isCloseTo((-141.4 + Math.sqrt(20329.96)) / 2,
                within(1e-10)).isCloseTo(0.5916, within(1e-4));
        // CornerNet's fixed formulas divide by 2a and take the smaller roots: for (10, 10) r1 = (20 - 18.150) / 2
        // = 0.925, r2 = (40 - 33.466) / 8 = 0.817, r3 = 5.466 / 5.6 = 0.976, so radius 0 where the reference draws 2
        assertThat((int) CenterNetTargets.gaussianRadius(10, 10, 0.7)).isEqualTo(2);
    }

    @Test
    void encodingFollowsCtdet() {
        List<GroundTruth> objects = List.of(
                // /4: (1, 2, 5.5, 4.5): w 4.5, h 2.5, radius of (3, 5) = 1.03 -> 1; centre (3.25, 3.25)
                new GroundTruth("i", "a", new Box(4, 8, 22, 18)),
                // /4: (5, 0, 8, 3), x2 clipped to W - 1 = 7: w 2, h 3, radius of (3, 2) = 0.66 -> 0; centre (6, 1.5)
                new GroundTruth("i", "b", new Box(20, 0, 32, 12)),
                // /4: x1 7.5 and x2 8 both clipped to 7: no width, no target
                new GroundTruth("i", "a", new Box(30, 4, 32, 8)),
                // past maxObjects: left out
                new GroundTruth("i", "b", new Box(0, 20, 8, 28)));
        CenterNetTargets t = CenterNetTargets.encode(objects, AB, 32, 32, 4, 3);
        assertThat(t.classes()).isEqualTo(2);
        assertThat(t.height()).isEqualTo(8);
        assertThat(t.width()).isEqualTo(8);
        float[] expected = new float[2 * 64];
        float[][] gaussian = {{E4, E2, E4}, {E2, 1, E2}, {E4, E2, E4}};
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                expected[(3 + dy) * 8 + 3 + dx] = gaussian[dy + 1][dx + 1];
            }
        }
        expected[64 + 8 + 6] = 1; // class b, row 1, column 6: radius 0
        assertThat(t.heatmap()).containsExactly(expected);
        assertThat(t.index()).containsExactly(3 * 8 + 3, 8 + 6, 0);
        assertThat(t.size()).containsExactly(4.5f, 2.5f, 2f, 3f, 0f, 0f);
        assertThat(t.offset()).containsExactly(0.25f, 0.25f, 0f, 0.5f, 0f, 0f);
        assertThat(t.mask()).containsExactly(1, 1, 0);

        // two Gaussians of one class meet by maximum, not by sum: centres (3, 3) and (4, 3)
        CenterNetTargets two = CenterNetTargets.encode(List.of(new GroundTruth("i", "a", new Box(4, 8, 22, 18)),
                new GroundTruth("i", "a", new Box(8, 8, 26, 18))), AB, 32, 32, 4, 128);
        assertThat(two.heatmap()[3 * 8 + 3]).isEqualTo(1f);
        assertThat(two.heatmap()[3 * 8 + 4]).isEqualTo(1f);
        assertThat(two.heatmap()[4 * 8 + 4]).isEqualTo(E2); // E4 from the first, E2 from the second
        assertThat(two.mask()).hasSize(128);
        assertThatThrownBy(() -> CenterNetTargets.encode(List.of(new GroundTruth("i", "z", new Box(0, 0, 8, 8))), AB,
                32, 32, 4, 4)).hasMessageContaining("class z");
    }

    @Test
    void decodingReadsPeaksSizesAndOffsets() {
        int h = 4;
        int w = 5;
        int area = h * w;
        float[] heat = new float[2 * area];
        heat[w + 1] = 0.9f; // a, row 1, column 1
        heat[w + 2] = 0.5f; // its neighbour: not a peak
        heat[area + 2 * w + 3] = 0.7f; // b, row 2, column 3
        heat[area + w + 1] = 0.6f; // b at a's peak: channels do not suppress each other
        float[] size = new float[2 * area];
        float[] offset = new float[2 * area];
        size[w + 1] = 2; // w
        size[area + w + 1] = 1; // h
        offset[w + 1] = 0.25f;
        offset[area + w + 1] = 0.5f;
        size[2 * w + 3] = 3;
        size[area + 2 * w + 3] = 2;
        offset[2 * w + 3] = 0.5f;
        // (1 + 0.25 -+ 2/2, 1 + 0.5 -+ 1/2) * 4 = (1, 4, 9, 8); (3 + 0.5 -+ 3/2, 2 + 0 -+ 2/2) * 4 = (8, 4, 20, 12)
        List<Detection> three = new CenterNetDecoder(4, 3, 0).decode("img", AB, h, w, heat, size, offset);
        assertThat(three).containsExactly(new Detection("img", "a", 0.9f, new Box(1, 4, 9, 8)),
                new Detection("img", "b", 0.7f, new Box(8, 4, 20, 12)),
                new Detection("img", "b", 0.6f, new Box(1, 4, 9, 8)));
        // as in the reference, positions scored 0 fill the list past the peaks, lowest position first
        List<Detection> five = new CenterNetDecoder(4, 5, 0).decode("img", AB, h, w, heat, size, offset);
        assertThat(five.subList(3, 5)).containsExactly(new Detection("img", "a", 0, new Box(0, 0, 0, 0)),
                new Detection("img", "a", 0, new Box(4, 0, 4, 0)));
        assertThat(new CenterNetDecoder(4, 100, 0.65).decode("img", AB, h, w, heat, size, offset)).hasSize(2);
        assertThat(CenterNetDecoder.DEFAULT.decode("img", AB, h, w, heat, size, offset)).hasSize(2 * area);
    }

    @Test
    void maxPoolKeepsPlateausAndBordersAndTiesGoByPosition() {
        float[] heat = {
            0.8f, 0.8f, 0, 0, 0.3f, //
            0, 0, 0, 0.9f, 0, //
            0.2f, 0, 0, 0, 0.3f, //
            // class b: 0.8 at row 0, column 0
            0.8f, 0, 0, 0, 0, //
            0, 0, 0, 0, 0, //
            0, 0, 0, 0, 0};
        // equal neighbours both stay; a corner value beats only its in-image neighbours; 0.3 beside 0.9 goes
        assertThat(CenterNetDecoder.peaks(heat, 2, 3, 5)).containsExactly(
                0.8f, 0.8f, 0, 0, 0, 0, 0, 0, 0.9f, 0, 0.2f, 0, 0, 0, 0,
                0.8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        List<Detection> d = new CenterNetDecoder(1, 5, 0.1).decode("i", AB, 3, 5, heat, new float[30], new float[30]);
        // the three 0.8s by position: class a's (0, 0) and (0, 1), then class b's (0, 0)
        assertThat(d).extracting(Detection::label, Detection::score, x -> x.box().x1(), x -> x.box().y1())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", (double) 0.9f, 3.0, 1.0),
                        org.assertj.core.groups.Tuple.tuple("a", (double) 0.8f, 0.0, 0.0),
                        org.assertj.core.groups.Tuple.tuple("a", (double) 0.8f, 1.0, 0.0),
                        org.assertj.core.groups.Tuple.tuple("b", (double) 0.8f, 0.0, 0.0),
                        org.assertj.core.groups.Tuple.tuple("a", (double) 0.2f, 0.0, 2.0));
        heat[7] = Float.NaN;
        assertThatThrownBy(() -> CenterNetDecoder.DEFAULT.decode("i", AB, 3, 5, heat, new float[30], new float[30]))
                .hasMessageContaining("NaN");
    }

    @Test
    void encodedBoxesDecodeBackExactly() {
        List<String> abc = List.of("a", "b", "c");
        List<GroundTruth> objects = List.of(new GroundTruth("i", "a", new Box(10, 12, 41, 50)),
                new GroundTruth("i", "b", new Box(50, 8, 90, 30)),
                new GroundTruth("i", "a", new Box(5, 60, 33, 91)),
                new GroundTruth("i", "c", new Box(60, 55, 92, 92)),
                // reaches the last output column: clipped to x2 = 23 * 4 = 92, as the reference
                new GroundTruth("i", "b", new Box(70, 40, 96, 70)));
        CenterNetTargets t = CenterNetTargets.encode(objects, abc, 96, 96, 4, 128);
        int area = t.height() * t.width();
        float[] size = new float[2 * area];
        float[] offset = new float[2 * area];
        for (int s = 0; s < t.mask().length; s++) {
            if (t.mask()[s] == 1) {
                int p = t.index()[s];
                size[p] = t.size()[2 * s];
                size[area + p] = t.size()[2 * s + 1];
                offset[p] = t.offset()[2 * s];
                offset[area + p] = t.offset()[2 * s + 1];
            }
        }
        List<Detection> d = new CenterNetDecoder(4, objects.size(), 0).decode("i", abc, t.height(), t.width(),
                t.heatmap(), size, offset);
        assertThat(d).allMatch(x -> x.score() == 1);
        assertThat(d).extracting(Detection::label, Detection::box).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("a", new Box(10, 12, 41, 50)),
                org.assertj.core.groups.Tuple.tuple("b", new Box(50, 8, 90, 30)),
                org.assertj.core.groups.Tuple.tuple("a", new Box(5, 60, 33, 91)),
                org.assertj.core.groups.Tuple.tuple("c", new Box(60, 55, 92, 92)),
                org.assertj.core.groups.Tuple.tuple("b", new Box(70, 40, 92, 70)));
    }
}
