package dev.gensynth.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
    @Test
    void namesTheRealVersionsMachineAndTime() {
        Provenance p = Provenance.current();
        assertThat(p.gensynthVersion()).isEqualTo(System.getProperty("gensynth.expectedVersion")).isNotEqualTo("dev");
        assertThat(p.djlVersion()).isEqualTo("0.27.0");
        assertThat(p.libtorchVersion()).isEqualTo("2.1.1");
        assertThat(p.onnxRuntimeVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(p.jvm()).contains(String.valueOf(Runtime.version().feature()));
        assertThat(p.os()).isNotBlank();
        assertThat(p.cpu()).isNotBlank();
        assertThat(p.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(p.threads()).isPositive();
        assertThat(Instant.parse(p.date())).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(p.seed()).isNull();
        assertThat(p.configHash()).isNull();
    }

    @Test
    void aRunAddsItsSeedAndAShortHashOfItsConfig() {
        Provenance p = Provenance.current().forRun(7, "seed: 7\n");
        assertThat(p.seed()).isEqualTo(7);
        assertThat(p.configHash()).hasSize(12).matches("[0-9a-f]+")
                .isEqualTo(Provenance.current().forRun(7, "seed: 7\n").configHash())
                .isNotEqualTo(Provenance.current().forRun(7, "seed: 8\n").configHash());
        assertThat(p.asMap()).containsEntry("seed", "7").containsEntry("configHash", p.configHash())
                .containsEntry("djlVersion", p.djlVersion()).containsKeys("gensynthVersion", "libtorchVersion",
                        "onnxRuntimeVersion", "cpu", "threads", "kernels", "date");
    }

    @Test
    void recordsTheKernelSettingInForceAndItsVerdict() {
        assertThat(Provenance.current().kernels()).isEqualTo(dev.gensynth.engine.EngineCheck.describe())
                .startsWith(dev.gensynth.engine.EngineCheck.setting());
    }

    @Test
    void readsFilesWithFieldsItDoesNotKnow() throws Exception {
        Provenance p = new ObjectMapper().readValue("{\"gensynthVersion\": \"9.9\", \"kernels\": \"x\", "
                + "\"somethingNew\": {\"a\": 1}}", Provenance.class);
        assertThat(p.gensynthVersion()).isEqualTo("9.9");
        assertThat(p.djlVersion()).isNull();
    }
}
