package dev.gensynth.benchmark;

import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Slicer;
import dev.gensynth.model.Weights;
import dev.gensynth.requirements.Observation;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random sampling: random keep masks of the prototype's channel groups, at MACs ratios drawn
 * log-uniformly around the FermiNets', each fine-tuned at most B / N epochs (as {@link TrainAndMeasure#trainWithin}
 * chooses); for each level, the one with
 * the best U that meets it on validation.
 */
final class RandomSampling implements Alternative {
    @Override
    public String key() {
        return "random";
    }

    @Override
    public String method() {
        return "random";
    }

    @Override
    public List<Row> rows(Context c, List<Row> fermi, double prototypeEpochs, double budget) {
        double epochs = budget / c.cfg().randomSamples();
        List<Row> out = new ArrayList<>();
        NetworkSpec ps = c.prototype().spec();
        Weights pw = c.prototype().weights(ps);
        ChannelGroups groups = new ChannelGroups(ps);
        double pMacs = c.prototypeMetrics().macs();
        double lo = Math.min(1, fermi.stream().mapToLong(Row::macs).min().orElse((long) pMacs) / pMacs / 1.5);
        double hi = Math.min(1, fermi.stream().mapToLong(Row::macs).max().orElse((long) pMacs) / pMacs * 1.5);
        for (int j = 0; j < c.cfg().randomSamples(); j++) {
            Path d = c.dir().resolve("random").resolve(String.format("%02d", j));
            Row done = Rows.read(d);
            if (done == null) {
                SplittableRandom rnd = new SplittableRandom(new Seed(c.run().seed()).derive("benchmark-random", j)
                        .value());
                double rho = Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo)));
                String name = String.format("Random-%02d", j);
                Slicer.Cut cut = Slicer.cut(groups, pw, Alternatives.randomKept(groups, Math.sqrt(rho), 0.25,
                        c.run().search().widths(), rnd), name);
                c.log().accept(name + String.format(Locale.ROOT, ": random keep masks (target MACs ratio %.3f), "
                        + "fine-tuning at most %.2f epochs", rho, epochs));
                done = c.step().trainWithin(cut.spec(), cut.weights(), c.finetune().withSeed(c.run().seed() + 4000 + j),
                        epochs, d, new TrainAndMeasure.Label(name, "random", "-",
                        String.format(Locale.ROOT, "random masks, MACs ratio %.3f", rho), null));
            }
            out.add(done);
        }
        // the level picks: best U meeting each level on validation
        List<Row> picks = new ArrayList<>();
        for (int i = 0; i < c.cfg().levels().size(); i++) {
            Row p = c.levels().pick(out, r -> new Observation(r.validationQuality(), r.params(), r.macs(),
                    r.onnxLatencyMs() == null ? Double.NaN : r.onnxLatencyMs(), "validation"), c.cfg().levels().get(i));
            if (p != null) {
                picks.add(c.levels().verdict(p.renamed(p.network() + " = Random-" + SynthesisConfig.levelName(i),
                        SynthesisConfig.levelName(i), 0), c.cfg().levels().get(i)));
            }
        }
        out.addAll(picks);
        return out;
    }
}
