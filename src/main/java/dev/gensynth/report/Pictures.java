package dev.gensynth.report;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.ModelDir;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pictures of a run's networks share, whatever they draw ({@link Segmentations}' masks, {@link Detections}'
 * boxes): the networks shown (the prototype and the first generated ones) and the first test images of the run's data.
 */
final class Pictures {
    static final int IMAGES = 4;
    static final int NETWORKS = 3;

    private Pictures() {
    }

    /** Adds the pictures of the run's task, if it has any; notes in {@code problems} what could not be shown. */
    static void section(Html h, RunDir run, List<String> problems) {
        Shown shown = of(run);
        Segmentations.pictures(h, run.config(), shown.names(), shown.models(), problems);
        Detections.pictures(h, run.config(), shown.names(), shown.models(), problems);
    }

    /** Model directories to show, and the name of each. */
    record Shown(List<String> names, List<Path> models) {
    }

    /** The run's prototype and up to {@link #NETWORKS} generated networks, by seed. */
    static Shown of(RunDir run) {
        List<String> names = new ArrayList<>(List.of("prototype"));
        List<Path> models = new ArrayList<>(List.of(run.prototypeDir()));
        List<Path> generated;
        try {
            generated = RunReport.generatedModels(run).stream().limit(NETWORKS).toList();
        } catch (IOException e) {
            generated = List.of();
        }
        for (Path d : generated) {
            models.add(d);
            names.add(d.getFileName().toString());
        }
        return new Shown(names, models);
    }

    /**
     * The first {@link #IMAGES} test images of the run whose config is {@code runYaml} when its task is {@code task};
     * null when it is another task, or when its data cannot be loaded (then noted in {@code problems}).
     */
    static Dataset testImages(Path runYaml, String task, List<String> problems) {
        try {
            SynthesisConfig cfg = SynthesisConfig.load(runYaml);
            if (!cfg.data().task().equals(task)) {
                return null;
            }
            return cfg.data().load(cfg.folderShape()).test().head(IMAGES);
        } catch (RuntimeException e) {
            problems.add(task + " pictures left out: the run's data cannot be loaded (" + e.getMessage() + ")");
            return null;
        }
    }

    /**
     * Runs {@code use} on each of {@code models} that has weights, opened as a network, after adding its name to
     * {@code columns}; false, with the reason in {@code problems}, when one cannot be run ({@code task} names the
     * pictures left out).
     */
    static boolean eachNetwork(List<String> names, List<Path> models, List<String> columns, String task,
            List<String> problems, java.util.function.Consumer<Network> use) {
        for (int k = 0; k < models.size(); k++) {
            Path m = models.get(k);
            if (!Files.isRegularFile(m.resolve("weights.npz"))) {
                continue;
            }
            columns.add(names.get(k));
            try {
                ModelDir dir = new ModelDir(m);
                NetworkSpec spec = dir.spec();
                try (Network net = Network.create(spec, dir.weights(spec))) {
                    use.accept(net);
                }
            } catch (RuntimeException e) {
                problems.add(task + " pictures: " + m.getFileName() + " cannot be run (" + e.getMessage() + ")");
                return false;
            }
        }
        return true;
    }

    /** A normalised image stretched back to [0, 1] for display. */
    static float[] unitRange(float[] x) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[x.length];
        float span = hi > lo ? hi - lo : 1;
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - lo) / span;
        }
        return out;
    }
}
