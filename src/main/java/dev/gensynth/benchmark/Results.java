package dev.gensynth.benchmark;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gensynth.analysis.Pareto;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.metrics.Scores;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a benchmark measured, and what follows from it: the table, the ratios of each FermiNet
 * against each reference, the hypervolume of each method's accuracy-vs-MACs front (see
 * {@link Pareto} for the reference point), and whether the FermiNet front dominates each
 * alternative's.
 *
 * @param metric the task's primary metric every quality figure is in ({@code top-1}, {@code mIoU}); a
 *     segmenter's rows carry its pixel accuracy beside it
 * @param latencyFloorMs ONNX Runtime batch-1 latency of the least network with the same input and output
 *     ({@code Zoo.trivial}): what no network of this shape runs faster than there
 * @param smallestGeneratedMs ONNX Runtime batch-1 latency of the smallest network the generator can make from the
 *     prototype ({@code Generator.smallest}; the faster of its operators kept and every operator choice taken): about
 *     what the prototype's depth allows
 * @param dominance whether the FermiNets dominate each alternative method as the acceptance judges it: its networks
 *     meeting the loosest level matched within the noise, and the MACs saved at equal quality
 * @param speed each FermiNet's speed-up over the prototype in ONNX Runtime beside its MACs reduction
 * @param fresh networks of the run's own generator from fresh seeds, judged against r on the test split (no
 *     method's networks: outside the fronts and the budget)
 * @param freshOutcome what the generator promised for them beside how many met r; null without them
 * @param latencyRoundSpread how much the rounds of one network differed when all were timed again side by side
 *     ({@link SideBySide}): (slowest - fastest) / median in ONNX Runtime, the median over the networks; and
 *     {@code latencyRoundSpreadMax} the largest
 * @param provenance how the results were made (machine, versions, threads, kernels, date), with the
 *     seed and config hash of the synthesis run every method's networks derive from
 */
