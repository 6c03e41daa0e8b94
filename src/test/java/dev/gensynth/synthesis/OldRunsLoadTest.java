package dev.gensynth.synthesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.inquisitor.InquisitorState;
import dev.gensynth.prototype.Prototype;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs written before quality was named after the task's metric (top-1 in every name) still load. */
class OldRunsLoadTest {
    @Test
    void figuresNamedTop1ReadAsQuality(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("prototype.json");
        Files.writeString(p, "{\"validationTop1\":90.5,\"testTop1\":90.0,\"trainingEpochs\":4.0,\"trainingSeconds\":12}");
        Prototype proto = Prototype.read(p);
        assertThat(proto.validationQuality()).isEqualTo(90.5);
        assertThat(proto.testQuality()).isEqualTo(90.0);

        RunDir.CycleSummary c = RunDir.JSON.readValue("{\"cycle\":2,\"bestUtility\":70.1,\"bestMacs\":1000,"
                + "\"bestTop1\":91.25,\"feasible\":1,\"probed\":2,\"push\":0.6,\"improved\":true,\"finetuneEpochs\":1,"
                + "\"seconds\":3,\"candidates\":[{\"cycle\":2,\"index\":0,\"seed\":5,\"network\":\"n\",\"widths\":[8],"
                + "\"params\":10,\"macs\":1000,\"top1\":91.25,\"latencyMs\":\"NaN\",\"met\":true,\"reasons\":[],"
                + "\"utility\":70.1,\"finetuneEpochs\":1,\"seconds\":3,\"chosen\":true,\"skipped\":[\"s1b2_add\"]}]}",
                RunDir.CycleSummary.class);
        assertThat(c.bestQuality()).isEqualTo(91.25);
        assertThat(c.candidates().get(0).quality()).isEqualTo(91.25);
        assertThat(c.candidates().get(0).changed()).containsExactly("s1b2_add");

        InquisitorState s = RunDir.JSON.readValue("{\"push\":0.6,\"importance\":[[1.0]],\"observations\":[],"
                + "\"parentUtility\":70.1,\"parentTop1\":91.25,\"stale\":1}", InquisitorState.class);
        assertThat(s.parentQuality()).isEqualTo(91.25);

        LevelGenerators.Level l = RunDir.JSON.readValue("{\"name\":\"A\",\"drop\":0.5,\"parent\":\"cycle-003\","
                + "\"macs\":1000,\"validationTop1\":92.5,\"finetuneEpochs\":5}", LevelGenerators.Level.class);
        assertThat(l.validationQuality()).isEqualTo(92.5);
        // from before levels tried several shares: aimed at 0.9, the only one tried
        assertThat(l.ratio()).isEqualTo(0.9);
        assertThat(l.triedRatios()).isEqualTo(1);
    }
}
