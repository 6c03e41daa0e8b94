package dev.gensynth.report;

import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a segmentation run's networks see: the first test images with their true masks, the prototype's and
 * up to three generated networks' predictions beside them ({@link MaskPictures}), each network run on them
 * in inference mode (the benchmark's report shows its networks the same way). A classification run has no such
 * section.
 */
public final class Segmentations {
    private Segmentations() {
    }

    /**
     * Adds the section when the run whose config is {@code runYaml} segments: its first test images, their true
     * masks and each of {@code models} (a model directory each, shown under its name) predicting them.
     */
    public static void pictures(Html h, Path runYaml, List<String> names, List<Path> models, List<String> problems) {
        Dataset test = Pictures.testImages(runYaml, "segmentation", problems);
        if (test == null || !(test.targets() instanceof Targets.Masks truth)) {
            return;
        }
        List<String> columns = new ArrayList<>(List.of("image", "truth"));
        int area = truth.area();
        List<List<int[]>> masks = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int[] t = new int[area];
            for (int p = 0; p < area; p++) {
                t[p] = truth.at(i, p);
            }
            masks.add(new ArrayList<>(List.of(t)));
        }
        boolean ran = Pictures.eachNetwork(names, models, columns, "segmentation", problems,
                net -> net.argMax(test, Pictures.IMAGES, (start, n, classes) -> {
                    for (int i = 0; i < n; i++) {
                        int[] mask = new int[area];
                        for (int p = 0; p < area; p++) {
                            mask[p] = (int) classes[i * area + p];
                        }
                        masks.get(start + i).add(mask);
                    }
                }));
        if (!ran) {
            return;
        }
        List<MaskPictures.Row> rows = new ArrayList<>();
        int channels = test.sampleShape().channels();
        for (int i = 0; i < test.size(); i++) {
            rows.add(new MaskPictures.Row(Pictures.unitRange(test.sample(i)), channels, masks.get(i)));
        }
        int side = Math.max(truth.height(), truth.width());
        h.h2("Segmentations of the first test images");
        h.img(MaskPictures.png("the first test images, their true masks and each network's", columns, rows,
                truth.height(), truth.width(), test.classNames(), Math.max(1, 128 / side)));
        h.note("Each network's arg-max class per pixel in inference mode; colours follow Pascal VOC's map (class 0, "
                + "the background, black; ignored pixels white).");
    }

}
