package dev.gensynth.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes network specs as JSON or YAML (chosen by file extension). Parsing is done
 * by hand over the JSON tree so that every error names the file, the layer and the field, and
 * misspelt fields are rejected instead of silently ignored. Writing is canonical: the same
 * spec always gives the same bytes.
 */
public final class SpecIO {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private static final Set<String> KINDS = new TreeSet<>(List.of("conv", "depthwise_conv", "pointwise_conv",
            "batchnorm", "relu", "relu6", "hardswish", "sigmoid", "maxpool", "avgpool", "global_avgpool", "add",
            "concat", "channel_shuffle", "slice", "upsample", "mul", "flatten", "linear", "dropout"));

    private SpecIO() {
    }

    public static boolean isYaml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Reads and validates a spec file. */
    public static NetworkSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException("network spec file " + file + " does not exist; give the path of a .json or .yaml spec");
        } catch (IOException e) {
            throw new SpecException("cannot read network spec file " + file + ": " + e.getMessage());
        }
        NetworkSpec spec = parse(text, isYaml(file), file.toString());
        try {
            spec.shapes();
        } catch (SpecException e) {
            throw new SpecException(file + ": " + e.getMessage());
        }
        return spec;
    }

    /** Parses spec text; {@code source} names it in errors. Does not run shape inference. */
    public static NetworkSpec parse(String text, boolean yaml, String source) {
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SpecException(source + " is not valid " + (yaml ? "YAML" : "JSON") + where + ": "
                    + e.getOriginalMessage() + ". Fix the syntax (a .yaml/.yml extension selects YAML, anything else JSON)");
        }
        try {
            return fromTree(root);
        } catch (SpecException e) {
            throw new SpecException(source + ": " + e.getMessage());
        }
    }

    static NetworkSpec fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new SpecException("a network spec must be an object with 'name', 'input' and 'layers'");
        }
        Fields top = new Fields(root, "the spec");
        String name = top.str("name", "network");
        JsonNode in = top.required("input");
        Shape input;
        if (in.isArray()) {
            List<Integer> dims = new ArrayList<>();
            in.forEach(d -> dims.add(d.asInt()));
            input = new Shape(dims);
        } else {
            Fields f = new Fields(in, "'input'");
            int c = f.posInt("channels", null);
            if (in.has("height") || in.has("width")) {
                input = Shape.of(c, f.posInt("height", null), f.posInt("width", null));
            } else {
                input = Shape.of(c);
            }
            f.checkUnknown();
        }
        JsonNode layersNode = top.required("layers");
        if (!layersNode.isArray()) {
            throw new SpecException("'layers' must be a list of layer objects");
        }
        List<String> outputs = top.strList("outputs");
        top.checkUnknown();
        List<Layer> layers = new ArrayList<>();
        String previous = Layer.INPUT;
        int index = 0;
        for (JsonNode node : layersNode) {
            index++;
            if (!node.isObject()) {
                throw new SpecException("layer #" + index + " must be an object with 'name' and 'kind'");
            }
            String lname = node.hasNonNull("name") ? node.get("name").asText() : "#" + index;
            Fields f = new Fields(node, "layer '" + lname + "'");
            f.str("name", null);
            Layer layer = layer(f, lname, previous);
            f.checkUnknown();
            layers.add(layer);
            previous = layer.name();
        }
        return new NetworkSpec(name, input, layers, outputs);
    }

    private static Layer layer(Fields f, String name, String previous) {
        String kind = f.str("kind", null);
        List<String> inputs = f.has("inputs") ? f.strList("inputs") : List.of(previous);
        if (f.has("input")) {
            inputs = List.of(f.str("input", null));
        }
        switch (kind) {
            case "conv":
                return new Conv(name, inputs, Conv.Style.CONV, f.posInt("out", null), f.posInt("kernel", null),
                        f.posInt("stride", 1), f.nonNegInt("padding", 0), f.posInt("dilation", 1),
                        f.posInt("groups", 1), f.bool("bias", false));
            case "depthwise_conv": {
                int k = f.posInt("kernel", null);
                return new Conv(name, inputs, Conv.Style.DEPTHWISE, f.nonNegInt("out", 0), k, f.posInt("stride", 1),
                        f.nonNegInt("padding", (k - 1) / 2), f.posInt("dilation", 1), 0, f.bool("bias", false));
            }
            case "pointwise_conv":
                return new Conv(name, inputs, Conv.Style.POINTWISE, f.posInt("out", null), 1, f.posInt("stride", 1), 0,
                        1, f.posInt("groups", 1), f.bool("bias", false));
            case "batchnorm":
                return new BatchNorm(name, inputs, f.dbl("epsilon", 1e-5), f.dbl("momentum", 0.1));
            case "relu":
            case "relu6":
            case "hardswish":
            case "sigmoid":
                return new Activation(name, inputs, Activation.Function.valueOf(kind.toUpperCase(Locale.ROOT)));
            case "maxpool":
            case "avgpool": {
                int k = f.posInt("kernel", null);
                return new Pool(name, inputs, kind.equals("maxpool") ? Pool.Op.MAX : Pool.Op.AVG, k,
                        f.posInt("stride", k), f.nonNegInt("padding", 0));
            }
            case "global_avgpool":
                return new GlobalAvgPool(name, inputs);
            case "add":
                return new Add(name, inputs);
            case "mul":
                return new Mul(name, inputs);
            case "concat":
                return new Concat(name, inputs);
            case "channel_shuffle":
                return new ChannelShuffle(name, inputs, f.posInt("groups", null));
            case "slice": {
                String half = f.str("half", "none");
                ChannelSlice.Half h;
                switch (half) {
                    case "first": h = ChannelSlice.Half.FIRST; break;
                    case "second": h = ChannelSlice.Half.SECOND; break;
                    case "none": h = ChannelSlice.Half.NONE; break;
                    default: throw new SpecException("layer '" + name + "': 'half' must be first or second, got '"
                            + half + "'");
                }
                return new ChannelSlice(name, inputs, h, h == ChannelSlice.Half.NONE ? f.nonNegInt("from", null) : 0,
                        h == ChannelSlice.Half.NONE ? f.intField("to", null) : 0);
            }
            case "upsample": {
                String mode = f.str("mode", "nearest");
                if (!mode.equals("nearest")) {
                    throw new SpecException("layer '" + name + "': upsample mode '" + mode
                            + "' is not supported; use mode: nearest");
                }
                return new Upsample(name, inputs, f.posInt("scale", 2));
            }
            case "flatten":
                return new Flatten(name, inputs);
            case "linear":
                return new Linear(name, inputs, f.posInt("out", null), f.bool("bias", true));
            case "dropout":
                return new Dropout(name, inputs, f.dbl("rate", 0.5));
            default:
                throw new SpecException("layer '" + name + "': unknown layer kind '" + kind + "'; known kinds are "
                        + String.join(", ", KINDS));
        }
    }

    /** The canonical tree of a spec: fixed key order, inputs written only where not the previous layer. */
    public static ObjectNode toTree(NetworkSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", spec.name());
        ObjectNode in = root.putObject("input");
        in.put("channels", spec.input().channels());
        if (spec.input().isMap()) {
            in.put("height", spec.input().height());
            in.put("width", spec.input().width());
        }
        ArrayNode layers = root.putArray("layers");
        String previous = Layer.INPUT;
        for (Layer l : spec.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("kind", l.kind());
            if (!l.inputs().equals(List.of(previous))) {
                ArrayNode a = n.putArray("inputs");
                l.inputs().forEach(a::add);
            }
            for (Map.Entry<String, Object> e : l.fields().entrySet()) {
                n.set(e.getKey(), JSON.valueToTree(e.getValue()));
            }
            previous = l.name();
        }
        String last = spec.layers().isEmpty() ? null : spec.layers().get(spec.layers().size() - 1).name();
        if (!spec.outputs().equals(last == null ? List.of() : List.of(last))) {
            ArrayNode o = root.putArray("outputs");
            spec.outputs().forEach(o::add);
        }
        return root;
    }

    public static String toJson(NetworkSpec spec) {
        try {
            return JSON.writeValueAsString(toTree(spec)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String toYaml(NetworkSpec spec) {
        try {
            return YAML.writeValueAsString(toTree(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(NetworkSpec spec, Path file) throws IOException {
        Files.writeString(file, isYaml(file) ? toYaml(spec) : toJson(spec));
    }

    /** Typed access to an object's fields with errors naming the owner; remembers which were read. */
    private static final class Fields {
        private final JsonNode node;
        private final String owner;
        private final Set<String> read = new TreeSet<>();

        Fields(JsonNode node, String owner) {
            this.node = node;
            this.owner = owner;
        }

        boolean has(String f) {
            return node.has(f);
        }

        JsonNode required(String f) {
            read.add(f);
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                throw new SpecException(owner + ": missing required field '" + f + "'");
            }
            return v;
        }

        /** The field's value, or null when absent and a default exists; an error when required and absent. */
        private JsonNode value(String f, Object dflt) {
            read.add(f);
            JsonNode v = node.get(f);
            if ((v == null || v.isNull()) && dflt == null) {
                throw new SpecException(owner + ": missing required field '" + f + "'");
            }
            return v == null || v.isNull() ? null : v;
        }

        String str(String f, String dflt) {
            JsonNode v = value(f, dflt);
            if (v == null) {
                return dflt;
            }
            if (!v.isTextual()) {
                throw new SpecException(owner + ": field '" + f + "' must be a string, got " + v);
            }
            return v.asText();
        }

        List<String> strList(String f) {
            read.add(f);
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (v.isTextual()) {
                return List.of(v.asText());
            }
            if (!v.isArray()) {
                throw new SpecException(owner + ": field '" + f + "' must be a list of names, got " + v);
            }
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }

        int intField(String f, Integer dflt) {
            JsonNode v = value(f, dflt);
            if (v == null) {
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new SpecException(owner + ": field '" + f + "' must be an integer, got " + v);
            }
            return v.asInt();
        }

        int posInt(String f, Integer dflt) {
            int v = intField(f, dflt);
            if (v < 1) {
                throw new SpecException(owner + ": field '" + f + "' must be a positive integer, got " + v);
            }
            return v;
        }

        int nonNegInt(String f, Integer dflt) {
            int v = intField(f, dflt);
            if (v < 0) {
                throw new SpecException(owner + ": field '" + f + "' must be >= 0, got " + v);
            }
            return v;
        }

        double dbl(String f, double dflt) {
            read.add(f);
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isNumber()) {
                throw new SpecException(owner + ": field '" + f + "' must be a number, got " + v);
            }
            return v.asDouble();
        }

        boolean bool(String f, boolean dflt) {
            read.add(f);
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new SpecException(owner + ": field '" + f + "' must be true or false, got " + v);
            }
            return v.asBoolean();
        }

        void checkUnknown() {
            read.add("kind");
            read.add("inputs");
            read.add("input");
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!read.contains(n)) {
                    throw new SpecException(owner + ": unknown field '" + n + "'; allowed here: "
                            + String.join(", ", read));
                }
            }
        }
    }
}
