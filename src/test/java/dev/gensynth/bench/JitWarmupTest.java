package dev.gensynth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.data.Dataset;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JitWarmupTest {
    @Test
    void trainsForItsTimeThenStops() {
        NetworkSpec spec = SpecIO.parse("""
                name: tiny
                input: {channels: 1, height: 8, width: 8}
                layers:
                  - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1}
                  - {name: b1, kind: batchnorm}
                  - {name: r1, kind: relu}
                  - {name: fl, kind: flatten}
                  - {name: fc, kind: linear, out: 2}
                """, true, "tiny");
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = new float[64 * 64];
        int[] y = new int[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 2;
        }
        Dataset d = new Dataset("noise", Shape.of(1, 8, 8), x, y, 2, List.of("a", "b"));
        TrainConfig recipe = TrainConfig.defaults().withBatchSize(32).withEpochs(1);
        long t0 = System.nanoTime();
        long[] updates = {0};
        TrainListener count = new TrainListener() {
            @Override
            public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                updates[0]++;
            }
        };
        int runs = JitWarmup.run(spec, Weights.initial(spec, 1), d, recipe, count, 1.5);
        double secs = (System.nanoTime() - t0) / 1e9;
        // the recipe is 2 updates: the time, not the plan, ended it, and each run was the whole recipe
        assertThat(runs).isGreaterThan(1);
        assertThat(updates[0]).isEqualTo(2L * runs);
        assertThat(secs).isGreaterThanOrEqualTo(1.5).isLessThan(30);
        assertThat(JitWarmup.run(spec, Weights.initial(spec, 1), d, recipe, count, 0)).isZero();
    }
}
