package dev.gensynth.report;

import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-layer output channels of conv and linear layers, for side-by-side architecture tables. */
public final class Widths {
    private Widths() {
    }

    /** Output channels of each conv/linear layer, by layer name, in network order. */
    public static Map<String, Integer> of(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Layer l : spec.layers()) {
            if (l instanceof Conv || l instanceof Linear) {
                m.put(l.name(), shapes.get(l.name()).channels());
            }
        }
        return m;
    }

    /** The operator of each conv/linear layer, by layer name: "3×3", "dw 3×3", "1×1", "linear". */
    public static Map<String, String> operators(NetworkSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Layer l : spec.layers()) {
            if (l instanceof Conv c) {
                m.put(l.name(), (c.style() == Conv.Style.DEPTHWISE ? "dw " : c.groups() > 1 ? "g" + c.groups() + " " : "")
                        + c.kernel() + "×" + c.kernel() + (c.stride() > 1 ? "/" + c.stride() : ""));
            } else if (l instanceof Linear) {
                m.put(l.name(), "linear");
            }
        }
        return m;
    }

    /**
     * Adds a table (layers as rows, networks as columns; the first network is the yardstick and
     * each other cell shows its width and the share of the yardstick's, and its operator in brackets where
     * it differs from the yardstick's) and a grouped bar chart
     * of at most {@code maxBars} networks.
     */
    public static void section(Html h, List<String> names, List<NetworkSpec> specs, int maxBars) {
        if (specs.isEmpty()) {
            h.p("No architectures to show yet.");
            return;
        }
        List<Map<String, Integer>> w = specs.stream().map(Widths::of).toList();
        List<Map<String, String>> ops = specs.stream().map(Widths::operators).toList();
        // a layer the yardstick lacks (the depthwise part of a convolution made separable) goes where its
        // network has it: after the layer that precedes it there
        List<String> layers = new ArrayList<>(w.get(0).keySet());
        for (Map<String, Integer> m : w) {
            int at = -1;
            for (String l : m.keySet()) {
                if (!layers.contains(l)) {
                    layers.add(at + 1, l);
                }
                at = layers.indexOf(l);
            }
        }
        List<String> header = new ArrayList<>();
        header.add("layer");
        header.addAll(names);
        List<List<String>> rows = new ArrayList<>();
        for (String l : layers) {
            List<String> row = new ArrayList<>();
            row.add(l);
            Integer base = w.get(0).get(l);
            for (int i = 0; i < w.size(); i++) {
                Integer v = w.get(i).get(l);
                String op = ops.get(i).get(l);
                String mark = v != null && (i == 0 || !op.equals(ops.get(0).get(l))) ? " [" + op + "]" : "";
                if (v == null) {
                    row.add("-");
                } else if (i == 0 || base == null || base == 0) {
                    row.add(v + mark);
                } else {
                    row.add(String.format("%d (%.0f%%)%s", v, 100.0 * v / base, mark));
                }
            }
            rows.add(row);
        }
        int n = Math.min(maxBars, specs.size());
        List<List<Double>> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Integer> m = w.get(i);
            values.add(layers.stream().map(l -> (double) m.getOrDefault(l, 0)).toList());
        }
        h.img(Charts.bars("Output channels per conv/linear layer", "channels", layers, names.subList(0, n), values));
        h.table(header, rows);
    }
}
