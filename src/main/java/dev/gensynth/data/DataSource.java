package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which data a command works on: a named dataset kind and where it lives. Resolves to a
 * {@link Data} bundle: a seeded train/validation split of the training set, the test set, and
 * the normalisation fitted on the training split only (applied to all three).
 *
 * <p>Classification: {@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code folder}.
 * Segmentation: {@code fashion-mnist-seg} and {@code mnist-seg}, canvases composed from the items of
 * those sets ({@link Canvases}: the default recipe, or {@code canvases}), and {@code voc}, a folder in the Pascal VOC
 * segmentation layout ({@link VocSegmentation}). Detection: {@code fashion-mnist-det} and {@code mnist-det}, canvases
 * with the tight box of every item ({@link DetectionCanvases}: the default recipe, or {@code detectionCanvases}).
 *
 * @param kind one of {@link #KINDS}
 * @param dir where the files are; null means the default place for the kind
 * @param canvases how a composed segmentation kind ({@link #COMPOSED}) is composed; null: {@link Canvases.Recipe#DEFAULT}
 * @param detectionCanvases how a composed detection kind ({@link #COMPOSED_DETECTION}) is composed; null:
 *     {@link DetectionCanvases.Recipe#DEFAULT}
 */
public record DataSource(String kind, Path dir, double validationFraction, long seed, Canvases.Recipe canvases,
        DetectionCanvases.Recipe detectionCanvases) {
    public static final List<String> KINDS = List.of("fashion-mnist", "mnist", "cifar10", "folder",
            "fashion-mnist-seg", "mnist-seg", "voc", "fashion-mnist-det", "mnist-det", "voc-det", "coco");
    /** The segmentation kinds whose samples are canvases composed from another set's items. */
    public static final List<String> COMPOSED = List.of("fashion-mnist-seg", "mnist-seg");
    /** The detection kinds whose samples are canvases composed from another set's items. */
    public static final List<String> COMPOSED_DETECTION = List.of("fashion-mnist-det", "mnist-det");

    /** A source read as its kind's default: composed kinds with the default recipe. */
    public DataSource(String kind, Path dir, double validationFraction, long seed) {
        this(kind, dir, validationFraction, seed, null, null);
    }

    public DataSource {
        kind = kind == null ? "fashion-mnist" : kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new UserError("unknown dataset '" + kind + "'; use one of " + String.join(", ", KINDS));
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new UserError("validation fraction must be between 0 and 1, got " + validationFraction);
        }
    }

    /** Seed of the test split held out of a folder data set that has no test folder. */
    static final long TEST_HOLD_OUT_SEED = 0x7e57L;

    /** Train, validation and test splits, normalised with statistics of the train split. */
    public record Data(Dataset train, Dataset validation, Dataset test, Normalization normalization) {
        public Shape sampleShape() {
            return train.sampleShape();
        }

        public int classes() {
            return train.classes();
        }
    }

    /**
     * Whether its samples are natural colour images (CIFAR-10, or a folder read as 3 channels), which
     * a horizontal flip leaves a sample of the same class; a mirrored digit (MNIST-like data) is not.
     */
    public boolean naturalColourImages(Shape folderShape) {
        return kind.equals("cifar10") || (kind.equals("folder") || kind.equals("voc")) && folderShape.channels() == 3;
    }

    /** The task the kind's targets are for: {@code classification}, {@code segmentation} or {@code detection}. */
    public String task() {
        return taskOf(kind);
    }

    /** The task of dataset kind {@code kind} (any spelling {@link #KINDS} has). */
    public static String taskOf(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        return k.endsWith("-seg") || k.equals("voc") ? "segmentation"
                : k.endsWith("-det") || k.equals("coco") ? "detection" : "classification";
    }

    public Path resolvedDir() {
        if (dir != null) {
            return dir;
        }
        return switch (kind) {
            case "fashion-mnist", "fashion-mnist-seg", "fashion-mnist-det" -> MnistLike.FASHION_MNIST_DIR;
            case "mnist", "mnist-seg", "mnist-det" -> Path.of("data/mnist");
            case "cifar10" -> Path.of("data/cifar10");
            case "voc" -> throw new UserError("dataset 'voc' needs a directory: pass --data DIR with JPEGImages/ and "
                    + "SegmentationClass/ (or labelme's SegmentationClassPNG/), as Pascal VOC lays them out");
            case "voc-det" -> throw new UserError("dataset 'voc-det' needs a directory: pass --data DIR with "
                    + "Annotations/ (one VOC XML file per image) and JPEGImages/, as Pascal VOC lays them out");
            case "coco" -> throw new UserError("dataset 'coco' needs its annotations: pass --data with the COCO JSON "
                    + "file (or a directory holding annotations.json), its images named relative to it");
            default -> throw new UserError("dataset 'folder' needs a directory: pass --data DIR with one sub-folder"
                    + " per class (or DIR/train and DIR/test, each with one sub-folder per class)");
        };
    }

    /**
     * What a composed detection kind ({@link #COMPOSED_DETECTION}) is made of: its item pools, the recipe, and the
     * training canvases (validation is split from them) and test canvases, each object with the item it shows.
     */
    public record DetectionComposition(Dataset trainItems, Dataset testItems, DetectionCanvases.Recipe recipe,
            DetectionCanvases.Composed train, DetectionCanvases.Composed test) {
    }

    /** The composition behind this source, composed once and then read from the user cache, as {@link #load} does. */
    public DetectionComposition detectionComposition() {
        if (!COMPOSED_DETECTION.contains(kind)) {
            throw new UserError("dataset '" + kind + "' is not composed detection canvases (" + COMPOSED_DETECTION
                    + ")");
        }
        Path d = resolvedDir();
        MnistLike.Flavor items = kind.equals("mnist-det") ? MnistLike.Flavor.MNIST : MnistLike.Flavor.FASHION_MNIST;
        Dataset trainItems = MnistLike.load(d, true, items);
        Dataset testItems = MnistLike.load(d, false, items);
        DetectionCanvases.Recipe r = detectionCanvases == null ? DetectionCanvases.Recipe.DEFAULT : detectionCanvases;
        DetectionCanvases.Composed[] sets = DetectionCanvases.load(trainItems, testItems, r, kind,
                dev.gensynth.io.UserCache.dir().resolve("datasets"));
        return new DetectionComposition(trainItems, testItems, r, sets[0], sets[1]);
    }

    /**
     * Loads everything. {@code folderShape} is the input size images of a {@code folder} or
     * {@code voc} dataset are converted to (ignored by the other kinds, whose size is fixed).
     */
    public Data load(Shape folderShape) {
        return load(folderShape, null);
    }

    /**
     * As {@link #load(Shape)}, but with a given normalisation instead of one fitted on the train
     * split: a trained network must see inputs normalised exactly as in its training.
     */
    public Data load(Shape folderShape, Normalization fixed) {
        Path d = resolvedDir();
        Dataset full;
        Dataset test;
        switch (kind) {
            case "fashion-mnist":
                full = MnistLike.load(d, true, MnistLike.Flavor.FASHION_MNIST);
                test = MnistLike.load(d, false, MnistLike.Flavor.FASHION_MNIST);
                break;
            case "mnist":
                full = MnistLike.load(d, true, MnistLike.Flavor.MNIST);
                test = MnistLike.load(d, false, MnistLike.Flavor.MNIST);
                break;
            case "cifar10":
                full = Cifar10Reader.load(d, true);
                test = Cifar10Reader.load(d, false);
                break;
            case "fashion-mnist-seg":
            case "mnist-seg": {
                MnistLike.Flavor items = kind.equals("mnist-seg") ? MnistLike.Flavor.MNIST
                        : MnistLike.Flavor.FASHION_MNIST;
                Dataset[] sets = Canvases.load(MnistLike.load(d, true, items), MnistLike.load(d, false, items),
                        canvases == null ? Canvases.Recipe.DEFAULT : canvases, kind, dev.gensynth.io.UserCache.dir().resolve("datasets"));
                full = sets[0];
                test = sets[1];
                break;
            }
            case "fashion-mnist-det":
            case "mnist-det": {
                DetectionComposition c = detectionComposition();
                full = c.train().dataset();
                test = c.test().dataset();
                break;
            }
            case "voc-det":
            case "coco": {
                // VOC's val list is what papers report on: it is the test split here; otherwise a test split is held
                // out with a fixed seed, as for a folder
                if (kind.equals("voc-det") && VocDetection.hasList(d, "train") && VocDetection.hasList(d, "val")) {
                    full = VocDetection.read(d, "train").dataset(folderShape, kind + "/train");
                    test = VocDetection.read(d, "val").dataset(folderShape, kind + "/val");
                } else {
                    DetectionSet set = kind.equals("voc-det") ? VocDetection.read(d, null)
                            : CocoDetection.read(Files.isDirectory(d) ? d.resolve("annotations.json") : d).set();
                    Split held = Split.of(set.dataset(folderShape, kind), validationFraction, TEST_HOLD_OUT_SEED);
                    full = held.train();
                    test = held.validation();
                }
                break;
            }
            case "voc":
                if (VocSegmentation.hasLists(d)) {
                    // VOC's val list is what papers report on: it is the test split here
                    full = VocSegmentation.read(d, folderShape, "train");
                    test = VocSegmentation.read(d, folderShape, "val");
                } else {
                    Split held = Split.of(VocSegmentation.read(d, folderShape, null), validationFraction,
                            TEST_HOLD_OUT_SEED);
                    full = held.train();
                    test = held.validation();
                }
                break;
            default:
                if (Files.isDirectory(d.resolve("train")) && Files.isDirectory(d.resolve("test"))) {
                    full = ImageFolderReader.read(d.resolve("train"), folderShape);
                    test = ImageFolderReader.read(d.resolve("test"), folderShape);
                } else {
                    // No test folder: a test split is held out of the folder first, so that no "test" figure
                    // is ever the validation split's. Its seed is fixed, not the run's, so every run on the same
                    // folder reports on the same images.
                    Split held = Split.of(ImageFolderReader.read(d, folderShape), validationFraction,
                            TEST_HOLD_OUT_SEED);
                    full = held.train();
                    test = held.validation();
                }
        }
        Split split = Split.of(full, validationFraction, seed);
        Normalization norm = fixed != null ? fixed : Normalization.fit(split.train());
        Dataset val = norm.apply(split.validation());
        return new Data(norm.apply(split.train()), val, norm.apply(test), norm);
    }
}
