package io.github.finegrain.cli;

import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.StageSpec;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a progress bar per stage (me.tongfei:progressbar) on a terminal; plain lines when the
 * output is not a terminal (a file, a pipe, CI).
 */
final class StageProgressBar implements MultiResolutionTrainer.Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private ProgressBar bar;

    StageProgressBar(PrintWriter out) {
        this.out = out;
        this.terminal = System.console() != null;
    }

    @Override
    public void stageStarted(int stage, StageSpec spec, int maxSteps) {
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("stage " + stage + " " + spec.label()).setInitialMax(maxSteps)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        } else {
            out.println("  stage " + stage + " " + spec.label() + " ...");
            out.flush();
        }
    }

    @Override
    public void step(int stage, int step, double minibatchLoss) {
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(java.util.Locale.ROOT, " loss %.4f", minibatchLoss));
        }
    }

    @Override
    public void stageEnded(StageRecord record) {
        if (bar != null) {
            bar.maxHint(record.iterations());
            bar.stepTo(record.iterations());
            bar.close();
            bar = null;
        }
    }
}
