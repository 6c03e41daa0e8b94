package dev.gensynth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.UserError;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.inquisitor.InquisitorState;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.synthesis.RunDir;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Java side of {@code bench/kill_drill.sh}.
 * <pre>
 *   subset --from DIR --train N --test M --out DIR
 *       the first N training and M test images (and labels) of an MNIST-layout directory, as raw IDX
 *   check --run DIR
 *       whether a run directory that went through kills is whole: one "PASS name: detail" or
 *       "FAIL name: detail" line per check; exit code 1 when any fails
 * </pre>
 */
public final class KillDrill {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KillDrill() {
    }

    static final String USAGE = "KillDrill subset --from DIR --train N --test M --out DIR | check --run DIR";

    public static void main(String[] args) {
        BenchCli.exit(run(System.err, args));
    }

    /** The whole main, with its user errors as one line on {@code err}; returns the exit code. */
    static int run(java.io.PrintStream err, String... args) {
        return BenchCli.run("KillDrill", err, () -> drill(args));
    }

    private static int drill(String[] args) throws Exception {
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        String command = a.next();
        Map<String, String> o = new HashMap<>();
        Set<String> known = "subset".equals(command) ? Set.of("--from", "--train", "--test", "--out")
                : "check".equals(command) ? Set.of("--run") : null;
        if (known == null) {
            throw a.error(command == null ? "no command given" : "unknown command '" + command + "'");
        }
        for (String opt = a.next(); opt != null; opt = a.next()) {
            if (!known.contains(opt)) {
                throw a.error("unknown option '" + opt + "' for " + command);
            }
            o.put(opt, opt.equals("--train") || opt.equals("--test") ? String.valueOf(a.intValue(opt, 1))
                    : a.value(opt));
        }
        for (String opt : known) {
            if (!o.containsKey(opt)) {
                throw a.error(command + " needs " + opt);
            }
        }
        if (command.equals("subset")) {
            subset(Path.of(o.get("--from")), Integer.parseInt(o.get("--train")), Integer.parseInt(o.get("--test")),
                    Path.of(o.get("--out")));
            return 0;
        }
        Path run = Path.of(o.get("--run"));
        if (!Files.isRegularFile(run.resolve("progress.json"))) {
            throw new UserError("run directory " + run + " has no progress.json — give --run the directory of a "
                    + "synthesis that has committed a checkpoint");
        }
        try {
            return check(run) ? 0 : 1;
        } catch (java.io.IOException | RuntimeException e) {
            // the run is damaged in a way no check foresaw (a file gone, unreadable): the drill fails, in one line
            String why = (e instanceof UserError ? "" : e.getClass().getSimpleName() + ": ")
                    + BenchCli.oneLine(e.getMessage());
            System.out.println("FAIL whole run: the checks stopped at " + why);
            System.err.println("KillDrill: the checks of " + run + " stopped: " + why + " — the run directory is not "
                    + "whole after the kills; see the FAIL lines");
            return 1;
        }
    }

