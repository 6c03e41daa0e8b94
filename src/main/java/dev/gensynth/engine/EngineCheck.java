package dev.gensynth.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The {@link Canary} as a gate: before the first network of a process is built, the kernel setting
 * in force must have passed the self-check on this CPU with this libtorch. The verdict is cached per
 * CPU model and flags, libtorch version, kernel setting and canary version, so the check costs
 * seconds once per machine, not at every start. A failing setting stops the process with a clear
 * error instead of training on wrong numbers.
 */
public final class EngineCheck {
    /** Bump when the cases or tolerances change, so cached verdicts of older checks are not trusted. */
    static final int CANARY_VERSION = 8;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static Report passed;
    private static boolean checking;
    private static boolean timingOnly;

    /** The verdict of one kernel setting on one machine. */
    public record Report(String setting, String cpu, String libtorch, int canaryVersion, boolean passed,
            List<Canary.Outcome> outcomes, double seconds, String date) {
        /** The first failing case in words, or "" when every case passed. */
        public String failure() {
            for (Canary.Outcome o : outcomes) {
                if (!o.passed() && o.worst().startsWith("crashed")) {
                    return o.op() + " " + o.worst();
                }
                if (!o.passed()) {
                    double e = Math.max(o.forwardError(), Math.max(o.trainingError(), o.gradientError()));
                    return o.op() + " at " + o.shape() + ": " + o.worst() + " off by "
                            + (Double.isNaN(o.forwardError() + o.trainingError() + o.gradientError()) ? "NaN"
                                    : String.format("%.3g", e));
                }
            }
            return "";
        }
    }

    private EngineCheck() {
    }

    /** The kernel setting of this process: oneDNN's ISA limit, {@code ALL} when none is set. */
    public static String setting() {
        String s = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (s == null || s.isBlank()) {
            s = System.getenv("DNNL_MAX_CPU_ISA");
        }
        return s == null || s.isBlank() ? Kernels.ALL : s.trim().toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Makes sure the kernels of this process compute right numbers: reads the cached verdict for the
     * setting in force, or runs the canary here and caches it. Called before the first network is
     * built; cheap after the first call.
     *
     * @throws UserError when the setting in force fails the check, naming the op, the shape, the
     *     error and the setting to use instead
     */
    public static synchronized void ensure() {
        if (passed != null || checking || timingOnly) {
            return;
        }
        Report r = cached(setting());
        if (r == null) {
            r = runAndCache(true);
        }
        if (!r.passed()) {
            throw new UserError(refusal(r));
        }
        passed = r;
    }

    /**
     * Lets a benchmark time a setting that fails the check (what do safe kernels cost?): networks are
     * built without the gate from now on, and this process's numbers other than times are untrusted.
     */
    public static synchronized void skipForTimingOnly() {
        timingOnly = true;
        System.err.println("gensynth: engine self-check skipped to time kernel setting " + setting()
                + "; nothing this process computes is trusted, only how long it takes");
    }

    /** The setting in force and its verdict in this process, for provenance: "SSE41, self-check passed". */
    public static synchronized String describe() {
        return setting() + (timingOnly ? ", self-check skipped (timing only)"
                : passed != null ? ", self-check passed" : ", not checked in this process");
    }

    /** Runs every case of the canary for the setting in force, here and now, and caches the verdict. */
    public static Report recheck() {
        return runAndCache(false);
    }

    /** Runs the canary in this process for the setting in force and caches the verdict. */
    static synchronized Report runAndCache(boolean stopAtFirstFailure) {
        checking = true;
        try {
            long t0 = System.nanoTime();
            List<Canary.Outcome> outcomes = new ArrayList<>();
            boolean ok = true;
            for (Canary.Case c : Canary.cases()) {
                Canary.Outcome o = Canary.run(c);
                outcomes.add(o);
                ok &= o.passed();
                if (!ok && stopAtFirstFailure) {
                    break;
                }
            }
            Report r = new Report(setting(), Kernels.cpu().describe(), libtorchVersion(), CANARY_VERSION, ok,
                    outcomes, (System.nanoTime() - t0) / 1e9, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            save(r);
            return r;
        } finally {
            checking = false;
        }
    }

    static String refusal(Report r) {
        String forced = Kernels.forced();
        String fix = forced != null
                ? "The setting was forced (" + forced + "); unset it to let gensynth choose, or force a narrower one "
                        + "(GENSYNTH_KERNELS=AVX2, AVX or SSE41)."
                : "Start gensynth through bin/gensynth, which picks the widest kernel setting that passes, or set "
                        + "GENSYNTH_KERNELS (for example GENSYNTH_KERNELS=SSE41) before the JVM starts.";
        return "the engine self-check failed with kernel setting " + r.setting() + " on " + r.cpu() + " (libtorch "
                + r.libtorch() + "): " + r.failure() + ". gensynth refuses to train or run networks on wrong numbers. "
                + fix + " 'gensynth doctor' shows every check.";
    }

    /** The cached verdict for a setting on this machine, or null when it was never checked here. */
    public static Report cached(String setting) {
        Path f = cacheFile(setting);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            Report r = JSON.readValue(f.toFile(), Report.class);
            return r.canaryVersion() == CANARY_VERSION ? r : null;
        } catch (IOException e) {
            return null; // a damaged cache entry is checked again
        }
    }

    private static void save(Report r) {
        Path f = cacheFile(r.setting());
        try {
            Files.createDirectories(f.getParent());
            AtomicFiles.write(f, JSON.writeValueAsBytes(r));
        } catch (IOException e) {
            // an unwritable cache only costs a re-check at the next start
            System.err.println("gensynth: cannot cache the engine self-check in " + f.getParent() + ": "
                    + e.getMessage());
        }
    }

    static Path cacheFile(String setting) {
        // threads too: libtorch splits work differently, and a kernel can be wrong at one split only
        String key = Kernels.cpu().describe() + "|" + Kernels.cpu().flags() + "|" + libtorchVersion() + "|"
                + ai.djl.engine.Engine.getDjlVersion() + "|" + dev.gensynth.metrics.Latency.threads() + "|" + setting
                + "|" + CANARY_VERSION + (dev.gensynth.djl.SpecBlock.CHANNELS_LAST ? "" : "|nchw");
        return dev.gensynth.io.UserCache.dir().resolve("engine-check").resolve(setting + "-"
                + dev.gensynth.io.UserCache.fileName(key) + ".json");
    }

    /**
     * The libtorch DJL loads, read without loading it: the one bundled in the pytorch-native jar,
     * whose properties give its version as {@code 2.1.1-20231129} (release, then build date).
     */
    public static String libtorchVersion() {
        try (InputStream in = EngineCheck.class.getResourceAsStream("/native/lib/pytorch.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown").split("-")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

}
