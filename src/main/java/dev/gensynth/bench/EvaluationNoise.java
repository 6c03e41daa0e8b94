package dev.gensynth.bench;

import dev.gensynth.analysis.Stats;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.DetectionCanvases;
import dev.gensynth.data.Split;
import dev.gensynth.djl.Network;
import dev.gensynth.model.ModelDir;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much a detection network's score moves with the canvases it is judged on, and whether the validation split
 * flatters it because its canvases reuse items the training canvases showed. The run's validation canvases are
 * composed from the same pool of training items as its training canvases (another draw of them: 41 % of the items
 * of a default run's validation canvases were also on a training canvas), its test canvases from the test items.
 * For each draw seed, the same composition rules place items from three pools: training items that some training
 * canvas of the run showed ("seen"), training items that none did ("unseen"), and test items. Each network of the
 * run is judged on each; the table gives every figure, then, per pool, the mean and spread over draws and of each
 * network's difference from the first one (the paired difference a requirement's floor is about).
 */
public final class EvaluationNoise {
    private static final String USAGE = "EvaluationNoise --run RUN --out FILE.md"
            + " [--models prototype,generated-D/seed-104] [--canvases 1000] [--draws 11,12,13,14]";
    private static final List<String> POOLS = List.of("seen training items", "unseen training items", "test items");

    private EvaluationNoise() {
    }

    public static void main(String[] args) {
        BenchCli.exit(BenchCli.run("EvaluationNoise", System.err, () -> measure(args)));
    }

