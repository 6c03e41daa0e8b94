package dev.gensynth.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever step a crash interrupts, recover() leaves the last complete version and no leftovers. */
class AtomicFilesTest {
    static void fill(Path d, String text) throws java.io.IOException {
        Files.writeString(d.resolve("a.txt"), text);
        Files.createDirectories(d.resolve("sub"));
        Files.writeString(d.resolve("sub/b.txt"), text + "-b");
    }

    @Test
    void writesAndReplacesLeavingNoTemporaries(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("deep/er/x.json");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertThat(f).hasContent("two");
        Path d = tmp.resolve("best");
        AtomicFiles.replaceDirectory(d, x -> fill(x, "v1"));
        AtomicFiles.replaceDirectory(d, x -> fill(x, "v2"));
        assertThat(d.resolve("sub/b.txt")).hasContent("v2-b");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("deep", "best");
        }
    }

    @Test
    void killedBetweenTheTwoRenamesTheNewVersionIsSwappedIn(@TempDir Path tmp) throws Exception {
        Path d = tmp.resolve("best");
        Files.createDirectories(tmp.resolve("best.old"));
        fill(tmp.resolve("best.old"), "v1");
        Files.createDirectories(tmp.resolve("best.tmp"));
        fill(tmp.resolve("best.tmp"), "v2");
        AtomicFiles.recover(tmp);
        assertThat(d.resolve("a.txt")).hasContent("v2");
        assertThat(tmp.resolve("best.old")).doesNotExist();
        assertThat(tmp.resolve("best.tmp")).doesNotExist();
    }

    @Test
    void killedWhileFillingOrBeforeDeletingTheOldTheTargetStays(@TempDir Path tmp) throws Exception {
        Path d = tmp.resolve("best");
        AtomicFiles.replaceDirectory(d, x -> fill(x, "v1"));
        Files.createDirectories(tmp.resolve("best.tmp")); // half-written next version
        Files.writeString(tmp.resolve("best.tmp/a.txt"), "v");
        Files.createDirectories(tmp.resolve("best.old"));
        Files.writeString(tmp.resolve("x.json.tmp"), "{\"trunc"); // a file write that never reached its rename
        Files.writeString(tmp.resolve("x.json"), "{}");
        AtomicFiles.recover(tmp);
        assertThat(d.resolve("a.txt")).hasContent("v1");
        assertThat(tmp.resolve("x.json")).hasContent("{}");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("best", "x.json");
        }
        // the next replacement starts from a clean slate even without recover()
        Files.createDirectories(tmp.resolve("best.tmp"));
        AtomicFiles.replaceDirectory(d, x -> fill(x, "v3"));
        assertThat(d.resolve("a.txt")).hasContent("v3");
    }
}
