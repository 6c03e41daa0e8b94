package dev.gensynth.benchmark;

import dev.gensynth.benchmark.Results.Noise;
import dev.gensynth.benchmark.Results.Ratio;
import dev.gensynth.benchmark.Results.SameTarget;
import dev.gensynth.benchmark.Results.Speed;
import dev.gensynth.synthesis.RunDir;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A benchmark's {@link Results} as Markdown (results.md and BENCHMARKS.md): one method per section. */
final class ResultsMarkdown {
    private ResultsMarkdown() {
    }

    /** The tables: networks, ratios, fronts, latency, noise, same target, fresh seeds, budget. */
    static String of(Results res) {
        StringBuilder sb = new StringBuilder();
        boolean seg = res.segmentation();
        boolean det = res.detection();
        networks(sb, res, seg, det);
        ratios(sb, res, seg, det);
        fronts(sb, res);
        dominance(sb, res);
        speed(sb, res);
        noise(sb, res);
        sameTarget(sb, res);
        fresh(sb, res);
        budget(sb, res);
        return sb.toString();
    }

    private static void networks(StringBuilder sb, Results res, boolean seg, boolean det) {
        sb.append(String.format(Locale.ROOT, "Dataset: %s. Recipe (references, prototype): %s. Utility: %s. "
                + "Prototype %s: %.2f%% validation / %.2f%% test %s%s. Levels (%s drop below the prototype, "
                + "points): %s.%n%n", res.dataset(), res.recipe(), res.utility(), res.prototype().network(),
                res.prototypeValidationQuality(), res.prototypeTestQuality(), res.metric(),
                seg ? " (pixel accuracy " + pct(res.prototype().pixelAccuracy()) + " %)" : "",
                res.metric(), res.levelsText()));
        sb.append("| network | method | level | source | " + res.metric() + " % | " + (seg ? "pixel acc % | " : "")
                + (det ? "COCO AP % | " : "") + "params | MACs | info density | NetScore | DJL ms | ORT ms | "
                + (det ? "inferences/J | " : "") + "r met | epochs |\n"
                + "|---|---|---|---|---:|" + (seg || det ? "---:|" : "") + "---:|---:|---:|---:|---:|---:|"
                + (det ? "---:|" : "") + "---|---:|\n");
        for (Row r : res.rows()) {
            String reasons = String.join("; ", r.reasons()).replace("|", "/");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s%,d | %,d | %s | %s | %s | %s%s | %s "
                    + "| %.2f |%n", r.network(), r.method(), r.level(), r.source().replace("|", "/"),
                    r.measured() ? String.format(Locale.ROOT, "%.2f", r.quality()) : reasons,
                    (seg ? pct(r.pixelAccuracy()) + " | " : "") + (det ? pct(r.cocoAp()) + " | " : ""), r.params(),
                    r.macs(), r.measured() ? String.format(Locale.ROOT, "%.1f", r.informationDensity()) : "-",
                    Double.isFinite(r.netScore()) ? String.format(Locale.ROOT, "%.2f", r.netScore()) : "-",
                    Results.num(r.latencyMs()), Results.num(r.onnxLatencyMs()),
                    det ? " | " + perJoule(r.inferencesPerJoule()) : "",
                    r.met() ? "yes" : "no: " + reasons, r.trainEpochs()));
        }
        sb.append("\nInformation density: " + res.metric() + " % per million params; NetScore with " + res.metric()
                + " as its "
                + "accuracy term. Latency: batch 1, median after warm-up; DJL "
                + "(PyTorch engine) and ONNX Runtime on the CPU above, every network timed again side by side when "
                + "this table was written (" + SideBySide.ROUNDS + " interleaved rounds, the median of its rounds"
                + (res.latencyRoundSpread() == null ? "" : String.format(Locale.ROOT, "; in ONNX Runtime one network's "
                        + "rounds differed by %.0f %% in the median, at most %.0f %%", 100 * res.latencyRoundSpread(),
                        100 * res.latencyRoundSpreadMax()))
                + "; networks carried without their weights ran with initial weights). r: the level's floor on the test split"
                + " (prototype test " + res.metric() + " minus the drop) and the run's other requirements; networks without"
                + " a level are judged at the loosest level. Quality (" + res.metric() + ") on the test split."
                + (det ? " COCO AP: AP@[.5:.95], 101 recall points, up to 100 detections per image. Inferences per"
                        + " joule: batch-1 DJL passes over the CPU's energy counter (Linux powercap) while the latency"
                        + " was timed; \"not available\" where the machine has none (never an estimate)." : "")
                + "\n\n");
    }

    private static void ratios(StringBuilder sb, Results res, boolean seg, boolean det) {
        sb.append("### FermiNets against the references\n\n| FermiNet | reference | info density × | MACs × fewer | "
                + "NetScore + | " + res.metric() + " ± points |" + (seg ? " on pixel acc: info density × | NetScore + "
                + "| pixel acc ± points |" : "") + "\n|---|---|---:|---:|---:|---:|" + (seg ? "---:|---:|---:|" : "")
                + "\n");
        for (Ratio x : res.ratios()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f× | %.2f× | %s | %+.2f |%s%n", x.ferminet(),
                    x.reference(), x.informationDensityRatio(), x.macsRatio(), Double.isFinite(x.netScoreDifference())
                            ? String.format(Locale.ROOT, "%+.2f", x.netScoreDifference()) : "-",
                    x.qualityDifference(), !seg ? "" : x.pixelAccuracyDifference() == null ? " - | - | - |"
                            : String.format(Locale.ROOT, " %.2f× | %+.2f | %+.2f |", x.pixelInformationDensityRatio(),
                                    x.pixelNetScoreDifference(), x.pixelAccuracyDifference())));
        }
        if (det || seg) {
            sb.append(det
                    ? "\nThe original work's margins (FermiNet-OD against DetectNet, on its own data): 61.0 against 61.8 %"
                            + " mAP, more than 10× the information density, more than 11× fewer MACs, NetScore more"
                            + " than +21, more than 4× the inferences per joule (on an embedded GPU).\n"
                    : "\nThe original work's margins (FermiNet-SS against RefineNet, on its own data): 90.4 against 90.3 %"
                            + " pixel accuracy, more than 12× the information density, about 2.6× fewer MACs, NetScore"
                            + " about +15.\n");
        }
    }

    /** The quality-vs-MACs fronts and, where latency was timed, the quality-vs-latency ones. */
    private static void fronts(StringBuilder sb, Results res) {
        sb.append(String.format(Locale.ROOT, "%n### Quality-vs-MACs fronts%n%nHypervolume in the plane (%s %%, "
                + "log10 MACs), reference point (0 %%, log10 %,d = prototype MACs); unit: points × decades; higher "
                + "is better. Test %s.%n%n", res.metric(), res.hypervolumeReferenceMacs(), res.metric()));
        frontTable(sb, res.hypervolume(), res.notDominatedByFermiNets());
        if (!res.latencyHypervolume().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n### Quality-vs-latency fronts%n%nHypervolume in the plane (%s "
                    + "%%, log10 ONNX Runtime batch-1 ms), reference point (0 %%, log10 %.3f ms = the prototype's). "
                    + "Test %s.%n%n", res.metric(), res.latencyReferenceMs(), res.metric()));
            frontTable(sb, res.latencyHypervolume(), res.notDominatedByLatency());
        }
    }

    private static void frontTable(StringBuilder sb, Map<String, Double> hypervolume,
            Map<String, List<String>> notDominated) {
        sb.append("| method | hypervolume | FermiNet front dominates it |\n|---|---:|---|\n");
        for (Map.Entry<String, Double> e : hypervolume.entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", e.getKey(), e.getValue(),
                    dominance(notDominated.get(e.getKey())).replace("|", "/")));
        }
    }

    /**
     * Each alternative judged as the acceptance does: its networks meeting the loosest level, matched within the noise
     * and strictly, and the most MACs the FermiNets save at equal quality on its front.
     */
    private static void dominance(StringBuilder sb, Results res) {
        if (res.dominance() == null || res.dominance().isEmpty()) {
            return; // none judged, or results written before the verdict was
        }
        double tie = res.tie();
        sb.append(String.format(Locale.ROOT, "%n### Does the FermiNet front dominate each alternative?%n%nAn "
                + "alternative's network is judged when it meets the loosest level on the test split (%s at least "
                + "%.2f %%, the prototype's minus %s). It is matched when a FermiNet has no more MACs and %s at least "
                + "its own minus %s, strictly when at least its own. MACs saved: anywhere on the alternative's whole "
                + "front, the most times fewer MACs a FermiNet needs for its %s (within the same tie), read off the "
                + "FermiNets made, never interpolated between them; the acceptance asks for %.1f×.%n%n"
                + "| method | networks meeting the floor | matched within the noise | matched strictly | MACs saved "
                + "at equal %s | where |%n|---|---:|---|---|---:|---|%n", res.metric(),
                res.dominance().get(0).floor(), res.levels().stream().mapToDouble(Double::doubleValue).max()
                        .orElse(Double.NaN), res.metric(), Double.isFinite(tie) ? String.format(Locale.ROOT,
                        "the tie threshold (%.2f points, see the noise below)", tie)
                        : "nothing (noise not measured: within the noise is strict here)", res.metric(),
                Results.Dominance.ADVANTAGE, res.metric()));
        for (Results.Dominance d : res.dominance()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", d.method(), d.judged(),
                    matched(d.judged(), d.leftWithinNoise()), matched(d.judged(), d.leftStrictly()),
                    Double.isFinite(d.macsAdvantage()) ? String.format(Locale.ROOT, "%.2f×", d.macsAdvantage()) : "-",
                    d.advantageAt() == null ? "no FermiNet reaches its quality" : d.advantageAt().replace("|", "/")));
        }
    }

    /** "all", "-" when none was judged, or "no: not " and the networks left unmatched. */
    static String matched(int judged, List<String> left) {
        return judged == 0 ? "-" : left.isEmpty() ? "all" : "no: not " + String.join(", ", left).replace("|", "/");
    }

    /** "yes", "-" for the FermiNets themselves (null), or "no: " and the networks no FermiNet dominates. */
    static String dominance(List<String> left) {
        if (left == null) {
            return "-";
        }
        return left.isEmpty() ? "yes" : "no: not " + String.join(", ", left);
    }

    private static void speed(StringBuilder sb, Results res) {
        if (!res.speed().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n### Latency against MACs%n%nEach FermiNet's ONNX Runtime batch-1 "
                    + "speed-up over the prototype (%.3f ms) beside its MACs reduction; the runtime's floor, the least "
                    + "network with the same input and output, takes %s ms. Verdict: follows MACs when the speed-up is at "
                    + "least %.1f of the reduction; at the floor where that would ask for less than the floor and the "
                    + "network is within %.1f× of it; the FermiNet of the level with the smallest drop, the least reduced, "
                    + "is only asked to be faster than the prototype. The smallest network the generator "
                    + "can make from the prototype (every channel group at its narrowest, every residual block it may "
                    + "leave out left out; the faster of its operators kept and every operator choice taken) takes %s "
                    + "ms, about what the prototype's depth allows.%n%n| FermiNet | MACs × fewer | "
                    + "ORT ms | speed-up × | share of the reduction | × the smallest G can make | verdict |%n"
                    + "|---|---:|---:|---:|---:|---:|---|%n",
                    res.latencyReferenceMs(), res.latencyFloorMs() == null ? "?"
                            : String.format(Locale.ROOT, "%.3f", res.latencyFloorMs()),
                    Speed.FOLLOWS, Speed.NEAR_FLOOR, res.smallestGeneratedMs() == null ? "?"
                            : String.format(Locale.ROOT, "%.3f", res.smallestGeneratedMs())));
            for (Speed x : res.speed()) {
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.3f | %.2f | %.2f | %s | %s |%n", x.ferminet(),
                        x.macsReduction(), x.ms(), x.speedup(), x.share(), Double.isFinite(x.overSmallest())
                                ? String.format(Locale.ROOT, "%.2f", x.overSmallest()) : "-", x.verdict()));
            }
        }
    }

    private static void noise(StringBuilder sb, Results res) {
        sb.append("\n### Noise: the same recipe over seeds\n\n");
        if (res.noise().isEmpty()) {
            sb.append("Not measured (noiseSeeds: 0); differences below are not judged against noise.\n");
        } else {
            sb.append("| network | test " + res.metric() + " % per seed | spread (sd, points) |\n|---|---|---:|\n");
            for (Noise n : res.noise()) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", n.network(), String.join(", ",
                        n.quality().stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList()),
                        RunDir.csvNumber(n.spread(), "%.2f")));
            }
            sb.append(Double.isFinite(res.tie()) ? String.format(Locale.ROOT, "%nA %s difference within %.2f points "
                    + "(twice the largest spread) is a tie.%n", res.metric(), res.tie())
                    : "\nNo spread could be measured.\n");
        }
    }

    private static void sameTarget(StringBuilder sb, Results res) {
        if (!res.sameTarget().isEmpty()) {
            sb.append("\n### Same target: each alternative beside the nearest FermiNet\n\n| network | " + res.metric()
                    + " % | MACs | ORT ms | FermiNet nearest in MACs | its MACs | " + res.metric() + " ± | verdict "
                    + "| FermiNet nearest in latency "
                    + "| its ms | " + res.metric() + " ± | verdict |\n"
                    + "|---|---:|---:|---:|---|---:|---:|---|---|---:|---:|---|\n");
            for (SameTarget t : res.sameTarget()) {
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %,d | %s | %s | %,d | %+.2f | %s | %s | %s | %s "
                        + "| %s |%n", t.network(), t.quality(), t.macs(), Results.num(t.onnxLatencyMs()), t.byMacs(),
                        t.byMacsMacs(), t.byMacsDifference(), t.byMacsVerdict(), t.byLatency() == null ? "-"
                                : t.byLatency(), Results.num(t.byLatencyMs()), t.byLatencyDifference() == null ? "-"
                                : String.format(Locale.ROOT, "%+.2f", t.byLatencyDifference()),
                        t.byLatencyVerdict() == null ? "-" : t.byLatencyVerdict()));
            }
        }
    }

    private static void fresh(StringBuilder sb, Results res) {
        if (!res.fresh().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n### r for every seed: the run's generator on fresh seeds%n%n"
                    + "%d networks of the run's own generator, each from a seed the synthesis never used, fine-tuned "
                    + "as `gensynth generate` does and judged against the run's requirement on the test split (%s "
                    + "at least the prototype's minus %s points, and its other bounds). Not part of the fronts or the "
                    + "budget. %s.%n%n| network | %s %% | MACs | ORT ms | r met | epochs |%n"
                    + "|---|---:|---:|---:|---|---:|%n", res.fresh().size(), res.metric(),
                    res.levels().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    res.freshOutcome(), res.metric()));
            for (Row r : res.fresh()) {
                String reasons = String.join("; ", r.reasons()).replace("|", "/");
                sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %.2f |%n", r.network(),
                        r.measured() ? String.format(Locale.ROOT, "%.2f", r.quality()) : reasons, r.macs(),
                        Results.num(r.onnxLatencyMs()), r.met() ? "yes" : "no: " + reasons, r.trainEpochs()));
            }
        }
    }

    private static void budget(StringBuilder sb, Results res) {
        sb.append(String.format(Locale.ROOT, "%n### Training budget (full passes over the training split)%n%n"
                + "Prototype training P = %.2f (shared by the methods that start from the trained prototype). "
                + "Synthesis fine-tuning %.2f + FermiNet final fine-tuning %.2f = B = %.2f. Alternatives, each at "
                + "most: L1 pruning fine-tunes its distinct networks (levels matched to the same keep ratio share one) "
                + "B shared among them; random sampling fine-tunes each of its N networks B/N; width scaling trains "
                + "its distinct networks from scratch, P + B shared among them. A network's share is a cap: one "
                + "schedule of all of it with its best epoch on validation kept, or, where the validation split has "
                + "fewer than %d images (the trainer then keeps the last epoch), the best on validation of full "
                + "schedules of 1, 2, 4 and 8 fifteenths of it, doubling while validation improves.%n%n"
                + "| method | epochs spent"
                + " |%n|---|---:|%n", res.budget().prototypeEpochs(), res.budget().synthesisEpochs(),
                res.budget().ferminetFinetuneEpochs(), res.budget().totalB(),
                dev.gensynth.train.Trainer.SELECTION_MIN_IMAGES));
        for (Map.Entry<String, Double> e : res.budget().methodEpochs().entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), e.getValue()));
        }
    }

    /** Inferences per joule, or that the machine has no energy counter. */
    private static String perJoule(Double d) {
        return d == null ? "not available" : String.format(Locale.ROOT, "%.1f", d);
    }

    private static String pct(Double d) {
        return d == null || !Double.isFinite(d) ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }
}
