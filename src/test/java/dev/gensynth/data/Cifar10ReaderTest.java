package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
    @TempDir
    Path tmp;

    /** Records whose label is {@code labels[r]} and whose pixel p is {@code (r + p) mod 256}. */
    static byte[] batch(int... labels) {
        byte[] b = new byte[labels.length * Cifar10Reader.RECORD];
        for (int r = 0; r < labels.length; r++) {
            b[r * Cifar10Reader.RECORD] = (byte) labels[r];
            for (int p = 0; p < Cifar10Reader.PIXELS; p++) {
                b[r * Cifar10Reader.RECORD + 1 + p] = (byte) (r + p);
            }
        }
        return b;
    }

    @Test
    void readsTestBatchWithStandardNames() throws IOException {
        Files.write(tmp.resolve("test_batch.bin"), batch(3, 9));
        Dataset d = Cifar10Reader.load(tmp, false);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.sampleShape().dims()).containsExactly(3, 32, 32);
        assertThat(d.y()).containsExactly(3, 9);
        assertThat(d.classNames()).isEqualTo(Cifar10Reader.CLASSES);
        float[] s = d.sample(1);
        assertThat(s[0]).isEqualTo(1 / 255f);
        assertThat(s[1024]).isEqualTo(((1 + 1024) % 256) / 255f);
    }

    @Test
    void readsFiveTrainBatchesFromSubdirectoryWithMetaNames() throws IOException {
        Path sub = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        for (int i = 1; i <= 5; i++) {
            Files.write(sub.resolve("data_batch_" + i + ".bin"), batch(i, i - 1));
        }
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Files.write(sub.resolve("batches.meta.txt"), (String.join("\n", names) + "\n\n").getBytes());
        Dataset d = Cifar10Reader.load(tmp, true);
        assertThat(d.size()).isEqualTo(10);
        assertThat(d.y()).containsExactly(1, 0, 2, 1, 3, 2, 4, 3, 5, 4);
        assertThat(d.classNames()).isEqualTo(names);
    }

    @Test
    void truncatedBatchIsAUserError() throws IOException {
        byte[] b = batch(0, 1);
        Path f = Files.write(tmp.resolve("test_batch.bin"), Arrays.copyOf(b, b.length - 100));
        assertThatThrownBy(() -> Cifar10Reader.load(tmp, false))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a multiple of the 3073-byte record size");
    }

    @Test
    void missingBatchIsAUserError() throws IOException {
        Files.write(tmp.resolve("data_batch_1.bin"), batch(0));
        assertThatThrownBy(() -> Cifar10Reader.load(tmp, true))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("data_batch_2.bin");
    }
}
