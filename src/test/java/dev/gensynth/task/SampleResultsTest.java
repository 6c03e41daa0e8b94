package dev.gensynth.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleResultsTest {
    /**
     * {@code n} images of 100 pixels over 3 classes; network a is right on a pixel with probability {@code pa},
     * network b on the same pixel with {@code pb}, and wrong predictions pick another class.
     */
    private static List<List<PixelCounts>> images(int n, double pa, double pb, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PixelCounts> a = new ArrayList<>();
        List<PixelCounts> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PixelCounts x = new PixelCounts(3);
            PixelCounts y = new PixelCounts(3);
            // images differ in difficulty: what makes a per-image, paired error worth having
            double hard = r.nextDouble(0.0, 0.2);
            for (int p = 0; p < 100; p++) {
                int t = r.nextInt(3);
                double u = r.nextDouble();
                x.add(t, u < pa - hard ? t : (t + 1) % 3);
                y.add(t, u < pb - hard ? t : (t + 2) % 3);
            }
            a.add(x);
            b.add(y);
        }
        return List.of(a, b);
    }

    @Test
    void perImageCountsGiveTheSplitsMeanIoUAndAPairedErrorThatShrinksWithTheImages() {
        List<List<PixelCounts>> small = images(100, 0.8, 0.75, 1);
        Segmentation.PerImage a = new Segmentation.PerImage(small.get(0));
        Segmentation.PerImage b = new Segmentation.PerImage(small.get(1));
        PixelCounts all = new PixelCounts(3);
        small.get(0).forEach(all::add);
        assertThat(a.quality()).isEqualTo(all.meanIoU());
        assertThat(a.size()).isEqualTo(100);
        assertThat(a.pairedError(a)).isZero();
        double se = a.pairedError(b);
        assertThat(se).isPositive().isEqualTo(a.pairedError(b)); // a fixed seed: the same error every time
        List<List<PixelCounts>> large = images(400, 0.8, 0.75, 2);
        double seLarge = new Segmentation.PerImage(large.get(0)).pairedError(new Segmentation.PerImage(large.get(1)));
        // four times the images, half the error (bootstrap noise and a new draw of images allowing 25 %)
        assertThat(se / seLarge).isCloseTo(2.0, within(0.5));
        // a network's own error is larger than the paired one of two networks that fail on the same hard images
        assertThat(a.standardError(Double.NaN)).isGreaterThan(se).isEqualTo(a.standardError(50));
    }

    @Test
    void hitsGiveTopOneAndThePairedErrorOfItsDifference() {
        boolean[] a = {true, true, false, true};
        boolean[] b = {true, false, false, true};
        Classification.Hits x = new Classification.Hits(a);
        assertThat(x.quality()).isEqualTo(75.0);
        // differences 0, 1, 0, 0: mean 0.25, sample variance 0.25, error 100 * sqrt(0.25 / 4)
        assertThat(x.pairedError(new Classification.Hits(b))).isCloseTo(25.0, within(1e-12));
    }
}
