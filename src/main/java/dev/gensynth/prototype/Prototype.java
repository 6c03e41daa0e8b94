package dev.gensynth.prototype;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;

/**
 * The prototype network φ that G0 and I0 are built from: a spec with trained weights, and its
 * top-1 on the validation split (the yardstick during synthesis) and on the test split (the
 * yardstick when generated networks are judged on test data).
 *
 * @param trainingEpochs full passes its training took (0 when it came trained)
 * @param trainingSeconds wall time of that training on this machine
 */
public record Prototype(@JsonIgnore NetworkSpec spec, @JsonIgnore Weights weights, double validationTop1,
        double testTop1, double trainingEpochs, double trainingSeconds) {
    /** The same prototype with its top-1 measured on other validation images (a part of the split). */
    public Prototype withValidationTop1(double top1) {
        return new Prototype(spec, weights, top1, testTop1, trainingEpochs, trainingSeconds);
    }
}
