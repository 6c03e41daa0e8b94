package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the downloader does without the network: nothing downloads here, so only what needs none is checked. */
class DatasetDownloaderTest {
    @TempDir
    Path tmp;

    @Test
    void filesAlreadyThereAreKeptAndNothingIsFetched() throws Exception {
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.writeString(tmp.resolve(f), f);
        }
        // an unreachable mirror would fail: every file is present, so none is asked for
        assertThat(DatasetDownloader.download(DatasetDownloader.Source.FASHION_MNIST, tmp)).isEqualTo(tmp);
        assertThat(tmp.resolve("t10k-labels-idx1-ubyte.gz")).hasContent("t10k-labels-idx1-ubyte.gz");
    }

    @Test
    void theCifarArchiveIsUnpackedWithoutItsFolders() throws Exception {
        Path src = tmp.resolve("src/cifar-10-batches-bin");
        Files.createDirectories(src);
        byte[] batch = new byte[3073 * 3];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) (i * 31);
        }
        Files.write(src.resolve("test_batch.bin"), batch);
        Files.writeString(src.resolve("batches.meta.txt"), "airplane\n");
        Path archive = tmp.resolve("cifar.tar.gz");
        Process p = new ProcessBuilder("tar", "--format=ustar", "-czf", archive.toString(), "-C",
                tmp.resolve("src").toString(), "cifar-10-batches-bin").inheritIO().start();
        assertThat(p.waitFor()).isZero();
        Path out = tmp.resolve("out");
        DatasetDownloader.untarGz(archive, out);
        assertThat(Files.readAllBytes(out.resolve("test_batch.bin"))).isEqualTo(batch);
        assertThat(out.resolve("batches.meta.txt")).hasContent("airplane\n");
        assertThat(out.resolve("cifar-10-batches-bin")).doesNotExist();
    }
}
