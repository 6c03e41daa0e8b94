package dev.gensynth.report;

import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import dev.gensynth.task.ObjectDetection;
import dev.gensynth.task.detection.Detection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a detection run's networks find: the first test images with their true boxes, and the prototype's and up
 * to three generated networks' detections scoring at least {@link #MIN_SCORE} beside them ({@link BoxPictures}),
 * each network run on them in inference mode (the benchmark's report shows its networks the same way). Other
 * runs have no such section.
 */
public final class Detections {
    /** The lowest score drawn: below it a CenterNet's top-100 list is mostly empty positions. */
    static final double MIN_SCORE = 0.3;

    private Detections() {
    }

    /**
     * Adds the section when the run whose config is {@code runYaml} detects: its first test images with their true
     * boxes and each of {@code models} (a model directory each, shown under its name) finding them.
     */
    public static void pictures(Html h, Path runYaml, List<String> names, List<Path> models, List<String> problems) {
        Dataset test = Pictures.testImages(runYaml, "detection", problems);
        if (test == null || !(test.targets() instanceof Targets.Boxes truth)) {
            return;
        }
        List<String> columns = new ArrayList<>(List.of("truth"));
        List<List<List<BoxPictures.Drawn>>> perImage = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            List<BoxPictures.Drawn> drawn = truth.of(i).stream()
                    .map(o -> new BoxPictures.Drawn(o.classIndex(), o.box(), Double.NaN)).toList();
            perImage.add(new ArrayList<>(List.of(drawn)));
        }
        boolean ran = Pictures.eachNetwork(names, models, columns, "detection", problems, net -> {
            List<Detection> found = ObjectDetection.detect(net, test, Pictures.IMAGES);
            for (int i = 0; i < test.size(); i++) {
                String id = ObjectDetection.imageId(i);
                perImage.get(i).add(found.stream().filter(d -> d.image().equals(id) && d.score() >= MIN_SCORE)
                        .map(d -> new BoxPictures.Drawn(test.classNames().indexOf(d.label()), d.box(), d.score()))
                        .toList());
            }
        });
        if (!ran) {
            return;
        }
        List<BoxPictures.Row> rows = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            rows.add(new BoxPictures.Row(Pictures.unitRange(test.sample(i)), test.sampleShape().channels(),
                    perImage.get(i)));
        }
        int side = Math.max(test.sampleShape().height(), test.sampleShape().width());
        h.h2("Detections in the first test images");
        h.img(BoxPictures.png("the first test images with their true boxes and each network's detections", columns,
                rows, test.sampleShape().height(), test.sampleShape().width(), test.classNames(),
                Math.max(1, 192 / side)));
        h.note("Each network's decoded detections (at most 100 per image) scoring at least " + MIN_SCORE
                + ", with class and score; the true boxes without a score. A colour per class.");
    }
}
