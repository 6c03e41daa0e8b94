package dev.gensynth.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes that a crash or a power cut cannot tear: a reader finds the old content or the new,
 * never a mix, and once a call returns the new content is on disk. Every checkpoint and every
 * result a resumed command skips work for goes through here.
 *
 * <p>A file is written to {@code NAME.tmp} beside it, synced, renamed over {@code NAME}
 * (rename is atomic within a directory) and the directory is synced so the rename itself
 * survives a power cut. A directory is filled as {@code NAME.tmp/} and synced, then swapped
 * in by two renames ({@code NAME -> NAME.old}, {@code NAME.tmp -> NAME}); a crash between them
 * leaves no {@code NAME}, which {@link #recover} completes from the synced {@code NAME.tmp/}.
 */
public final class AtomicFiles {
    private static final String TMP = ".tmp";
    private static final String OLD = ".old";
    /** The kill drill ({@code bench/kill_drill.sh}) sets these to see, and widen, the steps a kill lands in. */
    private static final String TRACE = System.getProperty("gensynth.drill.trace");
    private static final long PAUSE_MS = Long.getLong("gensynth.drill.pauseMs", 0);

    private AtomicFiles() {
    }

    /** A step that may throw, e.g. writing the contents of a directory. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces (or creates) the file {@code target} with {@code bytes}, atomically and durably. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = parent(target);
        createDirectories(dir);
        Path tmp = sibling(target, TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        step("rename " + where(tmp) + " -> " + name(target));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    /**
     * {@link #write} for a file that several processes may write at once, such as a cache under the user's
     * home: each writes its own uniquely named temporary file, and the last rename wins.
     */
    public static void writeShared(Path target, byte[] bytes) throws IOException {
        Path dir = parent(target);
        createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), TMP);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces (or creates) the directory {@code target} with one that {@code fill} writes (it
     * gets an empty directory), atomically and durably. An interrupted earlier replacement is
     * recovered first.
     */
    public static void replaceDirectory(Path target, IOConsumer<Path> fill) throws IOException {
        Path dir = parent(target);
        createDirectories(dir);
        recoverDirectory(target);
        Path tmp = sibling(target, TMP);
        Path old = sibling(target, OLD);
        Files.createDirectory(tmp);
        fill.accept(tmp);
        syncTree(tmp);
        if (Files.exists(target)) {
            step("rename " + where(target) + " -> " + name(old));
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        step("rename " + where(tmp) + " -> " + name(target));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        step("delete " + where(old));
        deleteTree(old);
    }

    /**
     * Finishes or undoes every write and directory replacement under {@code dir} (not below) that a
     * crash interrupted: afterwards each target holds its last complete version and no
     * {@code .tmp} or {@code .old} is left.
     */
    public static void recover(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> leftovers;
        try (Stream<Path> s = Files.list(dir)) {
            leftovers = s.filter(p -> name(p).endsWith(TMP) || name(p).endsWith(OLD)).sorted().toList();
        }
        for (Path p : leftovers) {
            if (!Files.exists(p)) {
                continue; // handled with its sibling
            }
            if (Files.isDirectory(p)) {
                String n = name(p);
                recoverDirectory(dir.resolve(n.substring(0, n.length() - 4)));
            } else if (name(p).endsWith(TMP)) {
                Files.delete(p); // a file write that did not reach its rename: the target is intact
            }
        }
    }

    private static void recoverDirectory(Path target) throws IOException {
        Path tmp = sibling(target, TMP);
        Path old = sibling(target, OLD);
        if (!Files.exists(target) && Files.isDirectory(old)) {
            // killed between the two renames: NAME.tmp was complete and synced before the first
            Files.move(Files.isDirectory(tmp) ? tmp : old, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(parent(target));
        }
        deleteTree(tmp); // incomplete, or complete but never swapped in: the target is intact
        deleteTree(old);
    }

    /** Syncs every file and directory under {@code root}, and {@code root}'s own entry in its parent. */
    public static void syncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList(); // children before their directory
        }
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                syncDirectory(p);
            } else {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
        syncDirectory(parent(root));
    }

    /** Creates {@code dir} (and missing parents) so that it survives a power cut. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path up = dir.toAbsolutePath().getParent();
        if (up != null) {
            createDirectories(up);
        }
        Files.createDirectories(dir);
        if (up != null) {
            syncDirectory(up);
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; elsewhere a failure here means the disk is failing
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
                throw e;
            }
        }
    }

    /**
     * A point between two durable steps. Normally nothing; in the kill drill it logs the step
     * about to happen and pauses, so that a kill can land right there and the drill can say where.
     */
    public static void step(String what) {
        if (TRACE == null) {
            return;
        }
        try {
            Files.writeString(Path.of(TRACE), System.currentTimeMillis() + " " + what + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(PAUSE_MS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(name(p) + suffix);
    }

    /** dir/name, enough to tell the steps of a run apart. */
    private static String where(Path p) {
        return parent(p).getFileName() + "/" + name(p);
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static Path parent(Path p) {
        Path d = p.toAbsolutePath().getParent();
        if (d == null) {
            throw new IllegalArgumentException("no parent directory: " + p);
        }
        return d;
    }
}
