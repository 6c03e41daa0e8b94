package dev.gensynth.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.testing.TinyData;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every built-in architecture, trained one step on a fixture, exports to ONNX and computes the same. */
class ZooExportTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"resnet, 1x28x28", "plain, 1x28x28", "mobilenet_v1, 1x28x28", "mobilenet_v2, 1x28x28",
            "shufflenet_v2, 1x28x28", "resnet, 3x32x32", "mobilenet_v2, 3x32x32"})
    void exportMatchesDjlAfterOneTrainingStep(String arch, String input, @TempDir Path dir) throws Exception {
        String[] d = input.split("x");
        Shape shape = Shape.of(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
        NetworkSpec spec = Zoo.get(arch, shape, 10, 0.5);
        Weights trained;
        if (shape.channels() == 1) {
            Dataset data = MnistLike.load(TinyData.write(dir.resolve("data"), 32, 8, 1), true,
                    MnistLike.Flavor.MNIST);
            try (Network net = Network.create(spec, Weights.initial(spec, 1))) {
                // one step: batch = the whole fixture, a fraction of an epoch that rounds to one update
                trained = Trainer.train(net, data, null, TrainConfig.defaults().withBatchSize(32).withEpochs(1),
                        TrainListener.SILENT).weights();
            }
            assertThat(trained).isNotEqualTo(Weights.initial(spec, 1));
        } else {
            trained = Weights.initial(spec, 2);
        }
        OnnxVerifier.Result r = OnnxExportTest.assertExportMatches(spec, trained, dir);
        assertThat(r.maxAbsDiff()).isLessThan(1e-4);
        assertThat(r.top1Agreement()).isEqualTo(1.0);
    }

    /** Segmenters at odd sizes too, where the decoder's upsampling crops to its skip's size. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"resunet, 1x33x33", "resunet, 3x37x41", "unet, 1x33x33", "unet, 3x64x64", "fcn_resnet, 3x37x41", "lraspp_mobilenet_v2, 1x33x33",
            "lraspp_mobilenet_v2, 3x64x64"})
    void segmentersExportAndAgreeOnEveryPixel(String arch, String input, @TempDir Path dir) throws Exception {
        String[] d = input.split("x");
        Shape shape = Shape.of(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
        NetworkSpec spec = Zoo.get(arch, shape, 11, 0.5);
        OnnxVerifier.Result r = OnnxExportTest.assertExportMatches(spec, Weights.initial(spec, 4), dir);
        assertThat(r.maxAbsDiff()).isLessThan(1e-4);
        assertThat(r.top1Agreement()).isEqualTo(1.0);
    }
}
