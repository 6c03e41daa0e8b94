package dev.gensynth.cli;

import dev.gensynth.data.DataSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose the data, shared by every command that trains or evaluates. */
public final class DataOptions {
    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "Classification: fashion-mnist, mnist, cifar10 or folder (one sub-folder per class, or "
                    + "train/ and test/ each with one; without test/, a test split of the validation fraction is held "
                    + "out, the same images on every run). Segmentation: fashion-mnist-seg or mnist-seg (64x64 "
                    + "canvases of 2-4 items, composed once and cached), or voc (the Pascal VOC layout: JPEGImages/, "
                    + "SegmentationClass/, ImageSets/Segmentation/ when present). Detection: fashion-mnist-det or mnist-det "
                    + "(96x96 canvases of 1-6 items resized by 1-2, each with its tight box, composed once and cached),"
                    + " voc-det (the Pascal VOC detection layout: Annotations/, JPEGImages/, ImageSets/Main/ when "
                    + "present) or coco (a COCO JSON file, or a directory with annotations.json); images are resized "
                    + "to --image-size. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", description = "Directory of the dataset files (default for fashion-mnist: "
            + "/usr/share/datasets/fashion-mnist).")
    Path dir;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "Part of the training set held out for validation. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    @Option(names = "--data-seed", defaultValue = "42", description = "Seed of the train/validation split.")
    long seed;

    DataSource source() {
        return new DataSource(dataset, dir, validationFraction, seed);
    }
}
