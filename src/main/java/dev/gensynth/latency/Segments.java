package dev.gensynth.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network cut into the pieces ONNX Runtime runs as one kernel each: a layer with the batch norms and
 * activations that only it feeds (the runtime folds a batch norm into the convolution before it and fuses
 * the activation). These are the rows of the latency table.
 */
public final class Segments {
    private Segments() {
    }

    /** One piece: its first layer names it (names survive narrowing, so a parent's segment is found again). */
    public record Segment(List<Layer> layers) {
        public Segment {
            layers = List.copyOf(layers);
        }

        public String name() {
            return layers.get(0).name();
        }
    }

    public static List<Segment> of(NetworkSpec spec) {
        Map<String, List<Layer>> consumers = spec.consumers();
        List<Segment> out = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Layer l : spec.layers()) {
            if (!taken.add(l.name())) {
                continue;
            }
            List<Layer> seg = new ArrayList<>(List.of(l));
            Layer last = l;
            while (true) {
                List<Layer> next = consumers.getOrDefault(last.name(), List.of());
                if (next.size() != 1 || !(next.get(0) instanceof BatchNorm || next.get(0) instanceof Activation)) {
                    break;
                }
                last = next.get(0);
                taken.add(last.name());
                seg.add(last);
            }
            out.add(new Segment(seg));
        }
        return out;
    }

    /**
     * The segment alone, as a network reading its input shape (every input of its first layer is the input);
     * null for a first layer whose inputs differ in shape (a concat of unequal widths), which one input cannot
     * stand in for: such a segment is not timed alone, and what it costs goes into the per-segment term.
     */
    public static NetworkSpec alone(NetworkSpec spec, Segment seg, Map<String, Shape> shapes) {
        Layer first = seg.layers().get(0);
        List<Shape> ins = spec.inputShapes(first, shapes);
        Shape in = ins.get(0);
        if (ins.stream().anyMatch(x -> !x.equals(in))) {
            return null;
        }
        List<Layer> layers = new ArrayList<>();
        layers.add(first.withInputs(Collections.nCopies(first.inputs().size(), Layer.INPUT)));
        layers.addAll(seg.layers().subList(1, seg.layers().size()));
        return new NetworkSpec("segment", in, layers);
    }

    /**
     * The table key: the segment's network alone as JSON, without layer names (a segment is a chain read
     * from the input, so no name is needed for its wiring), so equal layers in different places share a row.
     */
    static String key(NetworkSpec alone) {
        ObjectNode tree = SpecIO.toTree(alone.withName("segment"));
        for (JsonNode layer : tree.path("layers")) {
            ((ObjectNode) layer).remove("name");
        }
        return tree.toString();
    }
}
