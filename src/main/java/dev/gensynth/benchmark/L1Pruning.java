package dev.gensynth.benchmark;

import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Slicer;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * L1 filter pruning (Li et al. 2017): the trained prototype's channels ranked by the L1 norm of their
 * filters, one keep ratio per FermiNet's MACs, at most B shared by the distinct cuts (two levels whose FermiNets
 * match the same keep ratio share one network and its row), each fine-tuning's length as
 * {@link TrainAndMeasure#trainWithin} chooses it.
 */
final class L1Pruning implements Alternative {
    @Override
    public String key() {
        return "prune";
    }

    @Override
    public String method() {
        return "l1-prune";
    }

    @Override
    public List<Row> rows(Context c, List<Row> fermi, double prototypeEpochs, double budget) {
        List<Row> out = new ArrayList<>();
        NetworkSpec ps = c.prototype().spec();
        Weights pw = c.prototype().weights(ps);
        ChannelGroups groups = new ChannelGroups(ps);
        double[][] scores = Alternatives.l1Scores(groups, pw);
        List<Double> ratios = new ArrayList<>();
        for (Row f : fermi) {
            ratios.add(Alternatives.matchPruneRatio(groups, scores, f.macs(), c.run().search().widths()));
        }
        double epochs = budget / ratios.stream().distinct().count();
        Map<Double, Row> byRatio = new LinkedHashMap<>();
        for (int i = 0; i < fermi.size(); i++) {
            String level = SynthesisConfig.levelName(i);
            Path d = c.dir().resolve("prune").resolve(level);
            Row done = Rows.read(d);
            double ratio = ratios.get(i);
            String name = "L1-" + level;
            if (done == null && byRatio.containsKey(ratio)) {
                done = c.levels().verdict(byRatio.get(ratio).renamed(name, level, 0), c.cfg().levels().get(i));
                c.step().record(d, done);
            }
            if (done == null) {
                Slicer.Cut cut = Slicer.cut(groups, pw, Alternatives.topK(groups, scores, ratio, c.run().search().widths()),
                        name);
                c.log().accept(name + String.format(Locale.ROOT, ": L1 filter pruning, keep ratio %.3f, fine-tuning "
                        + "at most %.2f epochs", ratio, epochs));
                done = c.step().trainWithin(cut.spec(), cut.weights(), c.finetune().withSeed(c.run().seed() + 3000 + i),
                        epochs, d, new TrainAndMeasure.Label(name, "l1-prune", level,
                        String.format(Locale.ROOT, "L1 keep ratio %.3f", ratio), c.cfg().levels().get(i)));
            }
            byRatio.putIfAbsent(ratio, done);
            out.add(done);
        }
        return out;
    }
}
