package dev.gensynth.cli;

import dev.gensynth.train.TrainListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress bar per training on stderr (ASCII when not on a terminal, so logs stay
 * readable) with loss, training top-1 and images/s, and one log line per epoch.
 */
public final class ConsoleProgress implements TrainListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
    private final String label;
    private final boolean logEpochs;
    private ProgressBar bar;
    private String network;

    public ConsoleProgress(String label, boolean logEpochs) {
        this.label = label;
        this.logEpochs = logEpochs;
    }

    static ProgressBarBuilder builder(String task, long total) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(System.console() == null ? ProgressBarStyle.ASCII : ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(System.console() == null ? 5000 : 300).continuousUpdate();
    }

    @Override
    public void onStart(String net, long totalUpdates) {
        this.network = net;
        bar = builder(label, totalUpdates).build();
    }

    @Override
    public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
        bar.stepTo(update);
        bar.setExtraMessage(String.format(" loss %.3f top-1 %.1f%% %.0f img/s", loss, top1, imagesPerSecond));
    }

    @Override
    public void onEpoch(int epoch, double trainLoss, double validationTop1) {
        if (logEpochs) {
            LOG.info("{} epoch {}: train loss {}, validation top-1 {}", network, epoch,
                    String.format("%.4f", trainLoss),
                    Double.isNaN(validationTop1) ? "n/a" : String.format("%.2f%%", validationTop1));
        }
    }

    @Override
    public void onEnd() {
        if (bar != null) {
            bar.close();
        }
    }
}
