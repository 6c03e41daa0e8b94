package dev.gensynth.prototype;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The prototype network φ that G0 and I0 are built from: a spec with trained weights, and its
 * quality (the task's primary metric, in percent) on the validation split (the yardstick during
 * synthesis) and on the test split (the yardstick when generated networks are judged on test data).
 *
 * @param trainingEpochs full passes its training took (0 when it came trained)
 * @param trainingSeconds wall time of that training on this machine
 */
public record Prototype(@JsonIgnore NetworkSpec spec, @JsonIgnore Weights weights,
        @JsonAlias("validationTop1") double validationQuality, @JsonAlias("testTop1") double testQuality,
        double trainingEpochs, double trainingSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The same prototype with its quality measured on other validation images (a part of the split). */
    public Prototype withValidationQuality(double quality) {
        return new Prototype(spec, weights, quality, testQuality, trainingEpochs, trainingSeconds);
    }

    /** The figures of a run's {@code prototype.json} (runs from before the task's metric was named too), no spec or weights. */
    public static Prototype read(Path prototypeJson) throws IOException {
        return JSON.readValue(prototypeJson.toFile(), Prototype.class);
    }
}
