package dev.gensynth.benchmark;

import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Width scaling: the prototype's architecture uniformly narrowed to each FermiNet's MACs and trained
 * from scratch. It has no trained starting point, so it gets at most P + B in all, shared by its distinct networks
 * (two levels whose FermiNets match the same width share one network and its row), each network's schedule as
 * {@link TrainAndMeasure#trainWithin} chooses it.
 */
final class WidthScaling implements Alternative {
    @Override
    public String key() {
        return "width";
    }

    @Override
    public String method() {
        return "width";
    }

    @Override
    public List<Row> rows(Context c, List<Row> fermi, double prototypeEpochs, double budget) {
        List<Row> out = new ArrayList<>();
        if (c.run().prototypeArch() == null) {
            c.log().accept("width scaling skipped: the prototype is not a built-in architecture with a width multiplier");
            return out;
        }
        List<Double> widths = new ArrayList<>();
        for (Row f : fermi) {
            widths.add(Alternatives.matchWidth(c.run().prototypeArch(), c.data().sampleShape(), c.data().classes(),
                    f.macs(), c.run().prototypeWidth()));
        }
        double epochs = (prototypeEpochs + budget) / widths.stream().distinct().count();
        Map<Double, Row> byWidth = new LinkedHashMap<>();
        for (int i = 0; i < fermi.size(); i++) {
            String level = SynthesisConfig.levelName(i);
            Path d = c.dir().resolve("width").resolve(level);
            Row done = Rows.read(d);
            double w = widths.get(i);
            String name = "Width-" + level + " (x" + w + ")";
            if (done == null && byWidth.containsKey(w)) {
                done = c.levels().verdict(byWidth.get(w).renamed(name, level, 0), c.cfg().levels().get(i));
                c.step().record(d, done);
            }
            if (done == null) {
                c.log().accept(name + ": " + c.run().prototypeArch() + " at width " + w + ", from scratch for at most "
                        + String.format(Locale.ROOT, "%.2f", epochs) + " epochs");
                NetworkSpec spec = Alternatives.widthScaled(c.run().prototypeArch(), c.data().sampleShape(),
                        c.data().classes(), w).withName(name);
                done = c.step().trainWithin(spec, Weights.initial(spec, c.run().seed() + 2000 + i),
                        c.run().prototypeTraining(), epochs, d, new TrainAndMeasure.Label(name, "width", level,
                        "uniform width x" + w, c.cfg().levels().get(i)));
            }
            byWidth.putIfAbsent(w, done);
            out.add(done);
        }
        return out;
    }
}
