package dev.gensynth.zoo;

import dev.gensynth.UserError;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in architectures by name. They are the prototypes the synthesis starts from and
 * the hand-designed reference networks the benchmark compares against, so they are code
 * (always consistent with the spec types) rather than files that could drift.
 *
 * <p>Every architecture adapts to any {@code [C, H, W]} input of at least 28x28 (Fashion-MNIST
 * and CIFAR sizes; the segmenters from 32x32) and any class count, and takes a width multiplier so
 * the benchmark can compare a synthesised network with the same architecture uniformly narrowed.
 * Each is for one task ({@link #task}): the classifiers end in global pooling and a linear layer,
 * the segmenters in a score per class at every input pixel.
 */
public final class Zoo {

    /** How an architecture is made from the input shape, the class count and the width multiplier. */
    @FunctionalInterface
    interface Architecture {
        NetworkSpec build(Shape input, int classes, double width);
    }

    private static final Map<String, Architecture> ARCHITECTURES = new LinkedHashMap<>();
    private static final Map<String, String> TASKS = new LinkedHashMap<>();

    static {
        ARCHITECTURES.put("resnet", ResNet::build);
        ARCHITECTURES.put("plain", Plain::build);
        ARCHITECTURES.put("mobilenet_v1", MobileNetV1::build);
        ARCHITECTURES.put("mobilenet_v2", MobileNetV2::build);
        ARCHITECTURES.put("shufflenet_v2", ShuffleNetV2::build);
        ARCHITECTURES.put("resunet", ResUNet::build);
        ARCHITECTURES.put("unet", UNet::build);
        ARCHITECTURES.put("fcn_resnet", FcnResNet::build);
        ARCHITECTURES.put("lraspp_mobilenet_v2", LrAspp::build);
        ARCHITECTURES.put("centernet_resnet", CenterNetResNet::build);
        ARCHITECTURES.put("centernet_mobilenet_v2", CenterNetMobileNetV2::build);
        ARCHITECTURES.put("detectnet", DetectNet::build);
        ARCHITECTURES.keySet().forEach(n -> TASKS.put(n, "classification"));
        TASKS.put("resunet", "segmentation");
        TASKS.put("unet", "segmentation");
        TASKS.put("fcn_resnet", "segmentation");
        TASKS.put("lraspp_mobilenet_v2", "segmentation");
        TASKS.put("centernet_resnet", "detection");
        TASKS.put("centernet_mobilenet_v2", "detection");
        TASKS.put("detectnet", "detection");
    }

    private Zoo() {
    }

    /** Known architecture names, in a fixed order (the prototype {@code resnet} first). */
    public static List<String> names() {
        return List.copyOf(ARCHITECTURES.keySet());
    }

    /**
     * The architectures for {@code task} ({@code classification}, {@code segmentation} or {@code detection}),
     * prototype first.
     */
    public static List<String> names(String task) {
        return ARCHITECTURES.keySet().stream().filter(n -> TASKS.get(n).equals(task)).toList();
    }

    /** The task architecture {@code name} is for, as {@link dev.gensynth.task.Task#name()} says it. */
    public static String task(String name) {
        String t = TASKS.get(name);
        if (t == null) {
            throw new UserError("unknown architecture '" + name + "'; known architectures are "
                    + String.join(", ", names()));
        }
        return t;
    }

    /** The architecture at full width. */
    public static NetworkSpec get(String name, Shape input, int classes) {
        return get(name, input, classes, 1.0);
    }

    /**
     * The architecture with every channel count multiplied by {@code width} (see
     * {@link #channels}). The spec is named {@code name} at width 1 and {@code name_x<width>}
     * otherwise, so reports can tell narrowed references apart.
     *
     * @throws UserError for an unknown name, a non-image input, fewer than one class, a
     *     non-positive width, or an input the architecture cannot be built for
     */
    public static NetworkSpec get(String name, Shape input, int classes, double width) {
        Architecture arch = ARCHITECTURES.get(name);
        if (arch == null) {
            throw new UserError("unknown architecture '" + name + "'; known architectures are "
                    + String.join(", ", names()));
        }
        if (!input.isMap()) {
            throw new UserError("architecture '" + name + "' needs a [channels, height, width] image input, got ["
                    + input + "]");
        }
        if (classes < 1) {
            throw new UserError("architecture '" + name + "' needs at least one class, got " + classes);
        }
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new UserError("architecture '" + name + "' needs a positive width multiplier, got " + width);
        }
        NetworkSpec spec;
        try {
            spec = arch.build(input, classes, width);
        } catch (SpecException e) {
            throw new UserError("architecture '" + name + "' does not fit the " + input
                    + " input (it is designed for 28x28 and larger): " + e.getMessage(), e);
        }
        return width == 1.0 ? spec : spec.withName(name + "_x" + width);
    }

    /**
     * The least network with {@code input} and a task's output: global average pooling and one linear layer for
     * a classifier, one 1x1 convolution for a segmenter. Its batch-1 latency is the floor a runtime puts under
     * any network of that shape, which a small network's speed-up is judged against.
     */
    public static NetworkSpec trivial(Shape input, int classes, String task) {
        SpecBuilder b = new SpecBuilder(input);
        if (task.equals("segmentation")) {
            b.classifier("score", classes);
        } else {
            b.globalAvgPool().flatten().linear("fc", classes);
        }
        return b.build("trivial");
    }

    /**
     * A layer's channel count at a width multiplier: rounded to a multiple of 8, because
     * vectorised CPU kernels run fastest on such widths and it keeps ShuffleNet's halves
     * even, and never below 8, so a heavily narrowed network still has usable layers.
     */
    public static int channels(int base, double width) {
        return Math.max(8, (int) Math.round(base * width / 8) * 8);
    }
}
