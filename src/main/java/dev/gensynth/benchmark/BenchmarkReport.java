package dev.gensynth.benchmark;

import dev.gensynth.analysis.Pareto;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.report.Charts;
import dev.gensynth.report.Detections;
import dev.gensynth.report.Html;
import dev.gensynth.report.Segmentations;
import dev.gensynth.report.Widths;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's visual report: one self-contained HTML file, in the style of the run report. */
public final class BenchmarkReport {
    private BenchmarkReport() {
    }

    public static Path write(Results r, Path out) {
        String html = render(r, out.toAbsolutePath().getParent());
        try {
            AtomicFiles.writeString(out, html);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(Results r, Path benchDir) {
        Html h = new Html("Benchmark " + r.name());
        String q = r.metric();
        boolean seg = r.segmentation();
        List<String[]> kv = new ArrayList<>();
        kv.add(new String[] {"dataset", r.dataset()});
        kv.add(new String[] {"recipe (references, prototype)", r.recipe()});
        kv.add(new String[] {"prototype", String.format(Locale.ROOT, "%s: %,d params, %,d MACs, %.2f%% validation / "
                + "%.2f%% test %s%s", r.prototype().network(), r.prototype().params(), r.prototype().macs(),
                r.prototypeValidationQuality(), r.prototypeTestQuality(), q, seg && r.prototype().pixelAccuracy() != null
                        ? String.format(Locale.ROOT, ", pixel accuracy %.2f%%", r.prototype().pixelAccuracy()) : "")});
        kv.add(new String[] {"synthesis requirements", r.requirements() + " (the loosest level)"});
        kv.add(new String[] {"levels (" + q + " drop, points)", r.levelsText()});
        kv.add(new String[] {"utility U", r.utility()});
        kv.add(new String[] {"training budget", String.format(Locale.ROOT, "P = %.2f epochs (prototype), B = %.2f "
                + "(synthesis %.2f + final fine-tuning %.2f); each alternative gets B (width scaling: P + B in all, "
                + "(P + B)/L per network from scratch)", r.budget().prototypeEpochs(), r.budget().totalB(),
                r.budget().synthesisEpochs(), r.budget().ferminetFinetuneEpochs())});
        kv.add(new String[] {"machine", r.provenance().machine()});
        kv.add(new String[] {"software", r.provenance().software()});
        kv.add(new String[] {"date", r.provenance().date()});
        h.keyValues(kv);
        if (benchDir != null && java.nio.file.Files.isRegularFile(benchDir.resolve("run/report.html"))) {
            h.raw("<p><a href=\"run/report.html\">Report of the synthesis run</a> (when the run is inside the "
                    + "benchmark directory).</p>\n");
        } else {
            // e.g. a carried benchmark that trained only the prototype again: its search ran in another session
            h.note("No report of the synthesis run beside this one: its search did not run in this directory.");
        }

        h.h2("Quality versus MACs, per method");
        h.img(Charts.scatter("Test " + q + " versus MACs", "MACs (log scale)", q + " % (test)",
                fronts(m -> Results.points(r.rows(), m)), true));
        h.note(String.format(Locale.ROOT, "Lines join each method's non-dominated networks. Hypervolume: area "
                + "dominated in (%s %%, log10 MACs) against (0 %%, log10 %,d = prototype MACs).", q,
                r.hypervolumeReferenceMacs()));
        List<List<String>> hv = new ArrayList<>();
        for (Map.Entry<String, Double> e : r.hypervolume().entrySet()) {
            hv.add(List.of(e.getKey(), String.format(Locale.ROOT, "%.2f", e.getValue()), r.dominanceText(e.getKey())));
        }
        h.table(List.of("method", "hypervolume", "@FermiNet front dominates it"), hv);
        if (r.dominance() != null && !r.dominance().isEmpty()) {
            h.note(String.format(Locale.ROOT, "As the acceptance judges it: an alternative's networks meeting the "
                    + "loosest level (%s at least %.2f %% on test), each matched by a FermiNet with no more MACs and %s "
                    + "within %s of its own; and the most MACs a FermiNet saves at its %s on the alternative's front.",
                    q, r.dominance().get(0).floor(), q, Double.isFinite(r.tie()) ? String.format(Locale.ROOT,
                            "%.2f points (the tie threshold)", r.tie()) : "0 points (noise not measured)", q));
            List<List<String>> dm = new ArrayList<>();
            for (Results.Dominance d : r.dominance()) {
                dm.add(List.of(d.method(), String.valueOf(d.judged()), ResultsMarkdown.matched(d.judged(),
                        d.leftWithinNoise()), ResultsMarkdown.matched(d.judged(), d.leftStrictly()),
                        Double.isFinite(d.macsAdvantage())
                        ? f2(d.macsAdvantage()) + "×" : "-", d.advantageAt() == null ? "-" : d.advantageAt()));
            }
            h.table(List.of("method", "meeting the floor", "@matched within the noise", "@matched strictly",
                    "MACs saved at equal " + q, "@where"), dm);
        }

        if (!r.latencyHypervolume().isEmpty()) {
            h.h2("Quality versus latency, per method");
            h.img(Charts.scatter("Test " + q + " versus ONNX Runtime batch-1 latency", "ms (log scale)", q + " % (test)",
                    fronts(m -> Results.latencyPoints(r.rows(), m)), true));
            List<List<String>> lhv = new ArrayList<>();
            for (Map.Entry<String, Double> e : r.latencyHypervolume().entrySet()) {
                List<String> left = r.notDominatedByLatency().get(e.getKey());
                lhv.add(List.of(e.getKey(), String.format(Locale.ROOT, "%.2f", e.getValue()),
                        ResultsMarkdown.dominance(left)));
            }
            h.table(List.of("method", "hypervolume (" + q + " %, log10 ms)", "@FermiNet front dominates it"), lhv);
        }

        if (!r.speed().isEmpty()) {
            h.h2("Latency against MACs");
            List<List<String>> sp = new ArrayList<>();
            for (Results.Speed x : r.speed()) {
                sp.add(List.of(x.ferminet(), f2(x.macsReduction()), String.format(Locale.ROOT, "%.3f", x.ms()),
                        f2(x.speedup()), f2(x.share()), Double.isFinite(x.overSmallest()) ? f2(x.overSmallest()) : "-",
                        x.verdict()));
            }
            h.table(List.of("FermiNet", "MACs × fewer", "ORT ms", "speed-up ×", "share of the reduction",
                    "× the smallest G can make", "@verdict"), sp);
            h.note(String.format(Locale.ROOT, "ONNX Runtime batch-1 latency; the prototype %.3f ms, the least network "
                    + "with the same input and output %s ms (no network of this shape runs faster there), the smallest "
                    + "network the generator can make from the prototype %s ms. Follows MACs: a "
                    + "speed-up of at least "
                    + "%.1f of the reduction; at the floor: within %.1f× of it.",
                    r.latencyReferenceMs(), r.latencyFloorMs() == null ? "?" : String.format(Locale.ROOT, "%.3f",
                            r.latencyFloorMs()), r.smallestGeneratedMs() == null ? "?" : String.format(Locale.ROOT,
                            "%.3f", r.smallestGeneratedMs()), Results.Speed.FOLLOWS, Results.Speed.NEAR_FLOOR));
        }

        if (r.fresh() != null && !r.fresh().isEmpty()) {
            h.h2("r for every seed: the run's generator on fresh seeds");
            List<List<String>> fr = new ArrayList<>();
            for (Row x : r.fresh()) {
                fr.add(List.of(x.network(), x.measured() ? f2(x.quality()) : String.join("; ", x.reasons()),
                        String.format(Locale.ROOT, "%,d", x.macs()), x.onnxLatencyMs() == null ? "-"
                                : String.format(Locale.ROOT, "%.3f", x.onnxLatencyMs()), x.met() ? "yes"
                                : "no: " + String.join("; ", x.reasons())));
            }
            h.table(List.of("network", q + " % (test)", "MACs", "ORT ms", "@r met"), fr);
            h.note("Fine-tuned as 'gensynth generate' does, judged at the run's requirement on the test split; not part "
                    + "of the fronts or the budget. " + r.freshOutcome() + ".");
        }

        h.h2("Same target: each alternative beside the nearest FermiNet");
        if (r.noise().isEmpty()) {
            h.note("Noise not measured (noiseSeeds: 0): the verdicts do not account for it.");
        } else {
            List<List<String>> nz = new ArrayList<>();
            for (Results.Noise n : r.noise()) {
                nz.add(List.of(n.network(), String.join(", ", n.quality().stream().map(BenchmarkReport::f2).toList()),
                        f2(n.spread())));
            }
            h.table(List.of("network", "@test " + q + " % per seed", "spread (sd)"), nz);
            h.note(Double.isFinite(r.tie()) ? String.format(Locale.ROOT, "A difference within %.2f points (twice the "
                    + "largest spread) is a tie.", r.tie()) : "No spread could be measured.");
        }
        List<List<String>> same = new ArrayList<>();
        for (Results.SameTarget t : r.sameTarget()) {
            same.add(List.of(t.network(), f2(t.quality()), String.format(Locale.ROOT, "%,d", t.macs()), t.byMacs(),
                    String.format(Locale.ROOT, "%+.2f", t.byMacsDifference()), t.byMacsVerdict(),
                    t.byLatency() == null ? "-" : t.byLatency(), t.byLatencyDifference() == null ? "-"
                            : String.format(Locale.ROOT, "%+.2f", t.byLatencyDifference()),
                    t.byLatencyVerdict() == null ? "-" : t.byLatencyVerdict()));
        }
        h.table(List.of("network", q + " %", "MACs", "@nearest FermiNet (MACs)", q + " ±", "@verdict",
                "@nearest FermiNet (latency)", q + " ±", "@verdict"), same);

        h.h2("Networks");
        List<List<String>> rows = new ArrayList<>();
        List<String> cls = new ArrayList<>();
        for (Row x : r.rows()) {
            // a diverged network has no accuracy: its reason stands in
            List<String> row = new ArrayList<>(List.of(x.network(), x.method(), x.level(), x.source(),
                    x.measured() ? f2(x.quality()) : String.join("; ", x.reasons()), f2(x.validationQuality()),
                    String.format(Locale.ROOT, "%,d", x.params()), String.format(Locale.ROOT, "%,d", x.macs()),
                    x.measured() ? String.format(Locale.ROOT, "%.1f", x.informationDensity()) : "-", f2(x.netScore()),
                    x.latencyMs() == null ? "-" : String.format(Locale.ROOT, "%.3f", x.latencyMs()),
                    x.onnxLatencyMs() == null ? "-" : String.format(Locale.ROOT, "%.3f", x.onnxLatencyMs()),
                    f2(x.trainEpochs()), x.met() ? "meets r" : String.join("; ", x.reasons())));
            if (seg) {
                row.add(6, x.pixelAccuracy() == null ? "-" : f2(x.pixelAccuracy()));
            }
            rows.add(row);
            cls.add((x.method().equals("gensynth") ? "hl " : "") + (x.met() ? "ok" : "bad"));
        }
        List<String> header = new ArrayList<>(List.of("network", "@method", "@level", "@source", q + " % test",
                q + " % val", "params", "MACs", "info density", "NetScore", "DJL ms", "ORT ms", "epochs", "@r"));
        if (seg) {
            header.add(6, "pixel acc % test");
        }
        h.table(header, rows, cls, header.size() - 1);
        h.note("Information density: " + q + " % per million params; NetScore on " + q + ". Latency: batch 1, "
                + "median after warm-up.");

        h.h2("FermiNets against the references");
        List<List<String>> rat = new ArrayList<>();
        for (Results.Ratio x : r.ratios()) {
            List<String> row = new ArrayList<>(List.of(x.ferminet(), x.reference(),
                    String.format(Locale.ROOT, "%.2f×", x.informationDensityRatio()),
                    String.format(Locale.ROOT, "%.2f×", x.macsRatio()), Double.isFinite(x.netScoreDifference())
                            ? String.format(Locale.ROOT, "%+.2f", x.netScoreDifference()) : "-",
                    String.format(Locale.ROOT, "%+.2f", x.qualityDifference())));
            if (seg) {
                boolean p = x.pixelAccuracyDifference() != null;
                row.add(p ? String.format(Locale.ROOT, "%.2f×", x.pixelInformationDensityRatio()) : "-");
                row.add(p ? String.format(Locale.ROOT, "%+.2f", x.pixelNetScoreDifference()) : "-");
                row.add(p ? String.format(Locale.ROOT, "%+.2f", x.pixelAccuracyDifference()) : "-");
            }
            rat.add(row);
        }
        List<String> ratHeader = new ArrayList<>(List.of("FermiNet", "@reference", "info density ×", "MACs × fewer",
                "NetScore +", q + " ± points"));
        if (seg) {
            ratHeader.addAll(List.of("info density × (pixel acc)", "NetScore + (pixel acc)", "pixel acc ± points"));
        }
        h.table(ratHeader, rat);

        h.h2("Training budget");
        List<List<String>> bud = new ArrayList<>();
        for (Map.Entry<String, Double> e : r.budget().methodEpochs().entrySet()) {
            bud.add(List.of(e.getKey(), f2(e.getValue())));
        }
        h.table(List.of("method", "epochs spent"), bud);

        h.h2("Architectures: FermiNets and L1-pruned networks next to the prototype");
        List<String> names = new ArrayList<>();
        List<NetworkSpec> specs = new ArrayList<>();
        add(Path.of(r.runDir()).resolve("prototype"), "prototype", names, specs);
        for (Row x : r.rows()) {
            if ((x.method().equals("gensynth") || x.method().equals("l1-prune")) && x.modelDir() != null
                    && benchDir != null) {
                add(benchDir.resolve(x.modelDir()), x.network(), names, specs);
            }
        }
        Widths.section(h, names, specs, 5);

        // a segmentation benchmark shows what its networks see: the prototype, each FermiNet and each reference
        List<String> shown = new ArrayList<>(List.of("prototype"));
        List<Path> models = new ArrayList<>(List.of(Path.of(r.runDir()).resolve("prototype")));
        for (Row x : r.rows()) {
            if ((x.method().equals("gensynth") || x.method().equals("reference")) && x.modelDir() != null
                    && benchDir != null && !shown.contains(x.network())
                    && !x.source().equals(References.PROTOTYPE_SOURCE)) {
                shown.add(x.network());
                models.add(benchDir.resolve(x.modelDir()));
            }
        }
        List<String> problems = new ArrayList<>();
        Segmentations.pictures(h, Path.of(r.runDir()).resolve("run.yaml"), shown, models, problems);
        Detections.pictures(h, Path.of(r.runDir()).resolve("run.yaml"), shown, models, problems);
        problems.forEach(h::note);
        return h.end();
    }

    /** Each method's networks and, joined by a line, its front: one style per method. */
    private static List<Charts.Points> fronts(java.util.function.Function<String, List<Pareto.Point>> points) {
        List<Charts.Points> series = new ArrayList<>();
        int style = 0;
        for (String m : Results.METHODS) {
            List<Pareto.Point> pts = points.apply(m);
            if (pts.isEmpty()) {
                continue;
            }
            series.add(Charts.Points.of(m, Pareto.xy(pts), false, style));
            series.add(Charts.Points.of(m + " front", Pareto.xy(Pareto.front(pts)), true, style));
            style++;
        }
        return series;
    }

    private static void add(Path modelDir, String name, List<String> names, List<NetworkSpec> specs) {
        Path f = modelDir.resolve("spec.json");
        if (names.contains(name) || !Files.isRegularFile(f)) {
            return;
        }
        try {
            specs.add(SpecIO.read(f));
            names.add(name);
        } catch (RuntimeException e) {
            // left out
        }
    }

    private static String f2(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }
}
