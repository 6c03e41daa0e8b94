package dev.gensynth.benchmark;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gensynth.analysis.Pareto;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.AtomicFiles;
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
 * @param provenance how the results were made (machine, versions, threads, kernels, date), with the
 *     seed and config hash of the synthesis run every method's networks derive from
 */
public record Results(String name, String dataset, String recipe, String requirements, String utility,
        List<Double> levels, Provenance provenance, Metrics prototype, double prototypeValidationTop1,
        double prototypeTestTop1, String runDir, List<Row> rows, Budget budget, List<Ratio> ratios,
        Map<String, Double> hypervolume, Map<String, List<String>> notDominatedByFermiNets,
        long hypervolumeReferenceMacs) {

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

    /** A FermiNet against a reference: information density ×, MACs × fewer, NetScore + points. */
    public record Ratio(String ferminet, String reference, double informationDensityRatio, double macsRatio,
            double netScoreDifference, double top1Difference) {
    }

    static final List<String> METHODS = List.of("gensynth", "reference", "width", "l1-prune", "random");

    static Results of(BenchmarkConfig cfg, SynthesisConfig sc, Metrics proto, double protoVal, double protoTest,
            Path runDir, List<Row> rows, Budget budget) {
        List<Ratio> ratios = new ArrayList<>();
        for (Row f : rows) {
            if (!f.method().equals("gensynth") || !f.measured()) {
                continue;
            }
            for (Row r : rows) {
                if (r.method().equals("reference") && r.measured()) {
                    ratios.add(new Ratio(f.network(), r.network(), f.informationDensity() / r.informationDensity(),
                            (double) r.macs() / f.macs(), f.netScore() - r.netScore(), f.top1() - r.top1()));
                }
            }
        }
        Map<String, Double> hv = new LinkedHashMap<>();
        Map<String, List<String>> dom = new LinkedHashMap<>();
        List<Pareto.Point> fermi = points(rows, "gensynth");
        for (String m : METHODS) {
            List<Pareto.Point> pts = points(rows, m);
            if (pts.isEmpty()) {
                continue;
            }
            hv.put(m, Pareto.hypervolume(pts, proto.macs()));
            if (!m.equals("gensynth")) {
                dom.put(m, Pareto.undominated(fermi, Pareto.front(pts)).stream().map(p -> String.format(Locale.ROOT,
                        "%s (%.2f %%, %,d MACs)", p.name(), p.top1(), p.macs())).toList());
            }
        }
        Provenance provenance;
        try {
            provenance = Provenance.current().forRun(sc.seed(), Files.readString(runDir.resolve("run.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Results(cfg.name(), sc.data().kind(), recipeText(sc), sc.requirements().toString(),
                sc.utility().name(), cfg.levels(), provenance, proto, protoVal, protoTest, runDir.toString(), rows,
                budget, ratios, hv, dom, proto.macs());
    }

    static List<Pareto.Point> points(List<Row> rows, String method) {
        // level picks of random sampling are duplicates of networks already in the list; a diverged network
        // has no accuracy to place
        return rows.stream().filter(r -> r.method().equals(method) && !r.network().contains(" = ") && r.measured())
                .map(r -> new Pareto.Point(r.network(), r.macs(), r.top1())).toList();
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

    public String csv() {
        StringBuilder sb = new StringBuilder("network,method,level,source,top1_test,top1_validation,params,macs,"
                + "information_density,netscore,djl_latency_ms,ort_latency_ms,meets_r,reasons,train_epochs,seconds\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,\"%s\",%s,%s,%d,%d,%s,%s,%s,%s,%s,\"%s\",%.3f,%.1f%n",
                    r.network(), r.method(), r.level(), r.source().replace("\"", "'"),
                    RunDir.csvNumber(r.top1(), "%.2f"), RunDir.csvNumber(r.top1Validation(), "%.2f"), r.params(),
                    r.macs(), RunDir.csvNumber(r.informationDensity(), "%.2f"), RunDir.csvNumber(r.netScore(), "%.3f"),
                    num(r.latencyMs()),
                    num(r.onnxLatencyMs()), r.met(), String.join("; ", r.reasons()).replace("\"", "'"),
                    r.trainEpochs(), r.seconds()));
        }
        return sb.toString();
    }

    private static String num(Double d) {
        return d == null ? "" : RunDir.csvNumber(d, "%.3f");
    }

    /** The tables as Markdown: networks, ratios, hypervolumes and dominance, budget. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Dataset: %s. Recipe (references, prototype): %s. Utility: %s. "
                + "Prototype %s: %.2f%% validation / %.2f%% test top-1. Levels (top-1 drop below the prototype, "
                + "points): %s.%n%n", dataset, recipe, utility, prototype.network(), prototypeValidationTop1,
                prototypeTestTop1, levelsText()));
        sb.append("| network | method | level | source | top-1 % | params | MACs | info density | NetScore | DJL ms "
                + "| ORT ms | r met | epochs |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Row r : rows) {
            String reasons = String.join("; ", r.reasons()).replace("|", "/");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %,d | %s | %s | %s | %s | %s "
                    + "| %.2f |%n", r.network(), r.method(), r.level(), r.source().replace("|", "/"),
                    r.measured() ? String.format(Locale.ROOT, "%.2f", r.top1()) : reasons, r.params(), r.macs(),
                    r.measured() ? String.format(Locale.ROOT, "%.1f", r.informationDensity()) : "-",
                    r.measured() ? String.format(Locale.ROOT, "%.2f", r.netScore()) : "-", num(r.latencyMs()),
                    num(r.onnxLatencyMs()), r.met() ? "yes" : "no: " + reasons, r.trainEpochs()));
        }
        sb.append("\nInformation density: top-1 % per million params. Latency: batch 1, median after warm-up; DJL "
                + "(PyTorch engine) and ONNX Runtime on the CPU above. r: the level's accuracy floor on the test split"
                + " (prototype test top-1 minus the drop) and the run's other requirements; networks without a level "
                + "are judged at the loosest level. Top-1 on the test split.\n\n");
        sb.append("### FermiNets against the references\n\n| FermiNet | reference | info density × | MACs × fewer | "
                + "NetScore + | top-1 ± points |\n|---|---|---:|---:|---:|---:|\n");
        for (Ratio x : ratios) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f× | %.2f× | %+.2f | %+.2f |%n", x.ferminet(),
                    x.reference(), x.informationDensityRatio(), x.macsRatio(), x.netScoreDifference(),
                    x.top1Difference()));
        }
        sb.append(String.format(Locale.ROOT, "%n### Accuracy-vs-MACs fronts%n%nHypervolume in the plane (top-1 %%, "
                + "log10 MACs), reference point (0 %%, log10 %,d = prototype MACs); unit: points × decades; higher "
                + "is better. Test top-1.%n%n| method | hypervolume | FermiNet front dominates it |%n|---|---:|---|%n",
                hypervolumeReferenceMacs));
        for (Map.Entry<String, Double> e : hypervolume.entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", e.getKey(), e.getValue(),
                    dominanceText(e.getKey()).replace("|", "/")));
        }
        sb.append(String.format(Locale.ROOT, "%n### Training budget (full passes over the training split)%n%n"
                + "Prototype training P = %.2f (shared by the methods that start from the trained prototype). "
                + "Synthesis fine-tuning %.2f + FermiNet final fine-tuning %.2f = B = %.2f. Alternatives: L1 pruning "
                + "fine-tunes each of its %d networks B/%d; random sampling fine-tunes each of its networks B/N; "
                + "width scaling trains each of its %d networks from scratch for (P + B)/%d, P + B in all.%n%n"
                + "| method | epochs spent"
                + " |%n|---|---:|%n", budget.prototypeEpochs(), budget.synthesisEpochs(),
                budget.ferminetFinetuneEpochs(), budget.totalB(), levels.size(), levels.size(), levels.size(),
                levels.size()));
        for (Map.Entry<String, Double> e : budget.methodEpochs().entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }

    /** "yes", "-" for the FermiNets themselves, or "no: " and the networks of the method's front no FermiNet dominates. */
    public String dominanceText(String method) {
        List<String> left = notDominatedByFermiNets.get(method);
        if (left == null) {
            return "-";
        }
        return left.isEmpty() ? "yes" : "no: not " + String.join(", ", left);
    }

    String levelsText() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            l.add(BenchmarkConfig.levelName(i) + " " + levels.get(i));
        }
        return String.join(", ", l);
    }
}
