package dev.gensynth.generator;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A structural unit of θG besides channels: one change G may make to its parent's architecture, named
 * after the layer it changes so that θG keys it by name and it can vanish from later parents. θG holds a
 * keep-logit per unit (the probability that the parent's structure stays as it is there).
 */
public sealed interface StructuralUnit permits Blocks.Block, Operators.Separable, Operators.SmallerKernel {
    /** The kinds of unit, each a separate switch of the search and a separate stream of G's draws. */
    enum Kind {
        /** a residual block left out ({@link Blocks}) */
        BLOCK("blocks"),
        /** a standard convolution made depthwise-separable, or a kernel made smaller ({@link Operators}) */
        OPERATOR("operators");

        /** The name of the stream of s its draws come from. */
        public final String stream;

        Kind(String stream) {
            this.stream = stream;
        }
    }

    /** θG's key: the add layer's name for a block, {@code layer:change} for an operator. */
    String key();

    Kind kind();

    /** {@code spec} with this change made; {@code spec} must have the unit (see {@link #of}). */
    NetworkSpec applyTo(NetworkSpec spec);

    /** The weights of {@code after} (what {@link #applyTo} made), inherited from those of the spec it changed. */
    Weights inherit(Weights weights, NetworkSpec after);

    /**
     * {@code spec} (and {@code weights}, when not null) with this one unit changed; always valid: fails here,
     * naming the layer, if the change missed a reader, or the unit if its weights do not fit.
     */
    default Changed change(NetworkSpec spec, Weights weights) {
        NetworkSpec next = applyTo(spec);
        next.shapes();
        if (weights == null) {
            return new Changed(next, null);
        }
        Weights inherited = inherit(weights, next);
        inherited.checkFits(next, "after changing " + key() + " of " + spec.name());
        return new Changed(next, inherited);
    }

    /** Every unit of {@code spec} of the given kinds, in layer order within each kind. */
    static List<StructuralUnit> of(NetworkSpec spec, Set<Kind> kinds) {
        List<StructuralUnit> out = new ArrayList<>();
        if (kinds.contains(Kind.BLOCK)) {
            out.addAll(Blocks.of(spec));
        }
        if (kinds.contains(Kind.OPERATOR)) {
            out.addAll(Operators.of(spec));
        }
        return out;
    }

    /** The unit of {@code spec} with this key, or null when {@code spec} has none (any more). */
    static StructuralUnit find(NetworkSpec spec, String key) {
        return byKey(spec).get(key);
    }

    /** Every unit of {@code spec}, by key. */
    static Map<String, StructuralUnit> byKey(NetworkSpec spec) {
        Map<String, StructuralUnit> m = new LinkedHashMap<>();
        for (StructuralUnit u : of(spec, Set.of(Kind.values()))) {
            m.put(u.key(), u);
        }
        return m;
    }

    /** A network and its weights after structural changes (weights null when only the spec is wanted). */
    record Changed(NetworkSpec spec, Weights weights) {
    }

    /**
     * {@code spec} (and {@code weights}, when not null) with the units named by {@code keys} changed, in the
     * order given: blocks first is what G does, so a unit inside a block left out is gone and is passed
     * over. A key that names no unit of the original {@code spec} is an error.
     */
    static Changed apply(NetworkSpec spec, Weights weights, Collection<String> keys) {
        NetworkSpec s = spec;
        Weights w = weights;
        for (String key : keys) {
            StructuralUnit u = find(s, key);
            if (u == null) {
                if (find(spec, key) == null) {
                    throw new IllegalArgumentException("'" + key + "' is not a structural unit of " + spec.name()
                            + " (units: " + of(spec, Set.of(Kind.values())).stream().map(StructuralUnit::key)
                                    .toList() + ")");
                }
                continue;
            }
            Changed c = u.change(s, w);
            s = c.spec();
            w = c.weights();
        }
        return new Changed(s, w);
    }
}
