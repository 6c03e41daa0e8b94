package dev.gensynth.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.gensynth.UserError;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.ChannelShuffle;
import dev.gensynth.spec.ChannelSlice;
import dev.gensynth.spec.Concat;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Dropout;
import dev.gensynth.spec.Flatten;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Pool;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.Upsample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a network as an ONNX model built from its {@link NetworkSpec} and {@link Weights}
 * alone (DJL blocks are never read back), for inference: batch norm uses the running
 * statistics and dropout is an identity.
 *
 * <p>Graph conventions: the input tensor is named {@code input}, shaped {@code [N, C, H, W]}
 * (or {@code [N, F]}) with a symbolic batch dimension {@code N}; every layer's output tensor is
 * named after the layer, so the graph outputs carry the names of the spec's outputs; weight
 * initializers keep their {@code layer.param} keys. Opset {@value #OPSET} of the default
 * domain, IR version {@value #IR_VERSION}. The producer is {@value #PRODUCER} with its version,
 * and the model's metadata_props hold every field of the export's {@link Provenance}.
 */
public final class OnnxExporter {
    /** ONNX opset of the default domain the exported graphs use (HardSwish needs 14). */
    public static final int OPSET = 17;
    /** IR version matching {@link #OPSET}. */
    public static final int IR_VERSION = 8;
    /** Name of the symbolic batch dimension of the input and outputs. */
    public static final String BATCH_DIM = "N";
    public static final String PRODUCER = "gensynth";

    /** Layer kinds (as written in spec files) this exporter can translate. */
    public static final Set<String> SUPPORTED_KINDS = Set.of("conv", "depthwise_conv", "pointwise_conv", "batchnorm",
            "relu", "relu6", "hardswish", "sigmoid", "maxpool", "avgpool", "global_avgpool", "add", "concat",
            "channel_shuffle", "slice", "upsample", "mul", "flatten", "linear", "dropout");

    private OnnxExporter() {
    }

    /**
     * Builds the ONNX model of a spec with its weights and writes it to {@code out} (parent
     * directories are created, an existing file is replaced).
     *
     * @throws UserError when the spec has a layer kind without an ONNX translation, or the
     *     weights do not fit the spec
     */
    public static void export(NetworkSpec spec, Weights weights, Path out) {
        ModelProto model = build(spec, weights);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(out, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX file " + out, e);
        }
    }

    /** The ONNX model of a spec with its weights, in memory. */
    public static ModelProto build(NetworkSpec spec, Weights weights) {
        Map<String, Shape> shapes = spec.shapes();
        checkSupported(spec, SUPPORTED_KINDS);
        weights.checkFits(spec, "for the ONNX export of '" + spec.name() + "'");
        GraphProto.Builder g = GraphProto.newBuilder().setName(spec.name());
        g.addInput(valueInfo(Layer.INPUT, spec.input()));
        for (Layer l : spec.layers()) {
            emit(g, l, spec.inputShapes(l, shapes), weights);
        }
        for (String o : spec.outputs()) {
            g.addOutput(valueInfo(o, shapes.get(o)));
        }
        Provenance p = Provenance.current();
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(PRODUCER)
                .setProducerVersion(p.gensynthVersion()).setModelVersion(1)
                .setDocString("network '" + spec.name() + "' exported from its gensynth spec")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g);
        p.asMap().forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /**
     * Checks every layer kind of the spec is in {@code supported}.
     *
     * @throws UnsupportedLayerError naming the first layer that is not, and its kind
     */
    static void checkSupported(NetworkSpec spec, Set<String> supported) {
        for (Layer l : spec.layers()) {
            if (!supported.contains(l.kind())) {
                throw new UnsupportedLayerError(l);
            }
        }
    }

    /** Thrown when a layer kind has no ONNX translation; the CLI shows it as a user error. */
    public static final class UnsupportedLayerError extends UserError {
        public UnsupportedLayerError(Layer l) {
            super("layer '" + l.name() + "' of kind '" + l.kind() + "' cannot be exported to ONNX: the exporter "
                    + "has no translation for this kind. Supported kinds: "
                    + String.join(", ", SUPPORTED_KINDS.stream().sorted().toList())
                    + "; replace the layer or export another model");
        }
    }

    private static void emit(GraphProto.Builder g, Layer l, List<Shape> in, Weights w) {
        String name = l.name();
        String x = l.inputs().get(0);
        if (l instanceof Conv c) {
            Shape s = in.get(0);
            NodeProto.Builder n = node("Conv", name, x, initializer(g, w, name + ".weight"));
            if (c.bias()) {
                n.addInput(initializer(g, w, name + ".bias"));
            }
            n.addAttribute(ints("kernel_shape", c.kernel(), c.kernel()))
                    .addAttribute(ints("strides", c.stride(), c.stride()))
                    .addAttribute(ints("pads", c.padding(), c.padding(), c.padding(), c.padding()))
                    .addAttribute(ints("dilations", c.dilation(), c.dilation()))
                    .addAttribute(intAttr("group", c.groupsFor(s)));
            g.addNode(n);
        } else if (l instanceof BatchNorm bn) {
            g.addNode(node("BatchNormalization", name, x, initializer(g, w, name + ".gamma"),
                    initializer(g, w, name + ".beta"), initializer(g, w, name + ".runningMean"),
                    initializer(g, w, name + ".runningVar"))
                    .addAttribute(floatAttr("epsilon", (float) bn.epsilon()))
                    .addAttribute(floatAttr("momentum", (float) (1 - bn.momentum()))));
        } else if (l instanceof Activation a) {
            switch (a.function()) {
                case RELU:
                    g.addNode(node("Relu", name, x));
                    break;
                case RELU6:
                    g.addNode(node("Clip", name, x, scalar(g, name + "/min", 0f), scalar(g, name + "/max", 6f)));
                    break;
                case HARDSWISH:
                    g.addNode(node("HardSwish", name, x));
                    break;
                case SIGMOID:
                    g.addNode(node("Sigmoid", name, x));
                    break;
                default:
                    throw new UnsupportedLayerError(l);
            }
        } else if (l instanceof Pool p) {
            NodeProto.Builder n = node(p.op() == Pool.Op.MAX ? "MaxPool" : "AveragePool", name, x)
                    .addAttribute(ints("kernel_shape", p.kernel(), p.kernel()))
                    .addAttribute(ints("strides", p.stride(), p.stride()))
                    .addAttribute(ints("pads", p.padding(), p.padding(), p.padding(), p.padding()))
                    .addAttribute(intAttr("ceil_mode", 0));
            if (p.op() == Pool.Op.AVG) {
                // The DJL runtime averages with Pool.avgPool2d(..., ceilMode=false, countIncludePad=true).
                n.addAttribute(intAttr("count_include_pad", 1));
            }
            g.addNode(n);
        } else if (l instanceof GlobalAvgPool) {
            g.addNode(node("GlobalAveragePool", name, x));
        } else if (l instanceof dev.gensynth.spec.Mul) {
            g.addNode(node("Mul", name, l.inputs().get(0), l.inputs().get(1))); // ONNX broadcasts the gate
        } else if (l instanceof Add) {
            g.addNode(node(l.inputs().size() == 2 ? "Add" : "Sum", name, l.inputs().toArray(String[]::new)));
        } else if (l instanceof Concat) {
            g.addNode(node("Concat", name, l.inputs().toArray(String[]::new)).addAttribute(intAttr("axis", 1)));
        } else if (l instanceof ChannelShuffle cs) {
            Shape s = in.get(0);
            int groups = cs.groups();
            String split = int64s(g, name + "/grouped_shape", -1, groups, s.channels() / groups, s.height(), s.width());
            String back = int64s(g, name + "/shape", -1, s.channels(), s.height(), s.width());
            g.addNode(node("Reshape", name + "/grouped", x, split));
            g.addNode(node("Transpose", name + "/transposed", name + "/grouped")
                    .addAttribute(ints("perm", 0, 2, 1, 3, 4)));
            g.addNode(node("Reshape", name, name + "/transposed", back));
        } else if (l instanceof ChannelSlice sl) {
            int[] r = sl.range(in.get(0).channels());
            g.addNode(node("Slice", name, x, int64s(g, name + "/starts", r[0]), int64s(g, name + "/ends", r[1]),
                    int64s(g, name + "/axes", 1)));
        } else if (l instanceof Upsample u) {
            float s = u.scale();
            Shape like = in.size() == 2 ? in.get(1) : null;
            boolean crop = like != null && (like.height() != in.get(0).height() * u.scale()
                    || like.width() != in.get(0).width() * u.scale());
            g.addNode(node("Resize", crop ? name + "/full" : name, x, "", floats(g, name + "/scales", 1f, 1f, s, s))
                    .addAttribute(stringAttr("mode", "nearest"))
                    .addAttribute(stringAttr("coordinate_transformation_mode", "asymmetric"))
                    .addAttribute(stringAttr("nearest_mode", "floor")));
            if (crop) {
                g.addNode(node("Slice", name, name + "/full", int64s(g, name + "/starts", 0, 0),
                        int64s(g, name + "/ends", like.height(), like.width()), int64s(g, name + "/axes", 2, 3)));
            }
        } else if (l instanceof Flatten) {
            g.addNode(node("Flatten", name, x).addAttribute(intAttr("axis", 1)));
        } else if (l instanceof Linear lin) {
            NodeProto.Builder n = node("Gemm", name, x, initializer(g, w, name + ".weight"));
            if (lin.bias()) {
                n.addInput(initializer(g, w, name + ".bias"));
            }
            g.addNode(n.addAttribute(intAttr("transB", 1)));
        } else if (l instanceof Dropout) {
            g.addNode(node("Identity", name, x)); // inference: dropout does nothing
        } else {
            throw new UnsupportedLayerError(l);
        }
    }

    private static NodeProto.Builder node(String op, String name, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n;
    }

    private static String initializer(GraphProto.Builder g, Weights w, String key) {
        Tensor t = w.get(key);
        ByteBuffer buf = ByteBuffer.allocate(t.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        TensorProto.Builder p = TensorProto.newBuilder().setName(key).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : t.shape()) {
            p.addDims(d);
        }
        g.addInitializer(p);
        return key;
    }

    private static String scalar(GraphProto.Builder g, String name, float v) {
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(v));
        return name;
    }

    private static String floats(GraphProto.Builder g, String name, float... v) {
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(v.length);
        for (float f : v) {
            p.addFloatData(f);
        }
        g.addInitializer(p);
        return name;
    }

    private static String int64s(GraphProto.Builder g, String name, long... v) {
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(v.length);
        Arrays.stream(v).forEach(p::addInt64Data);
        g.addInitializer(p);
        return name;
    }

    private static AttributeProto.Builder ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        Arrays.stream(v).forEach(a::addInts);
        return a;
    }

    private static AttributeProto.Builder intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v);
    }

    private static AttributeProto.Builder floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v);
    }

    private static AttributeProto.Builder stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v));
    }

    private static ValueInfoProto valueInfo(String name, Shape s) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM));
        for (int d : s.dims()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
