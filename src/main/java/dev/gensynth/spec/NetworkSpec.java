package dev.gensynth.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network as a graph of named layers, in an order where every layer reads only the
 * input or earlier layers. Immutable; {@link #shapes()} validates it. The outputs default
 * to the last layer; a detection network may name several.
 */
public record NetworkSpec(String name, Shape input, List<Layer> layers, List<String> outputs) {

    public NetworkSpec {
        layers = List.copyOf(layers);
        outputs = outputs == null || outputs.isEmpty()
                ? (layers.isEmpty() ? List.of() : List.of(layers.get(layers.size() - 1).name()))
                : List.copyOf(outputs);
    }

    public NetworkSpec(String name, Shape input, List<Layer> layers) {
        this(name, input, layers, List.of());
    }

    /**
     * Checks names, references and every layer's shape rule; returns the output shape of
     * every tensor (the input first, then each layer in order).
     *
     * @throws SpecException naming the first layer that is wrong and what would fix it
     */
    public Map<String, Shape> shapes() {
        if (layers.isEmpty()) {
            throw new SpecException("network '" + name + "' has no layers");
        }
        for (int d : input.dims()) {
            if (d < 1) {
                throw new SpecException("network '" + name + "': input shape [" + input + "] must be positive");
            }
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(Layer.INPUT, input);
        Set<String> all = new HashSet<>();
        for (Layer l : layers) {
            all.add(l.name());
        }
        for (Layer layer : layers) {
            if (layer.name() == null || layer.name().isBlank()) {
                throw new SpecException("network '" + name + "': a " + layer.kind() + " layer has no name");
            }
            if (shapes.containsKey(layer.name())) {
                throw SpecException.at(layer, "the name is used twice; every layer needs a unique name (and '"
                        + Layer.INPUT + "' is reserved for the network input)");
            }
            if (layer.inputs().isEmpty()) {
                throw SpecException.at(layer, "has no inputs");
            }
            List<Shape> in = new ArrayList<>();
            for (String ref : layer.inputs()) {
                Shape s = shapes.get(ref);
                if (s == null) {
                    throw SpecException.at(layer, all.contains(ref)
                            ? "input '" + ref + "' is defined later; list layers so each reads only earlier ones"
                            : "unknown input reference '" + ref + "'; inputs must name an earlier layer or '"
                                    + Layer.INPUT + "'");
                }
                in.add(s);
            }
            shapes.put(layer.name(), layer.outputShape(in));
        }
        for (String out : outputs) {
            if (!shapes.containsKey(out) || out.equals(Layer.INPUT)) {
                throw new SpecException("network '" + name + "': output '" + out + "' is not a layer");
            }
        }
        return shapes;
    }

    /** Input shapes of one layer, given the map from {@link #shapes()}. */
    public List<Shape> inputShapes(Layer layer, Map<String, Shape> shapes) {
        return layer.inputs().stream().map(shapes::get).toList();
    }

    public Layer layer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer '" + layerName + "' in " + name);
    }

    /** For each tensor, the layers that read it. */
    public Map<String, List<Layer>> consumers() {
        Map<String, List<Layer>> c = new HashMap<>();
        for (Layer l : layers) {
            for (String in : l.inputs()) {
                c.computeIfAbsent(in, k -> new ArrayList<>()).add(l);
            }
        }
        return c;
    }

    /** Every parameter tensor, keyed {@code layer.param}, in layer order. */
    public Map<String, ParamSpec> parameters() {
        Map<String, Shape> shapes = shapes();
        Map<String, ParamSpec> p = new LinkedHashMap<>();
        for (Layer l : layers) {
            for (ParamSpec ps : l.parameters(inputShapes(l, shapes))) {
                p.put(l.name() + "." + ps.name(), ps);
            }
        }
        return p;
    }

    public NetworkSpec withLayers(List<Layer> newLayers) {
        return new NetworkSpec(name, input, newLayers, outputs);
    }

    public NetworkSpec withName(String newName) {
        return new NetworkSpec(newName, input, layers, outputs);
    }
}