    static void subset(Path from, int train, int test, Path out) throws Exception {
        for (String split : List.of("train", "t10k")) {
            for (String kind : List.of("images-idx3", "labels-idx1")) {
                Path f = from.resolve(split + "-" + kind + "-ubyte.gz");
                if (!Files.isRegularFile(f)) {
                    throw new UserError(f + " does not exist — pass --from a directory with Fashion-MNIST's four .gz "
                            + "files (apt-get install dataset-fashion-mnist puts them in /usr/share/datasets/"
                            + "fashion-mnist)");
                }
            }
        }
        Files.createDirectories(out);
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? train : test;
            copyHead(from.resolve(split + "-images-idx3-ubyte.gz"), out.resolve(split + "-images-idx3-ubyte"), 16,
                    28 * 28, n);
            copyHead(from.resolve(split + "-labels-idx1-ubyte.gz"), out.resolve(split + "-labels-idx1-ubyte"), 8, 1, n);
        }
    }

    /** The header with its count set to {@code n}, then the first {@code n} records. */
    private static void copyHead(Path in, Path out, int header, int recordBytes, int n) throws Exception {
        byte[] all;
        try (var z = new java.util.zip.GZIPInputStream(Files.newInputStream(in))) {
            all = z.readAllBytes();
        }
        int have = all.length < header ? 0 : (all.length - header) / recordBytes;
        if (n > have) {
            throw new UserError(in + " has " + have + " records, not the " + n + " asked for — ask for at most " + have);
        }
        byte[] head = Arrays.copyOf(all, header + n * recordBytes);
        ByteBuffer.wrap(head).putInt(4, n);
        Files.write(out, head);
    }

    private static boolean ok = true;

    private static void report(boolean pass, String name, String detail) {
        ok &= pass;
        System.out.println((pass ? "PASS " : "FAIL ") + name + ": " + detail);
    }

    static boolean check(Path dir) throws Exception {
        RunDir run = new RunDir(dir);
        RunDir.Progress p = run.progress().orElseThrow();
        report(p.done(), "finished", "progress.json: " + p.cycles() + " cycles, done=" + p.done() + " ("
                + p.stopReason() + ")");

        // cycles/ holds exactly cycles 1..N, and candidates.csv every candidate of each exactly once
        List<RunDir.CycleSummary> cycles = run.cycles();
        List<String> cycleFiles = list(dir.resolve("cycles"));
        List<String> expected = new ArrayList<>();
        for (int c = 1; c <= p.cycles(); c++) {
            expected.add(String.format("cycle-%03d.json", c));
        }
        report(cycleFiles.equals(expected), "cycle files", cycleFiles.size() + " files for " + p.cycles()
                + " cycles" + (cycleFiles.equals(expected) ? "" : ": " + cycleFiles));
        Map<String, Long> csv = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("candidates.csv"));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", 4);
            csv.merge(f[0] + "/" + f[1] + "/" + f[2], 1L, Long::sum);
        }
        int wanted = 0;
        List<String> wrong = new ArrayList<>();
        for (RunDir.CycleSummary s : cycles) {
            for (CandidateRecord r : s.candidates()) {
                wanted++;
                long n = csv.getOrDefault(r.cycle() + "/" + r.index() + "/" + r.seed(), 0L);
                if (n != 1) {
                    wrong.add("cycle " + r.cycle() + " candidate " + r.index() + " x" + n);
                }
            }
        }
        report(wrong.isEmpty() && lines.size() - 1 == wanted, "candidates.csv", (lines.size() - 1) + " rows, "
                + wanted + " candidates in " + cycles.size() + " cycle files, each once" + (wrong.isEmpty() ? ""
                        : "; not once: " + wrong));

        // the state progress.json names is the only one, and is the state after its last cycle
        Path state = run.stateDir();
        List<String> states = list(dir).stream().filter(n -> n.startsWith("state")).toList();
        GeneratorState g = run.generatorState();
        InquisitorState i = run.inquisitorState();
        RunDir.CycleSummary last = cycles.isEmpty() ? null : cycles.get(cycles.size() - 1);
        boolean agree = states.equals(List.of(state.getFileName().toString())) && g.version() == p.cycles()
                && (last == null || (i.parentUtility() == last.bestUtility() && i.parentQuality() == last.bestQuality()));
        report(agree, "progress.json and state agree", "state " + state.getFileName() + " (state dirs: " + states
                + "), generator version " + g.version() + " = cycles " + p.cycles() + ", parent U " + i.parentUtility()
                + " = last cycle's " + (last == null ? "-" : last.bestUtility()));
        double epochs = cycles.stream().mapToDouble(RunDir.CycleSummary::finetuneEpochs).sum();
        report(Math.abs(epochs - p.finetuneEpochs()) < 1e-6, "fine-tuning accounted", String.format(Locale.ROOT,
                "progress.json %.3f epochs, cycle files %.3f", p.finetuneEpochs(), epochs));

        // nothing left of an interrupted write
        List<String> leftovers;
        try (Stream<Path> s = Files.walk(dir)) {
            leftovers = s.map(x -> dir.relativize(x).toString())
                    .filter(n -> n.endsWith(".tmp") || n.endsWith(".old")).toList();
        }
        report(leftovers.isEmpty(), "no leftovers", leftovers.isEmpty() ? "no .tmp or .old" : leftovers.toString());

        // best/ is the state's parent
        ModelDir best = new ModelDir(run.bestDir());
        NetworkSpec bs = best.spec();
        Weights bw = best.weights(bs);
        Metrics bm = best.metrics().orElseThrow();
        boolean same = SpecIO.toJson(bs).equals(SpecIO.toJson(g.parent())) && sameWeights(bw, g.parentWeights())
                && bm.top1() != null && bm.top1() == i.parentQuality();
        report(same, "best/ is the current parent", bs.name() + ", " + bm.macs() + " MACs, " + bm.top1()
                + " % validation");

        // a kept parent for every cycle that adopted one, and none for the others
        List<String> parentsWrong = new ArrayList<>();
        int adopted = 0;
        for (RunDir.CycleSummary s : cycles) {
            Path pd = run.parentDir(s.cycle());
            if (s.improved()) {
                adopted++;
                try {
                    ModelDir m = new ModelDir(pd);
                    m.weights(m.spec());
                } catch (RuntimeException e) {
                    parentsWrong.add(pd.getFileName() + " " + e.getMessage());
                }
            } else if (Files.exists(pd)) {
                parentsWrong.add(pd.getFileName() + " should not exist");
            }
        }
        report(parentsWrong.isEmpty(), "parents/", adopted + " adopted parents kept" + (parentsWrong.isEmpty() ? ""
                : "; " + parentsWrong));

        GeneratorState fin = RunDir.loadGenerator(dir.resolve("generator"));
        report(fin.version() == p.cycles() + 1 && SpecIO.toJson(fin.parent()).equals(SpecIO.toJson(g.parent())),
                "generator/", "learned generator loads, version " + fin.version());
        JsonNode prototype = JSON.readTree(dir.resolve("prototype/prototype.json").toFile());
        report(prototype.has("testQuality"), "prototype/", "prototype.json: " + prototype.path("testQuality").asDouble()
                + " % test");
        return ok;
    }

    private static boolean sameWeights(Weights a, Weights b) {
        if (!a.tensors().keySet().equals(b.tensors().keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : a.tensors().entrySet()) {
            Tensor t = b.tensors().get(e.getKey());
            if (!Arrays.equals(e.getValue().shape(), t.shape()) || !Arrays.equals(e.getValue().data(), t.data())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> list(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }
}
