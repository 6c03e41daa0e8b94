package dev.gensynth.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Shape;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small ONNX Runtime helpers shared by the verifier and the latency probe. */
final class Ort {
    private Ort() {
    }

    /** A CPU session with all graph optimisations (as deployed) and this many intra-op threads. */
    static OrtSession open(Path onnxFile, int intraOpThreads) throws OrtException {
        try (OrtSession.SessionOptions opts = options(intraOpThreads)) {
            return OrtEnvironment.getEnvironment().createSession(onnxFile.toString(), opts);
        }
    }

    /** As {@link #open(Path, int)}, for a model held in memory. */
    static OrtSession open(byte[] model, int intraOpThreads) throws OrtException {
        try (OrtSession.SessionOptions opts = options(intraOpThreads)) {
            return OrtEnvironment.getEnvironment().createSession(model, opts);
        }
    }

    private static OrtSession.SessionOptions options(int intraOpThreads) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        opts.setIntraOpNumThreads(intraOpThreads);
        opts.setInterOpNumThreads(1);
        return opts;
    }

    static OnnxTensor input(float[] data, Shape sample, int n) throws OrtException {
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(data), sample.withBatch(n));
    }

    /** Runs the session on a batch; returns the values of the named outputs, in order. */
    static List<float[]> run(OrtSession s, float[] data, Shape sample, int n, List<String> outputs)
            throws OrtException {
        try (OnnxTensor x = input(data, sample, n); OrtSession.Result r = s.run(Map.of(Layer.INPUT, x))) {
            List<float[]> out = new ArrayList<>();
            for (String o : outputs) {
                OnnxValue v = r.get(o).orElseThrow(() -> new IllegalStateException("ONNX output '" + o + "' missing"));
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                out.add(a);
            }
            return out;
        }
    }
}
