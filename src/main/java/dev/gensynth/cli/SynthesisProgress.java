package dev.gensynth.cli;

import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.metrics.Memory;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisListener;
import dev.gensynth.train.TrainListener;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Console view of a synthesis: a bar per cycle (over candidates), a bar per candidate, a line per cycle. */
final class SynthesisProgress implements SynthesisListener {
    private static final Logger LOG = LoggerFactory.getLogger("gensynth");
    private ProgressBar cycleBar;
    private String metric = "top-1";

    @Override
    public TrainListener prototypeTraining(String network) {
        return new ConsoleProgress("prototype " + network, true);
    }

    @Override
    public void onCycleStart(int cycle, int candidates) {
        cycleBar = ConsoleProgress.builder("cycle " + cycle, candidates).build();
    }

    @Override
    public TrainListener training(int cycle, int index, String network) {
        return new ConsoleProgress("  candidate " + (index + 1), false);
    }

    @Override
    public void onMetric(String name) {
        metric = name;
    }

    @Override
    public void onCandidate(CandidateRecord c) {
        String verdict = c.met() ? "meets r" : "rejected: " + String.join("; ", c.reasons());
        LOG.info(c.measured()
                ? String.format("  cycle %d candidate %d (seed %d): %s %.2f%%, %,d MACs, %,d params, U %.2f, %s",
                        c.cycle(), c.index() + 1, c.seed(), metric, c.quality(), c.macs(), c.params(), c.utility(), verdict)
                : String.format("  cycle %d candidate %d (seed %d): %,d MACs, %,d params, %s", c.cycle(),
                        c.index() + 1, c.seed(), c.macs(), c.params(), verdict));
        if (cycleBar != null) {
            cycleBar.step();
        }
    }

    @Override
    public void onRepeat(int cycle, int index, int draws) {
        LOG.info(String.format("  cycle %d candidate %d: left out, each of its %d seeds drew an architecture already "
                + "judged from this parent", cycle, index + 1, draws));
        if (cycleBar != null) {
            cycleBar.step();
        }
    }

    @Override
    public void onCycleEnd(RunDir.CycleSummary s) {
        if (cycleBar != null) {
            cycleBar.close();
        }
        LOG.info(String.format("cycle %d: best U %.2f, %d/%d feasible, best %,d MACs at %.2f%% %s%s; next push %.2f;"
                + " RSS %.0f MB", s.cycle(), s.bestUtility(), s.feasible(), s.probed(), s.bestMacs(), s.bestQuality(), metric,
                s.improved() ? " (new parent)" : " (parent kept)", s.push(), Memory.residentBytes() / 1e6));
    }

    @Override
    public void onMessage(String message) {
        if (message.startsWith("prototype ") || message.startsWith("synthesis stopped")) {
            message = message + String.format(" (RSS %.0f MB)", Memory.residentBytes() / 1e6);
        }
        LOG.info(message);
    }
}
