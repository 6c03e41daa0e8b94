package dev.gensynth.cli;

import dev.gensynth.train.TrainListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress bar per training on stderr (ASCII when not on a terminal, so logs stay
 * readable) with loss, the training batches' share of hits (top-1, or pixel accuracy) and images/s, and one
 * log line per epoch with the task's metric on validation.
 */
public final class ConsoleProgress implements TrainListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
    private final String label;
    private final boolean logEpochs;
    private ProgressBar bar;
    private String network;
    private String trainingMetric = "top-1";
    private String validationMetric = "top-1";

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
    public void onMetrics(String training, String validation) {
        trainingMetric = training;
        validationMetric = validation;
    }

    @Override
    public void onStart(String net, long totalUpdates) {
        this.network = net;
        bar = builder(label, totalUpdates).build();
    }

    @Override
    public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
        bar.stepTo(update);
        bar.setExtraMessage(String.format(" loss %.3f %s %.1f%% %.0f img/s", loss, trainingMetric, top1,
                imagesPerSecond));
    }

    @Override
    public void onEpoch(int epoch, double trainLoss, double validationQuality) {
        if (logEpochs) {
            LOG.info("{} epoch {}: train loss {}, validation {} {}", network, epoch, String.format("%.4f", trainLoss),
                    validationMetric,
                    Double.isNaN(validationQuality) ? "n/a" : String.format("%.2f%%", validationQuality));
        }
    }

    @Override
    public void onEnd() {
        if (bar != null) {
            bar.close();
        }
    }
}
