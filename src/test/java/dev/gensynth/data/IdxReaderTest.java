package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path tmp;

    /** IDX image bytes: {@code n} images of rows x cols, pixel k of the file = k mod 256. */
    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(IdxReader.IMAGE_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int k = 0; k < n * rows * cols; k++) {
            b.put((byte) k);
        }
        return b.array();
    }

    static byte[] labels(int... y) {
        ByteBuffer b = ByteBuffer.allocate(8 + y.length);
        b.putInt(IdxReader.LABEL_MAGIC).putInt(y.length);
        for (int v : y) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    @Test
    void readsRawFiles() throws IOException {
        Dataset d = IdxReader.read(write("img", images(3, 2, 2)), write("lab", labels(1, 0, 2)), "tiny", 3);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.sampleShape().dims()).containsExactly(1, 2, 2);
        assertThat(d.y()).containsExactly(1, 0, 2);
        assertThat(d.sample(1)).containsExactly(4 / 255f, 5 / 255f, 6 / 255f, 7 / 255f);
        assertThat(d.classNames()).containsExactly("0", "1", "2");
    }

    @Test
    void detectsGzipByContentNotExtension() throws IOException {
        Path img = write("images.bin", gzip(images(2, 3, 3)));
        Path lab = write("labels.gz", labels(0, 1));
        Dataset d = IdxReader.read(img, lab, "tiny", 2);
        assertThat(d.x()[17]).isEqualTo(17 / 255f);
        assertThat(d.y()).containsExactly(0, 1);
    }

    @Test
    void pixelsSpanZeroToOne() throws IOException {
        Dataset d = IdxReader.read(write("img", images(1, 16, 16)), write("lab", labels(0)), "tiny", 1);
        float[] x = d.x();
        assertThat(x[0]).isZero();
        assertThat(x[255]).isEqualTo(1f);
    }

    @Test
    void truncatedImageFileSaysExpectedAndFound() throws IOException {
        byte[] full = images(3, 2, 2);
        Path img = write("train-images", Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> IdxReader.read(img, write("lab", labels(0, 0, 0)), "t", 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(img.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("28 bytes")
                .hasMessageContaining("only 23");
    }

    @Test
    void cutOffGzipIsAUserError() throws IOException {
        byte[] gz = gzip(images(20, 8, 8));
        Path img = write("img.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.read(img, write("lab", labels(new int[20])), "t", 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(img.toString())
                .hasMessageContaining("gzip");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path img = write("img", images(3, 2, 2));
        Path lab = write("lab", labels(0, 1));
        assertThatThrownBy(() -> IdxReader.read(img, lab, "t", 2))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("holds 3 images")
                .hasMessageContaining("holds 2 labels")
                .hasMessageContaining(lab.toString());
    }

    @Test
    void wrongMagicSaysNotAnIdxImageFile() throws IOException {
        Path junk = write("junk.png", "hello, not idx at all".getBytes());
        assertThatThrownBy(() -> IdxReader.read(junk, write("lab", labels(0)), "t", 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("not an IDX image file")
                .hasMessageContaining(junk.toString());
    }

    @Test
    void swappedFilesAreRecognised() throws IOException {
        Path img = write("img", images(1, 2, 2));
        Path lab = write("lab", labels(0));
        assertThatThrownBy(() -> IdxReader.read(lab, img, "t", 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("swapped");
    }

    @Test
    void missingFileIsAUserError() throws IOException {
        Path missing = tmp.resolve("nope-idx3-ubyte");
        assertThatThrownBy(() -> IdxReader.read(missing, write("lab", labels(0)), "t", 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void labelOutOfRangeIsAUserError() throws IOException {
        Path lab = write("lab", labels(0, 7));
        assertThatThrownBy(() -> IdxReader.read(write("img", images(2, 1, 1)), lab, "t", 5))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("label 7 at index 1");
    }
}
