package dev.gensynth.synthesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.generator.GeneratorState;
import dev.gensynth.inquisitor.InquisitorState;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints without training: a crash at any step leaves a run that resumes from its last commit. */
class RunDirTest {
    static final NetworkSpec SPEC = SpecIO.parse(SynthesisTest.PROTOTYPE, true, "test");

    static GeneratorState g(int version) {
        return new GeneratorState(SPEC, Weights.initial(SPEC, version), new double[][] {{version, 1}}, version);
    }

    static InquisitorState i(int cycle) {
        return new InquisitorState(0.7, new double[][] {{1}}, List.of(), cycle, 90 - cycle, 0);
    }

    static RunDir.CycleSummary cycle(int n) {
        return new RunDir.CycleSummary(n, n, 1000, 90, 1, 0, 0.7, false, 0.5, 1, List.of());
    }

    static RunDir.Progress progress(int n) {
        return new RunDir.Progress(n, 0.5 * n, n, null, false, null);
    }

    /** A run with checkpoints after cycles 0, 1 and 2. */
    static RunDir run(Path dir) throws Exception {
        Files.createDirectories(dir);
        RunDir r = new RunDir(dir);
        r.checkpoint(g(0), i(0), null, progress(0));
        for (int c = 1; c <= 2; c++) {
            r.checkpoint(g(c), i(c), cycle(c), progress(c));
        }
        return r;
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void assertAtCycle(RunDir r, int n) throws Exception {
        assertThat(r.progress().orElseThrow().cycles()).isEqualTo(n);
        assertThat(r.generatorState().version()).isEqualTo(n);
        assertThat(r.generatorState().logits()[0][0]).isEqualTo(n);
        assertThat(r.inquisitorState().parentUtility()).isEqualTo(n);
        assertThat(r.cycles()).extracting(RunDir.CycleSummary::cycle).hasSize(n);
    }

    @Test
    void aCheckpointCommitsWithProgressAndKeepsOneState(@TempDir Path tmp) throws Exception {
        RunDir r = run(tmp.resolve("run"));
        assertAtCycle(r, 2);
        assertThat(names(r.dir())).containsExactly("candidates.csv", "cycles", "progress.json", "state-0003");
    }

    @Test
    void candidatesCsvNamesTheTasksMetric(@TempDir Path tmp) throws Exception {
        RunDir r = run(tmp.resolve("run"));
        assertThat(Files.readAllLines(r.dir().resolve("candidates.csv")).get(0)).contains(",top1_validation,");
        Files.createDirectories(r.prototypeDir());
        Files.writeString(r.prototypeDir().resolve("metrics.json"), "{\"top1\": 91.0, \"meanIoU\": 55.5}");
        r.checkpoint(g(3), i(3), cycle(3), progress(3));
        assertThat(Files.readAllLines(r.dir().resolve("candidates.csv")).get(0)).contains(",miou_validation,")
                .doesNotContain("top1");
    }

    @Test
    void killedBeforeTheCommitTheRunResumesFromThePreviousCheckpoint(@TempDir Path tmp) throws Exception {
        RunDir r = run(tmp.resolve("run"));
        Path d = r.dir();
        // cycle 3 got as far as its state, its cycle file, candidates.csv and a half-written progress.json
        Path s4 = d.resolve("state-0004");
        Files.createDirectories(s4);
        RunDir.saveGenerator(g(3), s4);
        Files.writeString(d.resolve("cycles/cycle-003.json"), RunDir.JSON.writeValueAsString(cycle(3)));
        Files.writeString(d.resolve("cycles/cycle-004.json.tmp"), "{\"cyc");
        Files.writeString(d.resolve("candidates.csv"), "cycle\n3\n");
        Files.writeString(d.resolve("progress.json.tmp"), "{\"cycles\":3,");
        assertAtCycle(r, 2); // readers see the last commit even before recovery

        r.recover();
        assertAtCycle(r, 2);
        assertThat(names(d)).containsExactly("candidates.csv", "cycles", "progress.json", "state-0003");
        assertThat(names(d.resolve("cycles"))).containsExactly("cycle-001.json", "cycle-002.json");
        assertThat(d.resolve("candidates.csv")).content().doesNotContain("\n3\n");
        r.checkpoint(g(3), i(3), cycle(3), progress(3));
        assertAtCycle(r, 3);
    }

    @Test
    void killedAfterTheCommitTheRunResumesFromTheNewCheckpoint(@TempDir Path tmp) throws Exception {
        RunDir r = run(tmp.resolve("run"));
        Path d = r.dir();
        Files.createDirectories(d.resolve("state-0002")); // the previous state, not yet removed
        r.recover();
        assertAtCycle(r, 2);
        assertThat(names(d)).doesNotContain("state-0002");
    }

    @Test
    void anOlderRunKilledBetweenItsTwoStateMovesResumesFromStateOld(@TempDir Path tmp) throws Exception {
        // the layout before state generations: state/ swapped via state.old and state.tmp, progress.json after
        Path d = tmp.resolve("run");
        Files.createDirectories(d.resolve("state.old"));
        Files.createDirectories(d.resolve("state.tmp"));
        RunDir.saveGenerator(g(2), d.resolve("state.old"));
        RunDir.JSON.writeValue(d.resolve("state.old/inquisitor.json").toFile(), i(2));
        RunDir.saveGenerator(g(3), d.resolve("state.tmp"));
        RunDir.JSON.writeValue(d.resolve("state.tmp/inquisitor.json").toFile(), i(3));
        Files.createDirectories(d.resolve("cycles"));
        for (int c = 1; c <= 3; c++) {
            Files.writeString(d.resolve(String.format("cycles/cycle-%03d.json", c)),
                    RunDir.JSON.writeValueAsString(cycle(c)));
        }
        Files.write(d.resolve("progress.json"), RunDir.JSON.writeValueAsBytes(progress(2)));
        RunDir r = new RunDir(d);
        r.recover();
        assertAtCycle(r, 2);
        assertThat(names(d)).containsExactly("candidates.csv", "cycles", "progress.json", "state");
        r.checkpoint(g(3), i(3), cycle(3), progress(3));
        assertAtCycle(r, 3);
        assertThat(names(d)).containsExactly("candidates.csv", "cycles", "progress.json", "state-0001");
    }
}