    private static int measure(String[] args) throws IOException {
        Path runDir = null;
        Path out = null;
        List<String> models = List.of("prototype");
        int canvases = 1000;
        long[] draws = {11, 12, 13, 14};
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--run" -> runDir = Path.of(a.value(opt));
                case "--out" -> out = Path.of(a.value(opt));
                case "--models" -> models = Arrays.stream(a.value(opt).split(",")).map(String::trim).toList();
                case "--canvases" -> canvases = Integer.parseInt(a.value(opt));
                case "--draws" -> draws = Arrays.stream(a.value(opt).split(",")).map(String::trim)
                        .mapToLong(Long::parseLong).toArray();
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (runDir == null || out == null) {
            throw a.error("--run RUN and --out FILE.md are both needed");
        }
        if (canvases < 1 || draws.length < 2) {
            throw a.error("--canvases must be at least 1 and --draws name at least 2 seeds (a spread needs two)");
        }
        BenchCli.offline();
        SynthesisConfig cfg = SynthesisConfig.load(runDir.resolve("run.yaml"));
        DataSource src = cfg.data();
        if (!DataSource.COMPOSED_DETECTION.contains(src.kind())) {
            throw a.error(runDir + " is a run on '" + src.kind() + "': this measure composes detection canvases, so "
                    + "it needs a run on one of " + DataSource.COMPOSED_DETECTION);
        }
        List<ModelDir> dirs = new ArrayList<>();
        for (String m : models) {
            Path d = runDir.resolve(m);
            if (!Files.isRegularFile(d.resolve("weights.npz"))) {
                throw a.error("--models: " + d + " holds no trained network (weights.npz); name folders of the run"
                        + " such as prototype or generated-D/seed-104");
            }
            dirs.add(new ModelDir(d));
        }
        DataSource.Data data = src.load(cfg.folderShape());
        // the run's own canvases (from the cache the load above read), to tell which items its training canvases showed
        DataSource.DetectionComposition run = src.detectionComposition();
        DetectionCanvases.Composed composed = run.train();
        boolean[] validation = Split.validationMask(composed.dataset(), src.validationFraction(), src.seed());
        boolean[] seen = new boolean[run.trainItems().size()];
        int validationObjects = 0;
        for (int i = 0; i < composed.count(); i++) {
            if (!validation[i]) {
                composed.objects().get(i).forEach(p -> seen[p.item()] = true);
            }
        }
        int seenOnValidation = 0;
        for (int i = 0; i < composed.count(); i++) {
            if (validation[i]) {
                for (var p : composed.objects().get(i)) {
                    validationObjects++;
                    seenOnValidation += seen[p.item()] ? 1 : 0;
                }
            }
        }
        int[] seenItems = java.util.stream.IntStream.range(0, seen.length).filter(i -> seen[i]).toArray();
        int[] unseenItems = java.util.stream.IntStream.range(0, seen.length).filter(i -> !seen[i]).toArray();
        List<Dataset> pools = List.of(run.trainItems().subset(seenItems), run.trainItems().subset(unseenItems),
                run.testItems());

        int n = models.size();
        double[] onValidation = new double[n];
        double[] onTest = new double[n];
        double[][][] q = new double[POOLS.size()][draws.length][n];
        // every network open at once, so that each draw of canvases is composed once and judged by all of them
        List<Network> nets = new ArrayList<>();
        try {
            for (ModelDir m : dirs) {
                NetworkSpec spec = m.spec();
                nets.add(Network.create(spec, m.weights(spec)));
            }
            for (int m = 0; m < n; m++) {
                onValidation[m] = Task.qualityOf(nets.get(m), data.validation());
                onTest[m] = Task.qualityOf(nets.get(m), data.test());
            }
            for (int p = 0; p < POOLS.size(); p++) {
                for (int d = 0; d < draws.length; d++) {
                    Dataset c = data.normalization().apply(DetectionCanvases.compose(pools.get(p), run.recipe(),
                            canvases, draws[d], "draw-" + draws[d]).dataset());
                    for (int m = 0; m < n; m++) {
                        q[p][d][m] = Task.qualityOf(nets.get(m), c);
                        System.err.printf(Locale.ROOT, "%s, %s, draw %d: %.2f%n", models.get(m), POOLS.get(p),
                                draws[d], q[p][d][m]);
                    }
                }
            }
        } finally {
            nets.forEach(Network::close);
        }

        String metric = Task.of(data.test()).metric();
        List<String> md = new ArrayList<>();
        md.add("# Detection: how much the canvases move a network's score, and whether validation reuses items");
        md.add("");
        md.add(String.format(Locale.ROOT, "Run `%s` (%s, %,d training and %,d validation canvases, %,d test). Its "
                + "training canvases showed %,d of the %,d training items; %,d of the %,d objects on its validation "
                + "canvases (%.0f %%) are items a training canvas showed too.", runDir.getFileName(), src.kind(),
                data.train().size(), data.validation().size(), data.test().size(), seenItems.length, seen.length,
                seenOnValidation, validationObjects, 100.0 * seenOnValidation / validationObjects));
        md.add("");
        StringBuilder head = new StringBuilder("| canvases | draw |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (String m : models) {
            head.append(' ').append(m).append(' ').append(metric).append(" % |");
            rule.append("---:|");
        }
        md.add(head.toString());
        md.add(rule.toString());
        md.add(row("the run's validation split", "-", onValidation));
        md.add(row("the run's test split", "-", onTest));
        for (int p = 0; p < POOLS.size(); p++) {
            for (int d = 0; d < draws.length; d++) {
                md.add(row(canvases + " of " + POOLS.get(p), String.valueOf(draws[d]), q[p][d]));
            }
        }
        md.add("");
        md.add("| canvases | network | mean % | sd over draws | difference from " + models.get(0) + ": mean | sd |");
        md.add("|---|---|---:|---:|---:|---:|");
        for (int p = 0; p < POOLS.size(); p++) {
            for (int m = 0; m < n; m++) {
                double[] v = new double[draws.length];
                double[] diff = new double[draws.length];
                for (int d = 0; d < draws.length; d++) {
                    v[d] = q[p][d][m];
                    diff[d] = q[p][d][m] - q[p][d][0];
                }
                String paired = m == 0 ? "- | -" : String.format(Locale.ROOT, "%+.2f | %.2f", Stats.mean(diff),
                        Stats.sd(diff));
                md.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %s |", POOLS.get(p), models.get(m),
                        Stats.mean(v), Stats.sd(v), paired));
            }
        }
        md.add("");
        BenchCli.writeReport(out, md, "`EvaluationNoise " + String.join(" ", args) + "`");
        return 0;
    }

    private static String row(String what, String draw, double[] v) {
        StringBuilder b = new StringBuilder("| " + what + " | " + draw + " |");
        for (double x : v) {
            b.append(String.format(Locale.ROOT, " %.2f |", x));
        }
        return b.toString();
    }
}
