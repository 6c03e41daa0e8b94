package dev.gensynth.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.analysis.Pareto;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The visual report of one synthesis run: {@code RUN/report.html}, a single self-contained file
 * (plots embedded as PNG data URIs, inline CSS). It reads only what the run directory holds and
 * is safe on a partial run (a run still in its first cycles, or without generated networks):
 * missing parts are reported as missing, never as errors.
 */
public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {
    }

    /** Writes {@code runDir/report.html} and returns its path. */
    public static Path write(Path runDir) {
        return write(runDir, runDir.resolve("report.html"));
    }

    /** Writes the report of {@code runDir} to {@code out} (atomically) and returns {@code out}. */
    public static Path write(Path runDir, Path out) {
        String html = render(runDir);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.writeString(out, html);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + out, e);
        }
    }

    /** The report's markup. */
    public static String render(Path runDir) {
        RunDir run = new RunDir(runDir);
        List<String> problems = new ArrayList<>();
        JsonNode proto = readJson(run.prototypeDir().resolve("prototype.json"), problems);
        JsonNode protoMetrics = readJson(run.prototypeDir().resolve("metrics.json"), problems);
        JsonNode progress = readJson(runDir.resolve("progress.json"), problems);
        List<RunDir.CycleSummary> cycles = cycles(runDir, progress, problems);
        List<CandidateRecord> cands = cycles.stream().flatMap(c -> c.candidates().stream()).toList();
        JsonNode generated = readJson(run.generatedDir().resolve("generated.json"), problems);
        String name = runDir.toAbsolutePath().normalize().getFileName().toString();

        String metric = metricName(protoMetrics);
        Html h = new Html("Synthesis run " + name);
        summary(h, run, proto, protoMetrics, progress, cycles, cands, generated, metric);
        h.h2("Quality versus MACs");
        scatter(h, proto, protoMetrics, cands, generated, metric);
        h.h2("Per cycle");
        curves(h, cycles, metric);
        h.h2("Candidates (" + cands.size() + ")");
        candidates(h, cands, metric);
        h.h2("Generated networks");
        generatedTable(h, protoMetrics, generated, metric);
        Pictures.section(h, run, problems);
        h.h2("Architectures: per-layer widths");
        widths(h, run);
        if (!problems.isEmpty()) {
            h.h2("Notes");
            for (String p : problems) {
                h.note(p);
            }
        }
        return h.end();
    }

    private static void summary(Html h, RunDir run, JsonNode proto, JsonNode protoMetrics, JsonNode progress,
            List<RunDir.CycleSummary> cycles, List<CandidateRecord> cands, JsonNode generated, String metric) {
        List<String[]> kv = new ArrayList<>();
        kv.add(new String[] {"run directory", run.dir().toAbsolutePath().normalize().toString()});
        String req = "?";
        String utility = "?";
        String budget = "?";
        try {
            SynthesisConfig cfg = SynthesisConfig.load(run.config());
            req = cfg.requirements().toString();
            utility = cfg.utility().name();
            var b = cfg.budget();
            budget = String.format(Locale.ROOT, "%d cycles × %d candidates × %.2f epochs; total fine-tuning %s; "
                    + "wall %s; patience %d", b.cycles(), b.candidates(), b.finetuneEpochs(),
                    b.totalFinetuneEpochs() == null ? "3× the prototype's training" : fmt(b.totalFinetuneEpochs())
                    + " epochs", b.wallMinutes() > 0 ? fmt(b.wallMinutes()) + " min" : "unlimited", b.patience());
            if (proto != null && cfg.requirements().maxQualityDrop() != null) {
                var yard = run.yardstick();
                req += String.format(Locale.ROOT, " (validation floor %.2f%%%s)",
                        cfg.requirements().floor(yard.orElse(protoValidation(proto))), yard.isPresent()
                                ? String.format(Locale.ROOT, ", measured from %.2f%%: the prototype's figure averaged "
                                        + "with copies trained again from scratch, the split being noisy",
                                        yard.getAsDouble())
                                : "");
            }
        } catch (RuntimeException e) {
            req = "run.yaml cannot be read: " + e.getMessage();
        }
        kv.add(new String[] {"requirements r", req});
        kv.add(new String[] {"utility U", utility});
        kv.add(new String[] {"budget", budget});
        if (progress != null) {
            kv.add(new String[] {"status", (progress.path("done").asBoolean() ? "finished: "
                    + progress.path("stopReason").asText() : "in progress (or interrupted)")
                    + String.format(Locale.ROOT, "; %d cycles, %.2f epochs of fine-tuning, %.0f s",
                            progress.path("cycles").asInt(), progress.path("finetuneEpochs").asDouble(),
                            progress.path("seconds").asDouble())});
        } else {
            kv.add(new String[] {"status", "not started (no progress.json yet)"});
        }
        if (protoMetrics != null) {
            kv.add(new String[] {"prototype φ", String.format(Locale.ROOT, "%s: %s params, %s MACs, %s%% validation / "
                    + "%s%% test %s%s, NetScore %s%s", protoMetrics.path("network").asText(),
                    count(protoMetrics.path("params").asLong()), count(protoMetrics.path("macs").asLong()),
                    proto == null ? "?" : fmt(protoValidation(proto)), fmt(quality(protoMetrics)), metric,
                    protoMetrics.hasNonNull("pixelAccuracy") ? String.format(Locale.ROOT, " (pixel accuracy %.2f%%)",
                            protoMetrics.path("pixelAccuracy").asDouble()) : "",
                    fmt(protoMetrics.path("netScore").asDouble()),
                    proto != null && proto.path("trainingEpochs").asDouble() > 0
                            ? String.format(Locale.ROOT, "; trained %.2f epochs in %.0f s",
                                    proto.path("trainingEpochs").asDouble(), proto.path("trainingSeconds").asDouble())
                            : "")});
        } else {
            kv.add(new String[] {"prototype φ", "not trained yet"});
        }
        long feasible = cands.stream().filter(CandidateRecord::met).count();
        kv.add(new String[] {"candidates", cands.size() + " probed in " + cycles.size() + " cycles, " + feasible
                + " met r on validation"});
        if (!cycles.isEmpty()) {
            RunDir.CycleSummary last = cycles.get(cycles.size() - 1);
            kv.add(new String[] {"best so far", String.format(Locale.ROOT, "U %.3f, %s MACs, %.2f%% validation %s",
                    last.bestUtility(), count(last.bestMacs()), last.bestQuality(), metric)});
        }
        if (generated != null && generated.isArray()) {
            int met = 0;
            for (JsonNode g : generated) {
                met += g.path("met").asBoolean() ? 1 : 0;
            }
            kv.add(new String[] {"generated", generated.size() + " networks, " + met + " meet r on the test split"});
        }
        h.keyValues(kv);
        try {
            if (Files.isRegularFile(run.config())) {
                h.raw("<details><summary>run.yaml</summary>\n");
                h.pre(Files.readString(run.config()));
                h.raw("</details>\n");
            }
        } catch (IOException e) {
            // the summary above already says what could be read
        }
    }

    private static void scatter(Html h, JsonNode proto, JsonNode protoMetrics, List<CandidateRecord> cands,
            JsonNode generated, String metric) {
        List<double[]> ok = new ArrayList<>();
        List<double[]> bad = new ArrayList<>();
        List<Pareto.Point> all = new ArrayList<>();
        for (CandidateRecord c : cands) {
            (c.met() ? ok : bad).add(new double[] {c.macs(), c.quality()});
            all.add(new Pareto.Point(c.network(), c.macs(), c.quality()));
        }
        List<Charts.Points> series = new ArrayList<>();
        series.add(Charts.Points.of("candidates meeting r (validation)", ok, false, 2));
        series.add(Charts.Points.of("rejected candidates (validation)", bad, false, 5));
        if (protoMetrics != null && proto != null) {
            long macs = protoMetrics.path("macs").asLong();
            double val = protoValidation(proto);
            series.add(Charts.Points.of("prototype (validation)", List.<double[]>of(new double[] {macs, val}), false,
                    0));
            all.add(new Pareto.Point("prototype", macs, val));
        }
        series.add(Charts.Points.of("Pareto front (validation)", Pareto.xy(Pareto.front(all)), true, 7));
        if (generated != null && generated.isArray()) {
            List<double[]> g = new ArrayList<>();
            for (JsonNode n : generated) {
                g.add(new double[] {n.path("metrics").path("macs").asDouble(), quality(n.path("metrics"))});
            }
            series.add(Charts.Points.of("generated networks (test)", g, false, 1));
            if (protoMetrics != null) {
                series.add(Charts.Points.of("prototype (test)", List.<double[]>of(new double[] {
                    protoMetrics.path("macs").asDouble(), quality(protoMetrics)}), false, 3));
            }
        }
        Charts.Png png = Charts.scatter(metric + " versus MACs", "MACs (log scale)", metric + " %", series,
                true);
        if (png == null) {
            h.p("Nothing measured yet.");
        } else {
            h.img(png);
            h.note("Candidates are measured on the validation split after their short fine-tuning; generated "
                    + "networks on the test split after the generate step's fine-tuning. The front joins the "
                    + "non-dominated points (highest " + metric + " for fewest MACs) of the candidates and the prototype.");
        }
    }

    private static void curves(Html h, List<RunDir.CycleSummary> cycles, String metric) {
        if (cycles.isEmpty()) {
            h.p("No finished cycle yet.");
            return;
        }
        List<Double> x = cycles.stream().map(c -> (double) c.cycle()).toList();
        List<Charts.Png> pngs = new ArrayList<>();
        pngs.add(Charts.lines("Best U (parent)", "cycle", "U", List.of(new Charts.Points("best U", x,
                cycles.stream().map(RunDir.CycleSummary::bestUtility).toList(), true, 0))));
        pngs.add(Charts.lines("Best " + metric + " (validation)", "cycle", metric + " %",
                List.of(new Charts.Points("best " + metric, x, cycles.stream().map(RunDir.CycleSummary::bestQuality).toList(), true, 2))));
        pngs.add(Charts.lines("MACs of the best", "cycle", "MACs (millions)", List.of(new Charts.Points("best MACs",
                x, cycles.stream().map(c -> c.bestMacs() / 1e6).toList(), true, 1))));
        pngs.add(Charts.lines("Feasible fraction of the candidates", "cycle", "meets r", List.of(new Charts.Points(
                "feasible", x, cycles.stream().map(c -> c.probed() == 0 ? 0.0 : (double) c.feasible() / c.probed())
                        .toList(), true, 3))));
        h.images(pngs.stream().filter(p -> p != null).toList());
        List<List<String>> rows = new ArrayList<>();
        for (RunDir.CycleSummary c : cycles) {
            rows.add(List.of(String.valueOf(c.cycle()), fmt(c.bestUtility()), count(c.bestMacs()), fmt(c.bestQuality()),
                    c.feasible() + "/" + c.probed(), fmt(c.push()), c.improved() ? "yes" : "no",
                    fmt(c.finetuneEpochs()), String.format(Locale.ROOT, "%.0f", c.seconds())));
        }
        h.table(List.of("cycle", "best U", "best MACs", "best " + metric + " %", "feasible", "push", "@improved",
                "fine-tune epochs", "seconds"), rows);
    }

    private static void candidates(Html h, List<CandidateRecord> cands, String metric) {
        if (cands.isEmpty()) {
            h.p("No candidates yet.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> cls = new ArrayList<>();
        for (CandidateRecord c : cands) {
            rows.add(List.of(c.network(), String.valueOf(c.cycle()), String.valueOf(c.index()), String.valueOf(c.seed()),
                    c.widths().toString(), count(c.params()), count(c.macs()),
                    c.measured() ? fmt(c.quality()) : String.join("; ", c.reasons()),
                    Double.isNaN(c.latencyMs()) ? "-" : String.format(Locale.ROOT, "%.3f", c.latencyMs()),
                    fmt(c.utility()), fmt(c.finetuneEpochs()), c.chosen() ? "parent" : "",
                    c.met() ? "meets r" : String.join("; ", c.reasons())));
            cls.add(c.chosen() ? "hl " + (c.met() ? "ok" : "bad") : c.met() ? "ok" : "bad");
        }
        h.table(List.of("network", "cycle", "#", "seed", "@widths", "params", "MACs", metric + " % (val)", "latency ms",
                "U", "epochs", "@chosen", "@verdict"), rows, cls, 12);
    }

    private static void generatedTable(Html h, JsonNode protoMetrics, JsonNode generated, String metric) {
        if (generated == null || !generated.isArray() || generated.isEmpty()) {
            h.p("No generated networks yet (gensynth generate --run DIR --seeds ...).");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> cls = new ArrayList<>();
        if (protoMetrics != null) {
            rows.add(metricsRow(protoMetrics.path("network").asText() + " (prototype)", "-", protoMetrics,
                    "-", "yardstick"));
            cls.add(null);
        }
        for (JsonNode g : generated) {
            boolean met = g.path("met").asBoolean();
            List<String> reasons = new ArrayList<>();
            g.path("reasons").forEach(r -> reasons.add(r.asText()));
            rows.add(metricsRow(g.path("network").asText(), g.path("seed").asText(), g.path("metrics"),
                    fmt(g.path("utility").asDouble()), met ? "meets r" : String.join("; ", reasons)));
            cls.add(met ? "ok" : "bad");
        }
        List<String> header = new ArrayList<>(List.of("network", "seed", metric + " % (test)", "params", "MACs",
                "MACs × fewer", "info density", "NetScore", "latency ms", "U", "@r"));
        boolean pixels = pixelAccuracy(protoMetrics, generated);
        if (pixels) {
            header.add(3, "pixel acc % (test)");
        }
        rows = rows.stream().map(x -> {
            List<String> c = new ArrayList<>(x);
            String p = c.remove(c.size() - 1);
            if (pixels) {
                c.add(3, p);
            }
            return (List<String>) c;
        }).toList();
        h.table(header, withRatio(rows, protoMetrics, header.indexOf("MACs × fewer")), cls, header.indexOf("@r"));
        h.note("Information density: " + metric + " % per million params. Latency: batch 1, median after warm-up, DJL on "
                + "this CPU.");
    }

    /**
     * A network without a quality (its fine-tuning diverged) shows its verdict, the reason, in its place. The last
     * cell is a segmenter's pixel accuracy (or "-"), which the table moves beside its mIoU when it shows it.
     */
    private static List<String> metricsRow(String name, String seed, JsonNode m, String u, String verdict) {
        double q = quality(m);
        return List.of(name, seed, Double.isNaN(q) ? verdict : fmt(q),
                count(m.path("params").asLong()),
                count(m.path("macs").asLong()), String.valueOf(m.path("macs").asLong()),
                fmt1(m.path("informationDensity").asDouble(Double.NaN)),
                fmt(m.path("netScore").asDouble(Double.NaN)),
                m.hasNonNull("latencyMs") ? String.format(Locale.ROOT, "%.3f", m.path("latencyMs").asDouble()) : "-",
                u, verdict, m.hasNonNull("pixelAccuracy") ? fmt(m.path("pixelAccuracy").asDouble()) : "-");
    }

    /** Whether any of these networks has a pixel accuracy (a segmentation run's do). */
    private static boolean pixelAccuracy(JsonNode protoMetrics, JsonNode generated) {
        boolean any = protoMetrics != null && protoMetrics.hasNonNull("pixelAccuracy");
        for (JsonNode g : generated) {
            any |= g.path("metrics").hasNonNull("pixelAccuracy");
        }
        return any;
    }

    /** The run's primary metric as its files name it: a segmenter's metrics carry its mIoU, a detector's its mAP50. */
    private static String metricName(JsonNode protoMetrics) {
        return Metrics.metricName(protoMetrics);
    }

    /** A metrics.json's primary metric: a segmenter's mIoU, else top-1; NaN when it has none. */
    private static double quality(JsonNode m) {
        return (m.hasNonNull("meanIoU") ? m.path("meanIoU") : m.path("top1")).asDouble(Double.NaN);
    }

    /** prototype.json's validation quality (named validationTop1 in runs from before the task's metric was named). */
    private static double protoValidation(JsonNode proto) {
        return proto.path(proto.has("validationQuality") ? "validationQuality" : "validationTop1").asDouble();
    }

    /** Replaces the raw MACs placeholder column ({@code col}) with the ratio to the prototype. */
    private static List<List<String>> withRatio(List<List<String>> rows, JsonNode protoMetrics, int col) {
        long pm = protoMetrics == null ? 0 : protoMetrics.path("macs").asLong();
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            List<String> c = new ArrayList<>(r);
            long macs = Long.parseLong(c.get(col));
            c.set(col, pm > 0 && macs > 0 ? String.format(Locale.ROOT, "%.1f", (double) pm / macs) : "-");
            out.add(c);
        }
        return out;
    }

    private static void widths(Html h, RunDir run) {
        List<String> names = new ArrayList<>();
        List<NetworkSpec> specs = new ArrayList<>();
        addSpec(run.prototypeDir(), "prototype", names, specs);
        addSpec(run.bestDir(), "best", names, specs);
        try {
            for (Path d : generatedModels(run)) {
                addSpec(d, d.getFileName().toString(), names, specs);
            }
        } catch (IOException e) {
            h.note("generated/ cannot be listed: " + e.getMessage());
        }
        Widths.section(h, names, specs, 6);
        h.note("Output channels of every conv and linear layer; in round brackets the share of the prototype's "
                + "width, in square brackets the operator (kernel, 'dw' depthwise, '/2' stride 2) where it differs from "
                + "the prototype's: a convolution made depthwise-separable keeps its name for the 1×1 part, after its "
                + "depthwise part '" + dev.gensynth.generator.Operators.DEPTHWISE_SUFFIX + "'; '-': the network does "
                + "not have that layer (the generator left out its block).");
    }

    /** The run's generated model directories ({@code generated/seed-N}), by seed. */
    static List<Path> generatedModels(RunDir run) throws IOException {
        Path gen = run.generatedDir();
        if (!Files.isDirectory(gen)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(gen)) {
            return s.filter(p -> p.getFileName().toString().startsWith("seed-"))
                    .sorted(java.util.Comparator.comparingLong(RunReport::seedOf)).toList();
        }
    }

    private static long seedOf(Path p) {
        try {
            return Long.parseLong(p.getFileName().toString().substring(5));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void addSpec(Path modelDir, String label, List<String> names, List<NetworkSpec> specs) {
        Path f = modelDir.resolve("spec.json");
        if (!Files.isRegularFile(f)) {
            return;
        }
        try {
            specs.add(SpecIO.read(f));
            names.add(label);
        } catch (RuntimeException e) {
            // a spec being rewritten at this moment: leave it out of this report
        }
    }

    /**
     * The finished cycles: every readable cycle file up to the cycle progress.json counts as
     * finished (a newer one belongs to the cycle in progress); unreadable files are noted, not fatal.
     */
    static List<RunDir.CycleSummary> cycles(Path runDir, JsonNode progress, List<String> problems) {
        Path dir = runDir.resolve("cycles");
        List<RunDir.CycleSummary> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        int done = progress == null ? Integer.MAX_VALUE : progress.path("cycles").asInt(Integer.MAX_VALUE);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("cycle-\\d+\\.json")).sorted().toList()) {
                try {
                    RunDir.CycleSummary c = JSON.readValue(f.toFile(), RunDir.CycleSummary.class);
                    if (c.cycle() <= done && c.candidates() != null) {
                        out.add(c);
                    }
                } catch (IOException e) {
                    problems.add(f.getFileName() + " cannot be read (left out): " + e.getMessage().split("\n")[0]);
                }
            }
        } catch (IOException e) {
            problems.add("cycles/ cannot be listed: " + e.getMessage());
        }
        out.sort(java.util.Comparator.comparingInt(RunDir.CycleSummary::cycle));
        return out;
    }

    static JsonNode readJson(Path f, List<String> problems) {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            problems.add(f.getFileName() + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    static String fmt1(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
