package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** {@code n} 1x1x1 samples whose single value is the sample's index, labels cycling over {@code classes}. */
    static Dataset indexed(int n, int classes) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i % classes;
        }
        return new Dataset("idx", Shape.of(1, 1, 1), x, y, classes, names(classes));
    }

    static List<String> names(int classes) {
        return java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList();
    }

    @Test
    void constructorRejectsInconsistentData() {
        assertThatThrownBy(() -> new Dataset("d", Shape.of(1, 2, 2), new float[7], new int[2], 2, names(2)))
                .hasMessageContaining("need 8 floats, got 7");
        assertThatThrownBy(() -> new Dataset("d", Shape.of(1, 1, 1), new float[2], new int[] {0, 2}, 2, names(2)))
                .hasMessageContaining("label 2 of sample 1");
        assertThatThrownBy(() -> new Dataset("d", Shape.of(1, 1, 1), new float[1], new int[1], 2, names(3)))
                .hasMessageContaining("3 class names");
    }

    @Test
    void subsetHeadAndSampleCopyTheRightSamples() {
        float[] x = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
        Dataset d = new Dataset("d", Shape.of(1, 2, 2), x, new int[] {0, 1, 0}, 2, names(2));
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.sample(1)).containsExactly(10, 11, 12, 13);

        Dataset s = d.subset(new int[] {2, 0});
        assertThat(s.x()).containsExactly(20, 21, 22, 23, 0, 1, 2, 3);
        assertThat(s.y()).containsExactly(0, 0);

        assertThat(d.head(2).y()).containsExactly(0, 1);
        assertThat(d.head(99).size()).isEqualTo(3);
        assertThat(d.toString()).contains("3 x 1x2x2");
    }

    @Test
    void normalizationGivesZeroMeanUnitStdPerChannel() {
        Random rnd = new Random(1);
        int n = 50;
        float[] x = new float[n * 2 * 4 * 4];
        for (int i = 0; i < x.length; i++) {
            int channel = (i / 16) % 2;
            x[i] = channel == 0 ? rnd.nextFloat() : 5 + 3 * (float) rnd.nextGaussian();
        }
        Dataset d = new Dataset("d", Shape.of(2, 4, 4), x, new int[n], 1, names(1));
        Normalization norm = Normalization.fit(d);
        assertThat(norm.mean()[1]).isCloseTo(5f, org.assertj.core.data.Offset.offset(0.5f));

        Normalization refit = Normalization.fit(d.normalized(norm));
        for (int c = 0; c < 2; c++) {
            assertThat(refit.mean()[c]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(refit.std()[c]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(d.x()[0]).isEqualTo(x[0]);
    }

    @Test
    void constantChannelIsOnlyCentred() {
        Dataset d = new Dataset("d", Shape.of(1, 1, 2), new float[] {3, 3, 3, 3}, new int[2], 1, names(1));
        Normalization n = Normalization.fit(d);
        assertThat(n.std()).containsExactly(1f);
        assertThat(d.normalized(n).x()).containsOnly(0f);
    }

    @Test
    void normalizationRoundTripsThroughJackson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Normalization n = new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.1f, 2f});
        Normalization back = json.readValue(json.writeValueAsString(n), Normalization.class);
        assertThat(back.mean()).containsExactly(n.mean());
        assertThat(back.std()).containsExactly(n.std());
    }

    @Test
    void splitIsDeterministicDisjointAndStratified() {
        Dataset d = indexed(100, 4);
        Split a = Split.of(d, 0.2, 42);
        Split b = Split.of(d, 0.2, 42);
        Split c = Split.of(d, 0.2, 43);

        assertThat(a.validation().x()).containsExactly(b.validation().x());
        assertThat(a.validation().x()).isNotEqualTo(c.validation().x());

        Set<Float> train = new HashSet<>();
        for (float v : a.train().x()) {
            train.add(v);
        }
        Set<Float> all = new HashSet<>(train);
        for (float v : a.validation().x()) {
            assertThat(train).doesNotContain(v);
            all.add(v);
        }
        assertThat(all).hasSize(100);
        assertThat(a.validation().size()).isEqualTo(20);
        int[] perClass = new int[4];
        for (int y : a.validation().y()) {
            perClass[y]++;
        }
        assertThat(perClass).containsOnly(5);

        // the mask names the same samples (each sample's one value is its index)
        boolean[] mask = Split.validationMask(d, 0.2, 42);
        Set<Float> masked = new HashSet<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                masked.add(d.x()[i]);
            }
        }
        Set<Float> validation = new HashSet<>();
        for (float v : a.validation().x()) {
            validation.add(v);
        }
        assertThat(masked).isEqualTo(validation);
    }

    @Test
    void splitRejectsFractionsThatLeaveAHalfEmpty() {
        assertThatThrownBy(() -> Split.of(indexed(10, 2), 1.0, 1)).isInstanceOf(UserError.class)
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> Split.of(indexed(4, 2), 0.1, 1)).isInstanceOf(UserError.class)
                .hasMessageContaining("validation split empty");
    }

    @Test
    void shuffledIndicesIsASeededPermutation() {
        int[] a = Split.shuffledIndices(50, new Random(7));
        int[] b = Split.shuffledIndices(50, new Random(7));
        int[] c = Split.shuffledIndices(50, new Random(8));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(java.util.stream.IntStream.range(0, 50).toArray());
    }

    @Test
    void masksTravelWithTheirImages() {
        // 3 samples of 1x2x2, mask i all class i (sample 1's last pixel ignored)
        byte[] px = {0, 0, 0, 0, 1, 1, 1, (byte) 255, 2, 2, 2, 2};
        Dataset d = new Dataset("seg", Shape.of(1, 2, 2), new float[12], new int[] {0, 1, 2}, 3, names(3),
                new Targets.Masks(px, 2, 2));
        Dataset s = d.subset(new int[] {2, 1, 1});
        Targets.Masks m = (Targets.Masks) s.targets();
        assertThat(s.y()).containsExactly(2, 1, 1);
        assertThat(m.at(0, 0)).isEqualTo(2);
        assertThat(m.at(1, 3)).isEqualTo(Targets.Masks.IGNORE);
        assertThat(m.size()).isEqualTo(3);
        assertThat(Split.of(d.subset(new int[] {0, 1, 2, 0, 1, 2}), 0.5, 1).validation().targets())
                .isInstanceOf(Targets.Masks.class);
        assertThat(d.normalized(Normalization.fit(d)).targets()).isSameAs(d.targets());
        assertThat(d.toString()).contains("2x2 masks");
    }

    @Test
    void masksMustFitTheirImagesAndClasses() {
        assertThatThrownBy(() -> new Dataset("seg", Shape.of(1, 2, 2), new float[4], new int[1], 2, names(2),
                new Targets.Masks(new byte[9], 3, 3))).hasMessageContaining("masks of 3x3 for images of");
        assertThatThrownBy(() -> new Dataset("seg", Shape.of(1, 2, 2), new float[4], new int[1], 2, names(2),
                new Targets.Masks(new byte[] {0, 1, 2, 0}, 2, 2))).hasMessageContaining("pixel 2 of mask 0 has class 2");
        assertThatThrownBy(() -> new Dataset("seg", Shape.of(1, 2, 2), new float[8], new int[2], 2, names(2),
                new Targets.Masks(new byte[4], 2, 2))).hasMessageContaining("targets for 1");
    }
}
