package dev.gensynth.task.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class VocApTest {
    /**
     * rafaelpadilla/Object-Detection-Metrics, samples/sample_2/{groundtruths,detections}/0000[1-7].txt, copied
     * byte for byte: "class left top width height" and "class confidence left top width height".
     */
    private static final String SAMPLE = "/detection/object-detection-metrics/";
    private static final List<String> IMAGES = List.of("00001", "00002", "00003", "00004", "00005", "00006", "00007");

    private static List<String> lines(String path) throws IOException {
        try (InputStream in = VocApTest.class.getResourceAsStream(SAMPLE + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static List<GroundTruth> sampleTruths() throws IOException {
        List<GroundTruth> truths = new ArrayList<>();
        for (String image : IMAGES) {
            for (String line : lines("groundtruths/" + image + ".txt")) {
                String[] f = line.split(" ");
                truths.add(new GroundTruth(image, f[0], Box.fromXywh(Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]))));
            }
        }
        return truths;
    }

    /** In pascalvoc.py's order, files sorted by name then lines in order: it decides the two 0.95 ties. */
    private static List<Detection> sampleDetections() throws IOException {
        List<Detection> detections = new ArrayList<>();
        for (String image : IMAGES) {
            for (String line : lines("detections/" + image + ".txt")) {
                String[] f = line.split(" ");
                detections.add(new Detection(image, f[0], Double.parseDouble(f[1]), Box.fromXywh(
                        Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]))));
            }
        }
        return detections;
    }

    private static List<String> twoDecimals(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v)).toList();
    }

    @Test
    void rafaelpadillasWorkedExample() throws IOException {
        List<GroundTruth> truths = sampleTruths();
        List<Detection> detections = sampleDetections();
        assertThat(truths).hasSize(15);
        assertThat(detections).hasSize(24);

        // README "How to use": python pascalvoc.py -t 0.3; Evaluator: iouMax >= IOUThreshold, +1 in IoU
        VocAp.Result result = new VocAp(VocAp.Settings.objectDetectionMetrics(0.3)).evaluate(truths, detections);
        VocAp.ClassResult object = result.of("object");
        assertThat(result.classes()).hasSize(1);
        assertThat(object.positives()).isEqualTo(15);
        assertThat(object.truePositives()).isEqualTo(7);
        assertThat(object.falsePositives()).isEqualTo(17);
        assertThat(object.ignored()).isZero();

        // README, "Calculating the interpolation performed in all points": A1 + A2 + A3 + A4 with recalls
        // 1/15, 2/15, 6/15, 7/15 and envelope 1, 2/3, 3/7, 7/23; it prints 24.56 % from truncated terms
        // (0.24560955), results/results.txt prints the exact value rounded, 24.57 %.
        double allPoints = (1 + 2.0 / 3 + 3.0 / 7 * 4 + 7.0 / 23) / 15;
        assertThat(object.ap()).isCloseTo(allPoints, within(1e-12));
        assertThat(object.ap()).isCloseTo(0.24560955, within(1e-4));
        assertThat(String.format(Locale.ROOT, "%.2f%%", 100 * object.ap())).isEqualTo("24.57%");
        assertThat(result.map()).isEqualTo(object.ap());

        // README, "Calculating the 11-point interpolation": (1 + 0.6666 + 3 x 0.4285 + 7 x 0) / 11 = 26.84 %
        double elevenPoints = (1 + 2.0 / 3 + 3 * (3.0 / 7)) / 11;
        assertThat(object.ap11()).isCloseTo(elevenPoints, within(1e-12));
        assertThat(String.format(Locale.ROOT, "%.2f%%", 100 * object.ap11())).isEqualTo("26.84%");
        assertThat(result.map11()).isEqualTo(object.ap11());

        // results/results.txt, the same boxes labelled "person": the curves to two decimals. The first two
        // are the 0.95 tie: R (image 00005, TP) before Y (image 00007, FP), the order the files were read in.
        assertThat(twoDecimals(object.precision())).containsExactly("1.00", "0.50", "0.67", "0.50", "0.40",
                "0.33", "0.29", "0.25", "0.22", "0.30", "0.27", "0.33", "0.38", "0.43", "0.40", "0.38", "0.35",
                "0.33", "0.32", "0.30", "0.29", "0.27", "0.30", "0.29");
        assertThat(twoDecimals(object.recall())).containsExactly("0.07", "0.07", "0.13", "0.13", "0.13", "0.13",
                "0.13", "0.13", "0.13", "0.20", "0.20", "0.27", "0.33", "0.40", "0.40", "0.40", "0.40", "0.40",
                "0.40", "0.40", "0.40", "0.40", "0.47", "0.47");
    }

    @Test
    void theSampleInContinuousCoordinatesLosesDetectionG() throws IOException {
        // G's IoU is 0.3034 pixel-inclusive but 0.2952 continuous (BoxTest): it turns FP, and the last
        // area of the README's sum (A4, recall 0.4 to 0.4667) is gone
        VocAp.Settings continuous = new VocAp.Settings(0.3, true, IouConvention.CONTINUOUS);
        VocAp.ClassResult object = new VocAp(continuous).evaluate(sampleTruths(), sampleDetections()).of("object");
        assertThat(object.truePositives()).isEqualTo(6);
        assertThat(object.ap()).isCloseTo((1 + 2.0 / 3 + 3.0 / 7 * 4) / 15, within(1e-12));
    }

    @Test
    void aDetectionOfADifficultObjectIsNeitherTrueNorFalse() {
        List<GroundTruth> truths = List.of(
                new GroundTruth("a", "car", new Box(0, 0, 9, 9)),
                new GroundTruth("a", "car", new Box(20, 20, 29, 29), true, false));
        List<Detection> detections = List.of(
                new Detection("a", "car", 0.9, new Box(20, 20, 29, 29)), // the difficult one: ignored
                new Detection("a", "car", 0.8, new Box(0, 0, 9, 9)),
                new Detection("a", "car", 0.7, new Box(50, 50, 59, 59)));
        VocAp.ClassResult car = new VocAp().evaluate(truths, detections).of("car");
        assertThat(car.positives()).isEqualTo(1); // the difficult box is not one
        assertThat(car.truePositives()).isEqualTo(1);
        assertThat(car.falsePositives()).isEqualTo(1);
        assertThat(car.ignored()).isEqualTo(1);
        assertThat(car.precision()).containsExactly(0, 1, 0.5);
        assertThat(car.recall()).containsExactly(0, 1, 1);
        // were the first detection a FP, precision at full recall would be 1/2 and AP 0.5
        assertThat(car.ap()).isEqualTo(1.0);
        assertThat(car.ap11()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aSecondDetectionOfAnObjectIsAFalsePositive() {
        List<GroundTruth> truths = List.of(
                new GroundTruth("a", "car", new Box(0, 0, 9, 9)),
                new GroundTruth("a", "car", new Box(50, 50, 59, 59)));
        List<Detection> detections = List.of(
                new Detection("a", "car", 0.9, new Box(0, 0, 9, 5)), // IoU 60/100
                new Detection("a", "car", 0.8, new Box(0, 0, 9, 9))); // IoU 1, but the box is taken
        VocAp.ClassResult car = new VocAp().evaluate(truths, detections).of("car");
        assertThat(car.truePositives()).isEqualTo(1);
        assertThat(car.falsePositives()).isEqualTo(1);
        assertThat(car.precision()).containsExactly(1, 0.5);
        assertThat(car.recall()).containsExactly(0.5, 0.5);
        assertThat(car.ap()).isEqualTo(0.5); // 1.0 had the duplicate counted
        // 11 points: precision 1 for t = 0 … 0.5 (6 of them), nothing at recall >= 0.6
        assertThat(car.ap11()).isCloseTo(6.0 / 11, within(1e-12));
    }

    @Test
    void aClassWithoutPositivesIsLeftOutOfTheMean() {
        List<GroundTruth> truths = List.of(
                new GroundTruth("a", "cat", new Box(0, 0, 9, 9)),
                new GroundTruth("a", "bird", new Box(30, 30, 39, 39), true, false));
        List<Detection> detections = List.of(
                new Detection("a", "cat", 0.9, new Box(0, 0, 9, 9)),
                new Detection("a", "dog", 0.8, new Box(0, 0, 9, 9)),
                new Detection("a", "bird", 0.7, new Box(30, 30, 39, 39)));
        VocAp.Result result = new VocAp().evaluate(truths, detections);
        assertThat(result.classes()).extracting(VocAp.ClassResult::label).containsExactly("bird", "cat", "dog");
        assertThat(result.of("dog").positives()).isZero();
        assertThat(result.of("dog").falsePositives()).isEqualTo(1);
        assertThat(result.of("dog").ap()).isNaN();
        assertThat(result.of("bird").positives()).isZero(); // only a difficult box
        assertThat(result.of("bird").ap()).isNaN();
        assertThat(result.of("cat").ap()).isEqualTo(1.0);
        assertThat(result.map()).isEqualTo(1.0); // not (1 + 0 + 0) / 3
        assertThat(result.map11()).isCloseTo(1.0, within(1e-12));
        assertThat(new VocAp().evaluate(List.of(), detections).map()).isNaN();
    }

    @Test
    void tiedScoresKeepTheirInputOrder() {
        List<GroundTruth> truths = List.of(new GroundTruth("a", "car", new Box(0, 0, 9, 9)));
        Detection miss = new Detection("a", "car", 0.5, new Box(50, 50, 59, 59));
        Detection hit = new Detection("a", "car", 0.5, new Box(0, 0, 9, 9));
        VocAp.ClassResult missFirst = new VocAp().evaluate(truths, List.of(miss, hit)).of("car");
        assertThat(missFirst.precision()).containsExactly(0, 0.5);
        assertThat(missFirst.ap()).isEqualTo(0.5);
        VocAp.ClassResult hitFirst = new VocAp().evaluate(truths, List.of(hit, miss)).of("car");
        assertThat(hitFirst.precision()).containsExactly(1, 0.5);
        assertThat(hitFirst.ap()).isEqualTo(1.0);
    }

    @Test
    void anIouEqualToTheThresholdPassesOnlyWhereTheReferenceSaysSo() {
        // 10 x 5 pixels of a 10 x 10 box, pixel-inclusive: IoU exactly 0.5
        List<GroundTruth> truths = List.of(new GroundTruth("a", "car", new Box(0, 0, 9, 9)));
        List<Detection> detections = List.of(new Detection("a", "car", 0.9, new Box(0, 0, 9, 4)));
        assertThat(new VocAp(VocAp.Settings.pyFasterRcnn()).evaluate(truths, detections).map()).isEqualTo(0.0);
        assertThat(new VocAp(VocAp.Settings.vocDevkit()).evaluate(truths, detections).map()).isEqualTo(1.0);
        assertThat(new VocAp(VocAp.Settings.objectDetectionMetrics(0.5)).evaluate(truths, detections).map())
                .isEqualTo(1.0);
        assertThat(new VocAp().settings()).isEqualTo(VocAp.Settings.pyFasterRcnn());
        assertThatThrownBy(() -> VocAp.Settings.vocDevkit().withThreshold(0)).hasMessageContaining("(0, 1]");
    }

    @Test
    void elevenPointThresholdsAreNumpys() {
        // recall exactly 3/10 stays below t = 0.1 * 3 = 0.30000000000000004, as in voc_ap's arange
        double[] recall = {0.1, 0.2, 3.0 / 10};
        double[] precision = {1, 1, 1};
        assertThat(VocAp.elevenPointAp(recall, precision)).isCloseTo(3.0 / 11, within(1e-15));
        assertThat(VocAp.allPointAp(recall, precision)).isCloseTo(0.3, within(1e-15));
    }
}
