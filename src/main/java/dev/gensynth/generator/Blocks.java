package dev.gensynth.generator;

import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The blocks a generated network may leave out: a residual block whose shortcut is the identity
 * ({@code add(x, F(x))} with F a chain of single-input layers that nothing else reads) computes x
 * plus a correction, so without F the network still computes something close, and is shallower.
 * A block is named by its add layer, so θG keys it by name and it can vanish from later parents.
 * Skipping removes F's layers and the add, and rewires the add's readers to x; a ReLU right after
 * the add goes too when x is already a ReLU's output (ReLU of a ReLU is the same tensor).
 */
public final class Blocks {
    private Blocks() {
    }

    /**
     * @param name the add layer's name
     * @param shortcut the tensor the block adds its branch to
     * @param branch the branch's layers in order (the add excluded)
     */
    public record Block(String name, String shortcut, List<String> branch) implements StructuralUnit {
        @Override
        public String key() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.BLOCK;
        }

        @Override
        public NetworkSpec applyTo(NetworkSpec spec) {
            return skip(spec, List.of(name));
        }

        @Override
        public Weights inherit(Weights weights, NetworkSpec after) {
            return keepFor(weights, after);
        }
    }

    /** Every skippable block of {@code spec}, in layer order. */
    public static List<Block> of(NetworkSpec spec) {
        Map<String, List<Layer>> readers = spec.consumers();
        Map<String, Layer> byName = new HashMap<>();
        for (Layer l : spec.layers()) {
            byName.put(l.name(), l);
        }
        List<Block> out = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (!(l instanceof Add add) || add.inputs().size() != 2) {
                continue;
            }
            for (int end = 0; end < 2; end++) {
                List<String> branch = branch(add.inputs().get(end), add.inputs().get(1 - end), byName, readers,
                        spec.outputs());
                if (branch != null) {
                    out.add(new Block(add.name(), add.inputs().get(1 - end), branch));
                    break;
                }
            }
        }
        return out;
    }

    /** The chain of single-input, single-reader layers from {@code shortcut} to {@code end}, or null. */
    private static List<String> branch(String end, String shortcut, Map<String, Layer> byName,
            Map<String, List<Layer>> readers, List<String> outputs) {
        List<String> chain = new ArrayList<>();
        String t = end;
        while (!t.equals(shortcut)) {
            Layer l = byName.get(t);
            if (l == null || l.inputs().size() != 1 || outputs.contains(t)
                    || readers.getOrDefault(t, List.of()).size() != 1) {
                return null;
            }
            chain.add(0, t);
            t = l.inputs().get(0);
        }
        return chain.isEmpty() ? null : chain;
    }

    /** The spec without the named blocks (names that are not skippable blocks of it are an error). */
    public static NetworkSpec skip(NetworkSpec spec, Collection<String> names) {
        if (names.isEmpty()) {
            return spec;
        }
        Map<String, Block> blocks = new LinkedHashMap<>();
        for (Block b : of(spec)) {
            blocks.put(b.name(), b);
        }
        Set<String> removed = new HashSet<>();
        Map<String, String> rename = new HashMap<>();
        Map<String, List<Layer>> readers = spec.consumers();
        for (String n : names) {
            Block b = blocks.get(n);
            if (b == null) {
                throw new IllegalArgumentException("'" + n + "' is not a skippable block of " + spec.name()
                        + " (blocks: " + blocks.keySet() + ")");
            }
            removed.addAll(b.branch());
            removed.add(b.name());
            String x = resolve(b.shortcut(), rename);
            rename.put(b.name(), x);
            List<Layer> after = readers.getOrDefault(b.name(), List.of());
            if (after.size() == 1 && isRelu(after.get(0)) && !spec.outputs().contains(b.name())
                    && !x.equals(Layer.INPUT) && isRelu(spec.layer(x))) {
                removed.add(after.get(0).name());
                rename.put(after.get(0).name(), x);
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (removed.contains(l.name())) {
                continue;
            }
            List<String> in = l.inputs().stream().map(i -> resolve(i, rename)).toList();
            layers.add(in.equals(l.inputs()) ? l : l.withInputs(in));
        }
        List<String> outputs = spec.outputs().stream().map(o -> resolve(o, rename)).toList();
        NetworkSpec out = new NetworkSpec(spec.name(), spec.input(), layers, outputs);
        out.shapes(); // always valid: fail here, naming the layer, if the analysis missed a reader
        return out;
    }

    /** The weights of the layers {@code spec} still has. */
    public static Weights keepFor(Weights w, NetworkSpec spec) {
        Set<String> keys = spec.parameters().keySet();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : w.tensors().entrySet()) {
            if (keys.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        Weights kept = new Weights(out);
        kept.checkFits(spec, "after skipping blocks of " + spec.name());
        return kept;
    }

    private static String resolve(String t, Map<String, String> rename) {
        String r = t;
        while (rename.containsKey(r)) {
            r = rename.get(r);
        }
        return r;
    }

    private static boolean isRelu(Layer l) {
        return l instanceof Activation a && a.function() == Activation.Function.RELU;
    }
}
