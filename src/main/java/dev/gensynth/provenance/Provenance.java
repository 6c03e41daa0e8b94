package dev.gensynth.provenance;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.engine.EngineCheck;
import dev.gensynth.io.Digests;
import dev.gensynth.metrics.Latency;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How a result was made, written as the {@code provenance} object of every result file and into
 * the metadata of every ONNX export, in the spirit of the provenance Tribuo records on every
 * model: which gensynth build, which DJL, libtorch and ONNX Runtime, on which JVM, OS and CPU,
 * with how many threads and which CPU kernels, and when; for a run also its seed and a hash of
 * its configuration. Results that differ between two machines can then be told apart by their
 * files alone.
 *
 * <p>Making one never loads a native library: libtorch's and ONNX Runtime's versions are read
 * from their jars, so naming an engine in a file never starts it.
 *
 * @param gensynthVersion the project version of this build
 * @param gitCommit the commit of the checkout the code runs from, with {@code -dirty} when it has
 *     uncommitted changes; null when it does not run from a git checkout
 * @param jvm vendor and full version of the Java runtime
 * @param os name, version and architecture
 * @param cpu the CPU's model name, or the architecture where the OS does not tell it
 * @param cores processors available to the JVM
 * @param threads PyTorch intra-op threads
 * @param kernels the CPU kernel setting in force, see {@link #kernelSetting()}
 * @param allocator the native memory allocator libtorch runs with (jemalloc as {@code bin/gensynth} sets it, or
 *     glibc's): it changes speed, never numbers
 * @param date when this record was made, ISO-8601 UTC to the second
 * @param seed a run's seed; null outside runs
 * @param configHash a run's configuration text, hashed: the first 12 hex digits of its SHA-256; null outside runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true) // a later version may record more; older readers skip it
public record Provenance(String gensynthVersion, String gitCommit, String djlVersion, String libtorchVersion,
        String onnxRuntimeVersion, String jvm, String os, String cpu, int cores, int threads, String kernels,
        String allocator, String date, Long seed, String configHash) {

    private static final String UNKNOWN = "unknown";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What holds for the whole process, found once: versions, commit, JVM, OS, CPU. */
    private static final class ProcessWide {
        static final Provenance STATIC = new Provenance(resource("/gensynth.properties", "version"), checkoutCommit(),
                Engine.getDjlVersion(), EngineCheck.libtorchVersion(),
                orUnknown(OrtEnvironment.class.getPackage().getImplementationVersion()),
                System.getProperty("java.vendor") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                dev.gensynth.engine.Kernels.cpu().describe(), Runtime.getRuntime().availableProcessors(), 0, null,
                String.valueOf(System.getenv("LD_PRELOAD")).contains("jemalloc") ? "jemalloc" : "glibc", null, null, null);
    }

    /** The provenance of a result made now by this process. */
    public static Provenance current() {
        Provenance p = ProcessWide.STATIC;
        return new Provenance(p.gensynthVersion, p.gitCommit, p.djlVersion, p.libtorchVersion, p.onnxRuntimeVersion,
                p.jvm, p.os, p.cpu, p.cores, Latency.threads(), kernelSetting(), p.allocator,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), null, null);
    }

    /** This provenance for a result of a run with this seed and configuration text. */
    public Provenance forRun(long runSeed, String configText) {
        return new Provenance(gensynthVersion, gitCommit, djlVersion, libtorchVersion, onnxRuntimeVersion, jvm, os,
                cpu, cores, threads, kernels, allocator, date, runSeed, configHash(configText));
    }

    /** What {@link #configHash()} says of a run made with {@code configText}. */
    public static String configHash(String configText) {
        return sha256(configText).substring(0, 12);
    }

    /**
     * The CPU kernel setting in force and whether it passed the engine self-check in this process
     * ({@link EngineCheck#describe}).
     */
    public static String kernelSetting() {
        return EngineCheck.describe();
    }

    /** Every recorded field as text, in record order (absent ones left out), e.g. for ONNX metadata. */
    public Map<String, String> asMap() {
        Map<String, String> out = new LinkedHashMap<>();
        JSON.valueToTree(this).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** One line naming the build: gensynth, its commit, and the engines' versions. */
    public String software() {
        return "gensynth " + gensynthVersion + (gitCommit == null ? "" : " (commit " + gitCommit + ")") + ", DJL "
                + djlVersion + ", libtorch " + libtorchVersion + ", ONNX Runtime " + onnxRuntimeVersion;
    }

    /** One line naming the machine and how it computes: CPU, cores, OS, JVM, threads, kernels, allocator. */
    public String machine() {
        return cpu + ", " + cores + " cores, " + os + ", Java " + jvm + ", " + threads + " threads, kernels "
                + kernels + (allocator == null ? "" : ", allocator " + allocator);
    }

    private static String resource(String name, String key) {
        try (InputStream in = Provenance.class.getResourceAsStream(name)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            return orUnknown(p.getProperty(key));
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static String orUnknown(String v) {
        return v == null || v.isBlank() ? UNKNOWN : v;
    }

    /**
     * The commit of the checkout holding these classes or this jar (both are built into the
     * checkout's {@code target/}), by asking git; null without git or outside a checkout.
     * {@code --no-optional-locks}: only read, never touch the index of a checkout in use.
     */
    private static String checkoutCommit() {
        try {
            Path code = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            Process git = new ProcessBuilder("git", "--no-optional-locks", "-C", dir.toString(), "describe",
                    "--always", "--dirty", "--abbrev=12", "--exclude=*")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String sha256(String text) {
        return Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
