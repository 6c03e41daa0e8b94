package dev.gensynth.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny synthesis run directory written by hand, with the shapes the real one has (no training). */
final class FakeRun {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Shape IN = Shape.of(1, 28, 28);

    private FakeRun() {
    }

    /** Writes a run with {@code cycles} finished cycles of two candidates each, and two generated networks. */
    static List<String> write(Path run, int cycles, boolean generated) throws Exception {
        Files.createDirectories(run);
        Files.writeString(run.resolve("run.yaml"), """
                name: fake
                prototype: {arch: resnet, width: 0.5}
                requirements: {maxTop1Drop: 1.0}
                budget: {cycles: 4, candidates: 2, finetuneEpochs: 0.1}
                """);
        NetworkSpec proto = Zoo.get("resnet", IN, 10, 0.5);
        model(run.resolve("prototype"), proto, 90.0);
        // named as runs from before the task's metric was named wrote it: the report reads both
        Files.writeString(run.resolve("prototype/prototype.json"),
                "{\"validationTop1\":90.5,\"testTop1\":90.0,\"trainingEpochs\":1.0,\"trainingSeconds\":12.0}");
        model(run.resolve("best"), Zoo.get("resnet", IN, 10, 0.375).withName("resnet_x0.5-s7"), 89.9);
        List<String> names = new ArrayList<>();
        Files.createDirectories(run.resolve("cycles"));
        for (int c = 1; c <= cycles; c++) {
            List<CandidateRecord> recs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                boolean met = i == 0;
                String n = "resnet_x0.5-s" + (c * 10 + i);
                names.add(n);
                recs.add(new CandidateRecord(c, i, c * 10 + i, n, List.of(8, 8 - c, 16), 50_000 - c * 5000L,
                        2_000_000 - c * 300_000L - i * 100_000L, met ? 90.0 - c * 0.1 : 85.0 + i, Double.NaN, met,
                        met ? List.of() : List.of("top-1 85.00% < 89.50% required (prototype 90.50% - 1.0) & <x>"),
                        80 + c, 0.1, 1.5, met, List.of(), null));
            }
            RunDir.CycleSummary s = new RunDir.CycleSummary(c, 80 + c, 2_000_000 - c * 300_000L, 90.0 - c * 0.1, 1, 2,
                    0.7, true, 0.2, 3.0, recs);
            Files.write(run.resolve("cycles").resolve(String.format("cycle-%03d.json", c)), JSON.writeValueAsBytes(s));
        }
        Files.writeString(run.resolve("progress.json"), String.format(
                "{\"cycles\":%d,\"finetuneEpochs\":%.1f,\"seconds\":30.0,\"stopReason\":null,\"done\":false}",
                cycles, 0.2 * cycles));
        if (generated) {
            ArrayNode arr = JSON.createArrayNode();
            for (int s = 100; s <= 101; s++) {
                NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25).withName("resnet_x0.5-s" + s);
                Path d = run.resolve("generated/seed-" + s);
                Metrics m = model(d, spec, 89.0 + s - 100);
                ObjectNode g = arr.addObject();
                g.put("seed", s);
                g.put("network", spec.name());
                g.put("modelDir", d.toUri().toString());
                g.set("metrics", JSON.valueToTree(m));
                g.put("met", s == 101);
                g.putArray("reasons");
                if (s == 100) {
                    ((ArrayNode) g.get("reasons")).add("top-1 89.00% < 89.50% required");
                }
                g.put("utility", m.netScore());
                g.put("finetuneEpochs", 0.5);
                g.put("seconds", 4.0);
                names.add(spec.name());
            }
            Files.write(run.resolve("generated/generated.json"), JSON.writeValueAsBytes(arr));
        }
        return names;
    }

    static Metrics model(Path dir, NetworkSpec spec, double top1) throws Exception {
        Files.createDirectories(dir);
        SpecIO.write(spec, dir.resolve("spec.json"));
        Metrics m = Metrics.fromCost(spec.name(), Cost.of(spec)).withAccuracy(top1, "test").withLatency(1.5, 2);
        Files.write(dir.resolve("metrics.json"), JSON.writeValueAsBytes(m));
        return m;
    }
}
