package dev.gensynth.task.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CocoApTest {
    private static GroundTruth truth(String image, String label, double x, double y, double w, double h) {
        return new GroundTruth(image, label, Box.fromXywh(x, y, w, h));
    }

    private static GroundTruth crowd(String image, String label, double x, double y, double w, double h) {
        return new GroundTruth(image, label, Box.fromXywh(x, y, w, h), false, true);
    }

    private static Detection detection(String image, String label, double score, double x, double y, double w,
                                       double h) {
        return new Detection(image, label, score, Box.fromXywh(x, y, w, h));
    }

    @Test
    void thresholdsAreNumpysLinspace() {
        assertThat(CocoAp.iouThresholds()).containsExactly(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
                0.8999999999999999, 0.95);
        double[] recalls = CocoAp.recallThresholds();
        assertThat(recalls).hasSize(101);
        assertThat(recalls[50]).isEqualTo(0.5);
        assertThat(recalls[100]).isEqualTo(1.0);
    }

    @Test
    void torchmetricsDocumentationExample() {
        // torchmetrics MeanAveragePrecision docstring (src/torchmetrics/detection/mean_ap.py), xyxy boxes:
        // preds [258, 41, 606, 285] score 0.536 label 0, target [214, 41, 562, 285] label 0
        // -> 'map': 0.6000, 'map_50': 1., 'map_75': 1., 'mar_100': 0.6000
        List<GroundTruth> target = List.of(new GroundTruth("0", "0", new Box(214.0, 41.0, 562.0, 285.0)));
        List<Detection> preds = List.of(new Detection("0", "0", 0.536, new Box(258.0, 41.0, 606.0, 285.0)));
        CocoAp.Result result = new CocoAp().evaluate(target, preds);
        assertThat(result.ap()).isCloseTo(0.6, within(1e-4));
        assertThat(result.ap50()).isCloseTo(1.0, within(1e-4));
        assertThat(result.ap75()).isCloseTo(1.0, within(1e-4));
        // IoU 0.7755: found at 0.50 … 0.75, missed at 0.80 … 0.95
        CocoAp.CategoryResult zero = result.of("0");
        for (int t = 0; t < 10; t++) {
            assertThat(zero.ap(t)).as("t = %d", t).isCloseTo(t <= 5 ? 1.0 : 0.0, within(1e-12));
        }
        assertThat(Arrays.stream(zero.recall()).average().orElseThrow()).isCloseTo(0.6, within(1e-4));
    }

    @Test
    void detectionsInACrowdAreIgnoredAndTheCrowdStaysAvailable() {
        List<GroundTruth> truths = List.of(truth("1", "person", 0, 0, 10, 10), crowd("1", "person", 50, 50, 100, 100));
        List<Detection> detections = List.of(
                detection("1", "person", 0.95, 70, 70, 10, 10), // inside the crowd: IoU 100/100, not 100/10000
                detection("1", "person", 0.9, 60, 60, 10, 10), // inside it again: ignored again, not a FP
                detection("1", "person", 0.8, 0, 0, 10, 10));
        CocoAp.Result result = new CocoAp().evaluate(truths, detections);
        assertThat(result.of("person").positives()).isEqualTo(1); // the crowd is not one
        // the TP is at precision 1; crowd IoU as an ordinary union would make it 1/3, a crowd matched once 1/2
        assertThat(result.ap()).isCloseTo(1.0, within(1e-12));
        assertThat(result.ap50()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void maxDetsCutsPerImageAndCategory() {
        List<GroundTruth> truths = List.of(truth("1", "a", 0, 0, 10, 10), truth("1", "b", 20, 20, 10, 10));
        List<Detection> detections = List.of(
                detection("1", "a", 0.9, 50, 50, 10, 10), // a miss
                detection("1", "a", 0.8, 0, 0, 10, 10),
                detection("1", "b", 0.7, 20, 20, 10, 10));
        CocoAp.Result all = new CocoAp().evaluate(truths, detections);
        // a: FP then TP, precision 1/2 at recall 1 for every threshold; b: 1
        assertThat(all.of("a").ap()).isCloseTo(0.5, within(1e-12));
        assertThat(all.ap()).isCloseTo(0.75, within(1e-12));
        CocoAp.Result one = new CocoAp(1).evaluate(truths, detections);
        assertThat(one.of("a").ap()).isZero(); // only the miss is kept
        // b keeps its detection: the cut is not over the image's three detections
        assertThat(one.of("b").ap()).isCloseTo(1.0, within(1e-12));
        assertThat(one.ap()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aCategoryWithoutGroundTruthIsLeftOutOfTheMean() {
        List<GroundTruth> truths = List.of(truth("1", "a", 0, 0, 10, 10), crowd("1", "c", 40, 40, 10, 10));
        List<Detection> detections = List.of(
                detection("1", "a", 0.9, 0, 0, 10, 10),
                detection("1", "b", 0.9, 20, 20, 10, 10),
                detection("1", "c", 0.9, 40, 40, 10, 10));
        CocoAp.Result result = new CocoAp().evaluate(truths, detections);
        assertThat(result.of("b").positives()).isZero();
        assertThat(result.of("b").ap()).isNaN(); // pycocotools: -1, then excluded
        assertThat(result.of("c").ap()).isNaN(); // only a crowd
        assertThat(result.ap()).isCloseTo(1.0, within(1e-12));
        assertThat(result.ap75()).isCloseTo(1.0, within(1e-12));
        assertThat(new CocoAp().evaluate(List.of(), detections).ap()).isNaN();
    }

    @Test
    void tiesAcrossImagesGoByImageIdNotInputOrder() {
        // one object in each image; a hit in image 9 and a miss in image 10, same score, the miss given first
        List<GroundTruth> truths = List.of(truth("10", "a", 0, 0, 10, 10), truth("9", "a", 0, 0, 10, 10));
        List<Detection> detections = List.of(
                detection("10", "a", 0.9, 50, 50, 10, 10),
                detection("9", "a", 0.9, 0, 0, 10, 10));
        // pycocotools visits image 9 first: the hit ranks first, precision 1 up to recall 0.5 (51 of the
        // 101 recall thresholds); the miss first would give precision 1/2 there, AP 51/202
        CocoAp.Result result = new CocoAp().evaluate(truths, detections);
        assertThat(result.ap()).isCloseTo(51.0 / 101, within(1e-12));
        assertThat(CocoAp.IMAGE_ORDER.compare("9", "10")).isNegative();
        assertThat(CocoAp.IMAGE_ORDER.compare("10", "x")).isNegative();
        assertThat(CocoAp.IMAGE_ORDER.compare("007", "7")).isNotZero();
    }

    @Test
    void withinAnImageTiesKeepTheirInputOrder() {
        List<GroundTruth> truths = List.of(truth("1", "a", 0, 0, 10, 10));
        Detection miss = detection("1", "a", 0.5, 50, 50, 10, 10);
        Detection hit = detection("1", "a", 0.5, 0, 0, 10, 10);
        assertThat(new CocoAp().evaluate(truths, List.of(miss, hit)).ap()).isCloseTo(0.5, within(1e-12));
        assertThat(new CocoAp().evaluate(truths, List.of(hit, miss)).ap()).isCloseTo(1.0, within(1e-12));
    }
}
