package dev.gensynth.data;

import dev.gensynth.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** File helpers shared by the readers, turning I/O failures into {@link UserError}s. */
final class DataFiles {
    private DataFiles() {
    }

    /** Scales a byte's unsigned value to [0, 1]; a table because it runs once per pixel. */
    static final float[] UNIT_BYTE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_BYTE[i] = i / 255f;
        }
    }

    /**
     * The file's bytes, gunzipped if it starts with the gzip magic {@code 1f 8b}. We look at the
     * bytes, not the extension, because datasets are often unpacked or renamed by hand and the
     * {@code .gz} suffix then lies in either direction.
     */
    static byte[] readMaybeGzip(Path file, String what) {
        byte[] raw = read(file, what);
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1f || (raw[1] & 0xFF) != 0x8b) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserError(what + " " + file + " starts like a gzip archive but cannot be decompressed ("
                    + e.getMessage() + "); the download was probably cut short: delete it and fetch it again.", e);
        }
    }

    static byte[] read(Path file, String what) {
        requireFile(file, what);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + what + " " + file + " (" + e.getMessage()
                    + "); check that it is readable by the current user.", e);
        } catch (OutOfMemoryError e) {
            throw new UserError(what + " " + file + " does not fit in memory; give the JVM more heap (-Xmx).", e);
        }
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(what + " " + file + (Files.exists(file) ? " is not a regular file" : " does not exist")
                    + "; check the path.");
        }
    }

    static int bigEndianInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** The file's lines, as UTF-8. */
    static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read " + f + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The names listed in {@code file}, one per line, blank lines left out: VOC's {@code ImageSets} lists.
     *
     * @param layout where the layout keeps its lists, for the error when the file is missing
     */
    static List<String> listed(Path file, String layout) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("image list " + file + " does not exist; VOC lists its images in " + layout
                    + ", one name per line.");
        }
        return lines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The names, sorted and without {@code extension}, of the files in {@code dir} ending in it (not hidden ones). */
    static List<String> stems(Path dir, String extension) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")
                    && n.toLowerCase(Locale.ROOT).endsWith(extension))
                    .map(n -> n.substring(0, n.length() - extension.length())).sorted().toList();
        } catch (IOException e) {
            throw new UserError("cannot list " + dir + " (" + e.getMessage() + "); check its permissions.", e);
        }
    }
}
