package dev.gensynth.data;

import dev.gensynth.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fetches the public datasets into a directory the readers understand, for users with internet
 * access. Files already present are kept, so re-running is cheap; each file is downloaded to a
 * temporary name and moved into place only when complete, so an interrupted download never
 * leaves a truncated file behind that a reader would later reject.
 */
public final class DatasetDownloader {
    private static final List<String> MNIST_FILES = List.of("train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /** A downloadable dataset: its base URL and files. */
    public enum Source {
        /** MNIST from the PyTorch mirror (yann.lecun.com often refuses downloads). */
        MNIST("https://ossci-datasets.s3.amazonaws.com/mnist/", MNIST_FILES),
        FASHION_MNIST("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", MNIST_FILES),
        /** The binary version; unpacked into {@code cifar-10-batches-bin/} after download. */
        CIFAR10("https://www.cs.toronto.edu/~kriz/", List.of("cifar-10-binary.tar.gz"));

        private final String baseUrl;
        private final List<String> files;

        Source(String baseUrl, List<String> files) {
            this.baseUrl = baseUrl;
            this.files = files;
        }
    }

    private DatasetDownloader() {
    }

    /**
     * Downloads {@code source} into {@code dir} (created if needed) and returns {@code dir}, ready
     * for {@link MnistLike#load} or {@link Cifar10Reader#load}.
     *
     * @throws UserError if a download fails
     */
    public static Path download(Source source, Path dir) {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        try {
            Files.createDirectories(dir);
            for (String file : source.files) {
                Path target = dir.resolve(file);
                if (Files.isRegularFile(target) || (source == Source.CIFAR10
                        && Files.isRegularFile(dir.resolve(Cifar10Reader.SUBDIR).resolve("test_batch.bin")))) {
                    continue;
                }
                fetch(http, URI.create(source.baseUrl + file), target);
                if (source == Source.CIFAR10) {
                    untarGz(target, dir.resolve(Cifar10Reader.SUBDIR));
                    Files.delete(target);
                }
            }
        } catch (IOException e) {
            throw new UserError("downloading " + source + " into " + dir + " failed (" + e.getMessage()
                    + "); check your internet connection and that the directory is writable, or download the files "
                    + "by hand from " + source.baseUrl + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("download of " + source + " into " + dir + " was interrupted; run it again.", e);
        }
        return dir;
    }

    private static void fetch(HttpClient http, URI uri, Path target) throws IOException, InterruptedException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofFile(part));
        if (r.statusCode() != 200) {
            Files.deleteIfExists(part);
            throw new IOException("HTTP " + r.statusCode() + " from " + uri);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Extracts the regular files of a gzipped tar into {@code outDir}, dropping their directory
     * part. The JDK has no tar reader and the CIFAR archive is plain ustar, so reading the 512-byte
     * headers by hand is all that is needed.
     */
    static void untarGz(Path archive, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII)
                        .replace("\0", "").trim(), 8);
                byte type = header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                String base = name.substring(name.lastIndexOf('/') + 1);
                if ((type == '0' || type == 0) && !base.isEmpty()) {
                    Files.write(outDir.resolve(base), body);
                }
            }
        }
    }
}
