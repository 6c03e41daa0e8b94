package dev.gensynth.spec;

import dev.gensynth.UserError;

/** A network spec that cannot be parsed or does not describe a valid network. */
public class SpecException extends UserError {
    public SpecException(String message) {
        super(message);
    }

    /** An error about one layer: the message always starts with the layer's name and kind. */
    public static SpecException at(Layer layer, String problem) {
        return new SpecException("layer '" + layer.name() + "' (" + layer.kind() + "): " + problem);
    }
}