public record Results(String name, String dataset, String metric, String recipe, String requirements,
        String utility, List<Double> levels, Provenance provenance, Metrics prototype,
        double prototypeValidationQuality, double prototypeTestQuality, String runDir, List<Row> rows, Budget budget, List<Ratio> ratios,
        Map<String, Double> hypervolume, Map<String, List<String>> notDominatedByFermiNets,
        List<Dominance> dominance, long hypervolumeReferenceMacs, List<Noise> noise, List<SameTarget> sameTarget,
        Map<String, Double> latencyHypervolume, Map<String, List<String>> notDominatedByLatency,
        Double latencyReferenceMs, Double latencyFloorMs, Double smallestGeneratedMs, List<Speed> speed, List<Row> fresh, String freshOutcome,
        Double latencyRoundSpread, Double latencyRoundSpreadMax) {

    /**
     * The spread of test quality over seeds of one recipe: the same network trained again with other seeds
     * (weights and batch order). What a difference between two networks must exceed to be more than noise.
     */
    public record Noise(String network, List<Double> quality, double spread) {
        static Noise of(String network, List<Double> quality) {
            return new Noise(network, List.copyOf(quality),
                    dev.gensynth.analysis.Stats.sd(quality.stream().mapToDouble(Double::doubleValue).toArray()));
        }
    }

    /**
     * An alternative network beside the FermiNet nearest to it in MACs and the one nearest in ONNX Runtime
     * latency (log scale), with the quality differences (FermiNet minus alternative) and their verdicts.
     */
    public record SameTarget(String network, String method, double quality, long macs, Double onnxLatencyMs,
            String byMacs, long byMacsMacs, double byMacsDifference, String byMacsVerdict, String byLatency,
            Double byLatencyMs, Double byLatencyDifference, String byLatencyVerdict) {
    }

    /**
     * Whether the FermiNets dominate one alternative method as the benchmark's acceptance judges it. Its networks
     * that meet the loosest level on the test split ({@code floor}) are judged: each is matched by a FermiNet with no
     * more MACs and quality at least its own minus the tie threshold ({@code leftWithinNoise}: the ones none
     * matches), or strictly, at least its own ({@code leftStrictly}). {@code macsAdvantage}: anywhere on the method's
     * front, the most times fewer MACs a FermiNet needs for the same quality within the tie (NaN when no FermiNet
     * reaches any of it), at {@code advantageAt}.
     */
    public record Dominance(String method, double floor, int judged, List<String> leftWithinNoise,
            List<String> leftStrictly, double macsAdvantage, String advantageAt) {
        /** How many times fewer MACs at equal quality the acceptance asks for somewhere on every alternative's front. */
        static final double ADVANTAGE = 1.5;

        static Dominance of(String method, List<Pareto.Point> fermi, List<Pareto.Point> alternative, double floor,
                double tie) {
            double t = Double.isFinite(tie) ? tie : 0;
            List<Pareto.Point> meeting = alternative.stream().filter(p -> p.quality() >= floor).toList();
            double best = Double.NaN;
            String at = null;
            for (Pareto.Point q : Pareto.front(alternative)) {
                Pareto.Point match = Pareto.cheapestReaching(fermi, q.quality() - t);
                if (match != null && !(q.cost() / match.cost() <= best)) {
                    best = q.cost() / match.cost();
                    at = String.format(Locale.ROOT, "%s (%,d MACs, %.2f %%): %s (%,d MACs, %.2f %%)", q.name(),
                            (long) q.cost(), q.quality(), match.name(), (long) match.cost(), match.quality());
                }
            }
            return new Dominance(method, floor, meeting.size(), names(Pareto.undominated(fermi, meeting, t)),
                    names(Pareto.undominated(fermi, meeting)), best, at);
        }

        private static List<String> names(List<Pareto.Point> points) {
            return points.stream().map(Pareto.Point::name).toList();
        }
    }

    /**
     * @param prototypeEpochs P: the prototype's own training, shared by the methods that start from it
     * @param synthesisEpochs all candidates' fine-tuning during synthesis
     * @param ferminetFinetuneEpochs the final fine-tuning of the FermiNets
     * @param totalB B = synthesis + final fine-tuning: the budget each alternative gets
     * @param methodEpochs what each method actually spent (width scaling: including its training from scratch)
     */
    public record Budget(double prototypeEpochs, double synthesisEpochs, double ferminetFinetuneEpochs,
            double totalB, Map<String, Double> methodEpochs) {
    }

    /**
     * A FermiNet against a reference: information density ×, MACs × fewer, NetScore + points, all on the primary
     * metric; for segmenters the same on pixel accuracy beside them (the original work compared on it), else null.
     */
    public record Ratio(String ferminet, String reference, double informationDensityRatio, double macsRatio,
            double netScoreDifference, double qualityDifference, Double pixelInformationDensityRatio,
            Double pixelNetScoreDifference, Double pixelAccuracyDifference) {
        static Ratio of(Row f, Row r) {
            Double pd = null;
            Double pn = null;
            Double pa = null;
            if (f.pixelAccuracy() != null && r.pixelAccuracy() != null) {
                pd = Scores.informationDensity(f.pixelAccuracy(), f.params() / 1e6)
                        / Scores.informationDensity(r.pixelAccuracy(), r.params() / 1e6);
                pn = Scores.netScore(f.pixelAccuracy(), f.params() / 1e6, f.macs() / 1e6)
                        - Scores.netScore(r.pixelAccuracy(), r.params() / 1e6, r.macs() / 1e6);
                pa = f.pixelAccuracy() - r.pixelAccuracy();
            }
            return new Ratio(f.network(), r.network(), f.informationDensity() / r.informationDensity(),
                    (double) r.macs() / f.macs(), f.netScore() - r.netScore(), f.quality() - r.quality(), pd, pn, pa);
        }
    }

    /**
     * Whether a FermiNet's MACs turned into speed: its ONNX Runtime speed-up over the prototype, the share of its
     * MACs reduction that is, and its latency against the runtime's floor.
     *
     * @param verdict "follows MACs" (share at least {@link #FOLLOWS}); "at the floor" where that share would ask for
     *     less than the runtime's floor and the network is within {@link #NEAR_FLOOR}× of it; else "behind MACs". The
     *     FermiNet of the level with the smallest drop (A as the benchmarks list them), the least reduced, is only asked
     *     to be faster than the prototype: "faster than the prototype" or "not faster than the prototype" where the
     *     share alone would say otherwise
     */
    public record Speed(String ferminet, double macsReduction, double speedup, double share, double ms,
            double floorMs, double overSmallest, String verdict) {
        static final double FOLLOWS = 0.6;
        static final double NEAR_FLOOR = 1.5;

        /** @param leastReduced whether {@code f} is the FermiNet of the level with the smallest drop */
        static Speed of(Row f, long protoMacs, double protoMs, Double floorMs, Double smallestMs, boolean leastReduced) {
            double reduction = (double) protoMacs / f.macs();
            double speedup = protoMs / f.onnxLatencyMs();
            double share = speedup / reduction;
            double floor = floorMs == null ? Double.NaN : floorMs;
            String v;
            if (leastReduced) {
                v = speedup <= 1 ? "not faster than the prototype" : share >= FOLLOWS ? "follows MACs"
                        : "faster than the prototype";
            } else if (share >= FOLLOWS) {
                v = "follows MACs";
            } else if (protoMs / (FOLLOWS * reduction) < floor && f.onnxLatencyMs() <= NEAR_FLOOR * floor) {
                v = "at the floor";
            } else {
                v = "behind MACs";
            }
            return new Speed(f.network(), reduction, speedup, share, f.onnxLatencyMs(), floor,
                    smallestMs == null ? Double.NaN : f.onnxLatencyMs() / smallestMs, v);
        }
    }

    static final List<String> METHODS = List.of("gensynth", "reference", "width", "l1-prune", "random");

    static Results of(BenchmarkConfig cfg, SynthesisConfig sc, String metric, Metrics proto, double protoVal,
            double protoTest, Path runDir, List<Row> rows, Budget budget, List<Noise> noise, Double refMs,
            Double floorMs, Double smallestMs, FreshSeeds.Outcome fresh, double roundSpread, double roundSpreadMax) {
        List<Ratio> ratios = new ArrayList<>();
        for (Row f : rows) {
            if (!f.method().equals("gensynth") || !f.measured()) {
                continue;
            }
            for (Row r : rows) {
                if (r.method().equals("reference") && r.measured()) {
                    ratios.add(Ratio.of(f, r));
                }
            }
        }
        Map<String, Double> hv = new LinkedHashMap<>();
        Map<String, List<String>> dom = new LinkedHashMap<>();
        List<Dominance> judged = new ArrayList<>();
        double tie = tieThreshold(noise);
        double floor = protoTest - cfg.levels().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        List<Pareto.Point> fermi = points(rows, "gensynth");
        for (String m : METHODS) {
            List<Pareto.Point> pts = points(rows, m);
            if (pts.isEmpty()) {
                continue;
            }
            hv.put(m, Pareto.hypervolume(pts, proto.macs()));
            if (!m.equals("gensynth")) {
                dom.put(m, Pareto.undominated(fermi, Pareto.front(pts)).stream().map(p -> String.format(Locale.ROOT,
                        "%s (%.2f %%, %,d MACs)", p.name(), p.quality(), (long) p.cost())).toList());
                if (!m.equals("reference") && !fermi.isEmpty()) {
                    judged.add(Dominance.of(m, fermi, distinctPoints(rows, m), floor, tie));
                }
            }
        }
        Map<String, Double> latHv = new LinkedHashMap<>();
        Map<String, List<String>> latDom = new LinkedHashMap<>();
        List<Pareto.Point> fermiLat = latencyPoints(rows, "gensynth");
        if (refMs != null && !fermiLat.isEmpty()) {
            for (String m : METHODS) {
                List<Pareto.Point> pts = latencyPoints(rows, m);
                if (pts.isEmpty()) {
                    continue;
                }
                latHv.put(m, Pareto.hypervolume(pts, refMs));
                if (!m.equals("gensynth")) {
                    latDom.put(m, Pareto.undominated(fermiLat, Pareto.front(pts)).stream().map(p -> String.format(
                            Locale.ROOT, "%s (%.2f %%, %.3f ms)", p.name(), p.quality(), p.cost())).toList());
                }
            }
        }
        List<SameTarget> same = sameTarget(rows, tie);
        List<Speed> speed = new ArrayList<>();
        int tightest = 0;
        for (int i = 1; i < cfg.levels().size(); i++) {
            tightest = cfg.levels().get(i) < cfg.levels().get(tightest) ? i : tightest;
        }
        String leastReduced = SynthesisConfig.levelName(tightest);
        for (Row f : rows) {
            if (f.method().equals("gensynth") && f.measured() && f.onnxLatencyMs() != null && refMs != null) {
                speed.add(Speed.of(f, proto.macs(), refMs, floorMs, smallestMs, f.level().equals(leastReduced)));
            }
        }
        Provenance provenance;
        try {
            provenance = Provenance.current().forRun(sc.seed(), Files.readString(runDir.resolve("run.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Results(cfg.name(), sc.data().kind(), metric, recipeText(sc), sc.requirements().toString(),
                sc.utility().name(), cfg.levels(), provenance, proto, protoVal, protoTest, runDir.toString(), rows,
                budget, ratios, hv, dom, judged, proto.macs(), noise, same, latHv, latDom, refMs, floorMs, smallestMs, speed,
                fresh.rows(),
                fresh.rows().isEmpty() ? null : fresh.text(), Double.isFinite(roundSpread) ? roundSpread : null,
                Double.isFinite(roundSpreadMax) ? roundSpreadMax : null);
    }

    /** Two quality figures closer than this are a tie: twice the largest spread over seeds measured (NaN: none). */
    static double tieThreshold(List<Noise> noise) {
        return 2 * noise.stream().mapToDouble(Noise::spread).filter(Double::isFinite).max().orElse(Double.NaN);
    }

    /** The tie threshold of these results (see {@link #tieThreshold(List)}). */
    public double tie() {
        return tieThreshold(noise);
    }

    static List<SameTarget> sameTarget(List<Row> rows, double tie) {
        List<Row> fermi = rows.stream().filter(r -> r.method().equals("gensynth") && r.measured()).toList();
        List<SameTarget> out = new ArrayList<>();
        if (fermi.isEmpty()) {
            return out;
        }
        for (Row a : distinctRows(rows, r -> !r.method().equals("gensynth") && !r.method().equals("reference"))) {
            Row m = nearest(fermi, f -> (double) f.macs(), a.macs());
            Row l = a.onnxLatencyMs() == null ? null
                    : nearest(fermi.stream().filter(f -> f.onnxLatencyMs() != null).toList(), Row::onnxLatencyMs,
                            a.onnxLatencyMs());
            out.add(new SameTarget(a.network(), a.method(), a.quality(), a.macs(), a.onnxLatencyMs(), m.network(),
                    m.macs(), m.quality() - a.quality(), verdict(m.quality() - a.quality(), tie),
                    l == null ? null : l.network(),
                    l == null ? null : l.onnxLatencyMs(), l == null ? null : l.quality() - a.quality(),
                    l == null ? null : verdict(l.quality() - a.quality(), tie)));
        }
        return out;
    }

    private static Row nearest(List<Row> rows, java.util.function.ToDoubleFunction<Row> x, double target) {
        Row best = null;
        for (Row r : rows) {
            if (best == null || Math.abs(Math.log(x.applyAsDouble(r) / target))
                    < Math.abs(Math.log(x.applyAsDouble(best) / target))) {
                best = r;
            }
        }
        return best;
    }

    private static String verdict(double difference, double tie) {
        if (Double.isNaN(tie)) {
            return difference == 0 ? "equal (noise not measured)" : difference > 0 ? "FermiNet ahead (noise not "
                    + "measured)" : "alternative ahead (noise not measured)";
        }
        return Math.abs(difference) <= tie ? "tie" : difference > 0 ? "FermiNet ahead" : "alternative ahead";
    }

    static List<Pareto.Point> latencyPoints(List<Row> rows, String method) {
        return rows.stream().filter(r -> r.method().equals(method) && !r.network().contains(" = ") && r.measured()
                && r.onnxLatencyMs() != null).map(r -> new Pareto.Point(r.network(), r.onnxLatencyMs(), r.quality()))
                .toList();
    }

    /** As {@link #points}, a network that stands for several levels once ({@link #distinctRows}). */
    static List<Pareto.Point> distinctPoints(List<Row> rows, String method) {
        return distinctRows(rows, r -> r.method().equals(method)).stream()
                .map(r -> new Pareto.Point(r.network(), r.macs(), r.quality())).toList();
    }

    /**
     * The measured rows {@code keep} selects, leaving out random sampling's level picks (copies of its networks), with
     * a network that stands for several levels (Width-B trained as Width-A: the same model) once, named with all of
     * them ("Width-A = Width-B"), so that a verdict counts networks, not rows.
     */
    static List<Row> distinctRows(List<Row> rows, java.util.function.Predicate<Row> keep) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Row> byModel = new LinkedHashMap<>();
        for (Row r : rows) {
            if (keep.test(r) && !r.network().contains(" = ") && r.measured()) {
                String key = r.modelDir() != null ? r.modelDir() : r.network();
                names.merge(key, r.network(), (x, y) -> x + " = " + y);
                byModel.putIfAbsent(key, r);
            }
        }
        return byModel.entrySet().stream().map(e -> e.getValue().renamed(names.get(e.getKey()), e.getValue().level(),
                e.getValue().trainEpochs())).toList();
    }

    static List<Pareto.Point> points(List<Row> rows, String method) {
        // level picks of random sampling are duplicates of networks already in the list; a diverged network
        // has no accuracy to place
        return rows.stream().filter(r -> r.method().equals(method) && !r.network().contains(" = ") && r.measured())
                .map(r -> new Pareto.Point(r.network(), r.macs(), r.quality())).toList();
    }

    private static String recipeText(SynthesisConfig sc) {
        var r = sc.prototypeTraining();
        return String.format(Locale.ROOT, "%s, %.2f epochs, batch %d, lr %.3g, weight decay %.1e, warm-up %.1f",
                r.optimizer(), r.epochs(), r.batchSize(), r.learningRate(), r.weightDecay(), r.warmupEpochs());
    }

    @JsonIgnore
    public List<Row> ferminets() {
        return rows.stream().filter(r -> r.method().equals("gensynth")).toList();
    }

    void write(Path dir) {
        try {
            AtomicFiles.write(dir.resolve("results.json"), Rows.JSON.writeValueAsBytes(this));
            AtomicFiles.writeString(dir.resolve("results.csv"), csv());
            AtomicFiles.writeString(dir.resolve("results.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table, its quality columns named after the metric ({@code top1_test}, {@code miou_test}). */
    public String csv() {
        String q = segmentation() ? "miou" : detection() ? "map50" : "top1";
        StringBuilder sb = new StringBuilder("network,method,level,source," + q + "_test," + q + "_validation,"
                + (segmentation() ? "pixel_accuracy_test," : "") + (detection() ? "coco_ap_test," : "") + "params,macs,"
                + "information_density,netscore,djl_latency_ms,ort_latency_ms,"
                + (detection() ? "inferences_per_joule," : "") + "meets_r,reasons,train_epochs,seconds\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,\"%s\",%s,%s,%s%d,%d,%s,%s,%s,%s,%s%s,\"%s\",%.3f,%.1f%n",
                    r.network(), r.method(), r.level(), r.source().replace("\"", "'"),
                    RunDir.csvNumber(r.quality(), "%.2f"), RunDir.csvNumber(r.validationQuality(), "%.2f"),
                    (segmentation() ? num(r.pixelAccuracy()) + "," : "") + (detection() ? num(r.cocoAp()) + "," : ""),
                    r.params(), r.macs(), RunDir.csvNumber(r.informationDensity(), "%.2f"),
                    RunDir.csvNumber(r.netScore(), "%.3f"), num(r.latencyMs()), num(r.onnxLatencyMs()),
                    detection() ? num(r.inferencesPerJoule()) + "," : "", r.met(),
                    String.join("; ", r.reasons()).replace("\"", "'"), r.trainEpochs(), r.seconds()));
        }
        return sb.toString();
    }

    static String num(Double d) {
        return d == null ? "" : RunDir.csvNumber(d, "%.3f");
    }

    /** Whether these are a segmentation benchmark's: rows carry pixel accuracy beside the mIoU. */
    @JsonIgnore
    public boolean segmentation() {
        return "mIoU".equals(metric);
    }

    /** Whether these are a detection benchmark's: rows carry COCO AP beside the mAP50, and inferences per joule. */
    @JsonIgnore
    public boolean detection() {
        return "mAP50".equals(metric);
    }

    /** The tables as Markdown: networks, ratios, hypervolumes and dominance, budget; figures in the task's metric. */
    public String markdown() {
        return ResultsMarkdown.of(this);
    }

    /** "yes", "-" for the FermiNets themselves, or "no: " and the networks of the method's front no FermiNet dominates. */
    public String dominanceText(String method) {
        return ResultsMarkdown.dominance(notDominatedByFermiNets.get(method));
    }

    String levelsText() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            l.add(SynthesisConfig.levelName(i) + " " + levels.get(i));
        }
        return String.join(", ", l);
    }
}
