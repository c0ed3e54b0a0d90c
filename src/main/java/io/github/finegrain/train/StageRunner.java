package io.github.finegrain.train;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs one stage of a multi-resolution run: minibatches from the run's stream through the stage's
 * {@link TrainingStep}, the validation schedule, the stage's {@link FineGrainRule}, divergence checks, and the
 * stage's best-validation parameters, which the network holds when {@link #run} returns. It performs no swap and
 * writes no checkpoint itself: at the end of a minibatch that completed a listener window (the window is then empty,
 * so nothing of the listener needs saving) it asks the trainer's {@link Checkpoints} whether a mid-stage checkpoint
 * is due and hands it the stage's state ({@link RunCheckpoint.MidStage}); {@link #run} can continue a stage from
 * such a state.
 *
 * <p>Per minibatch, in this order: one step; the listener's reading; a validation when the step count is a multiple
 * of {@code validationEvery} (keeping the parameters if they are the stage's best); the divergence checks; the rule,
 * {@code maxStepsPerStage} and the time budget; a validation of the stage's last minibatch if it was not validated;
 * one {@link TraceRow}.
 *
 * <p>Divergence ends the stage at once (issue 14 item 5) with the end reason {@code diverged: …}: a non-finite
 * minibatch loss, a minibatch loss above {@value #DIVERGENCE_FACTOR} × the stage's starting validation loss, a
 * non-finite validation loss, or a non-finite parameter (checked at every validation by one sum over the
 * parameters, not every minibatch: a pass over a finest full-rank F costs as much as a dense update; a non-finite
 * parameter a minibatch touches shows in its loss at once). The network then gets the best-validation parameters seen before, the last good ones validated.
 */
final class StageRunner {
    /** A minibatch loss above this many times the stage's starting validation loss is divergence. */
    static final double DIVERGENCE_FACTOR = 10;

    /**
     * How a stage went.
     *
     * @param steps             minibatches trained
     * @param endReason         see {@link StageRecord#endReason()}
     * @param startLoss         validation log loss before the first minibatch
     * @param bestLoss          the best validation log loss (the parameters the network holds now)
     * @param bestStep          the step of the best parameters (0: the start)
     * @param stepSeconds       seconds in minibatch steps
     * @param validationSeconds seconds in validation
     */
    record Outcome(int steps, String endReason, double startLoss, double bestLoss, int bestStep, double stepSeconds,
            double validationSeconds) {
        boolean diverged() {
            return endReason.startsWith("diverged");
        }
    }

    /** The trainer's mid-stage checkpoints. */
    interface Checkpoints {
        /** Whether a mid-stage checkpoint is due now. */
        boolean due();

        /**
         * Saves the stage in progress: the step's network holds the current parameters.
         *
         * @param state     the stage's state
         * @param stageBest the stage's best parameters when they are not the network's (else null); not modified
         * @param iteration minibatches trained in the run so far
         */
        void save(RunCheckpoint.MidStage state, INDArray stageBest, int iteration) throws java.io.IOException;
    }

    /**
     * A stage continued from a mid-stage checkpoint.
     *
     * @param state     the saved state
     * @param stageBest the saved best parameters, or null when they are the network's current ones (then copied)
     */
    record Resume(RunCheckpoint.MidStage state, INDArray stageBest) {
    }

    private final MultiResolutionOptions options;
    private final MinibatchStream stream;
    private final SpatialEntropyListener listener;
    private final DataSet val;
    private final byte[] valLabels;
    private final MultiResolutionTrainer.Progress progress;
    private final long t0;
    private final List<TraceRow> trace;

    /**
     * @param t0    {@link System#nanoTime()} of the run's start (the time budget and the trace's seconds count from
     *              it)
     * @param trace the run's trace; each minibatch appends one row
     */
    StageRunner(MultiResolutionOptions options, MinibatchStream stream, SpatialEntropyListener listener, DataSet val,
            byte[] valLabels, MultiResolutionTrainer.Progress progress, long t0, List<TraceRow> trace) {
        this.options = options;
        this.stream = stream;
        this.listener = listener;
        this.val = val;
        this.valLabels = valLabels;
        this.progress = progress;
        this.t0 = t0;
        this.trace = trace;
    }

    /**
     * Trains stage {@code s} until its rule, {@code maxStepsPerStage}, the time budget or divergence ends it; the
     * step's network then holds the stage's best-validation parameters.
     *
     * @param s          stage index
     * @param stage      the stage
     * @param nextEvent  the trace event of a regular end: {@code fine-grain}, {@code hand-off} or {@code stop}
     * @param step       the stage's training step (its network is modified)
     * @param iteration  minibatches trained in the run before this stage
     * @param stageStart {@link System#nanoTime()} of the stage's start (its seconds count from it)
     * @param resume     the stage's saved state to continue from, or null to start the stage
     * @param checkpoints the trainer's mid-stage checkpoints, or null for none
     * @param priorValidationSeconds validation seconds of the run's earlier stages (the trace's
     *                   {@code trainingSeconds} excludes them)
     * @throws java.io.IOException if a mid-stage checkpoint cannot be written
     */
    Outcome run(int s, StageSpec stage, String nextEvent, TrainingStep step, int iteration, long stageStart,
            Resume resume, Checkpoints checkpoints, double priorValidationSeconds) throws java.io.IOException {
        MultiLayerNetwork net = step.network();
        net.setListeners(listener);
        listener.reset();
        FineGrainRule rule = FineGrainRules.create(options.criterion(), options.rules());
        progress.stageStarted(s, stage, options.maxStepsPerStage());
        long validationNanos;
        long stepNanos;
        double startLoss;
        INDArray best; // one buffer per stage: a finest full-rank F is 0.5 GB
        double bestLoss;
        int bestStep;
        int steps;
        if (resume == null) {
            stepNanos = 0;
            long v0 = System.nanoTime();
            startLoss = ValidationLoss.of(net, val, valLabels);
            validationNanos = System.nanoTime() - v0;
            best = net.params().dup();
            bestLoss = startLoss;
            bestStep = 0;
            steps = 0;
        } else {
            RunCheckpoint.MidStage m = resume.state();
            rule.restore(m.rule());
            stepNanos = (long) (m.stepSeconds() * 1e9);
            validationNanos = (long) (m.validationSeconds() * 1e9);
            startLoss = m.startLoss();
            best = resume.stageBest() != null ? resume.stageBest() : net.params().dup();
            bestLoss = m.bestLoss();
            bestStep = m.bestStep();
            steps = m.steps();
            iteration += steps;
        }
        String endReason = null;
        while (endReason == null) {
            long a = System.nanoTime();
            step.fit(stream.next());
            stepNanos += System.nanoTime() - a;
            steps++;
            iteration++;
            EntropyReading reading = listener.lastReading();
            double loss = reading.minibatchLoss();
            progress.step(s, steps, loss);
            double vl = Double.NaN;
            endReason = lossDivergence(loss, startLoss, steps);
            if (endReason == null && steps % options.validationEvery() == 0) {
                a = System.nanoTime();
                vl = ValidationLoss.of(net, val, valLabels);
                endReason = validationDivergence(vl, net, steps);
                validationNanos += System.nanoTime() - a;
                if (endReason == null && vl < bestLoss) {
                    bestLoss = vl;
                    bestStep = steps;
                    best.assign(net.params());
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (endReason != null) {
                org.slf4j.LoggerFactory.getLogger(StageRunner.class).warn("stage {} ({}) stopped: {}; it keeps the "
                        + "best-validation parameters of step {} (validation log loss {})", s, stage.label(),
                        endReason, bestStep, bestLoss);
            } else {
                endReason = FineGrainRules.endReason(rule, new StageObservation(steps, loss, reading, vl), options,
                        elapsed);
            }
            if (endReason != null && Double.isNaN(vl) && !endReason.startsWith("diverged")) {
                // the stage's last minibatch is always validated, so a short stage can hand on what it learned
                a = System.nanoTime();
                vl = ValidationLoss.of(net, val, valLabels);
                String d = validationDivergence(vl, net, steps);
                validationNanos += System.nanoTime() - a;
                if (d != null) {
                    endReason = d;
                } else if (vl < bestLoss) {
                    bestLoss = vl;
                    bestStep = steps;
                    best.assign(net.params());
                }
            }
            String event = endReason == null ? ""
                    : endReason.equals("time-budget") ? "stop" : nextEvent;
            trace.add(new TraceRow(elapsed, elapsed - priorValidationSeconds - validationNanos / 1e9, iteration,
                    stream.epoch(), s, stage.kind().label(), stage.court().label(), stage.defenderBox().label(),
                    reading, vl, event));
            if (endReason == null && checkpoints != null && reading.windowCompleted() && checkpoints.due()) {
                checkpoints.save(new RunCheckpoint.MidStage(steps, startLoss, bestLoss, bestStep,
                        (System.nanoTime() - stageStart) / 1e9, stepNanos / 1e9, validationNanos / 1e9,
                        rule.state()), bestStep == steps ? null : best, iteration);
            }
        }
        net.setParams(best);
        best.close(); // setParams copied it; free the native buffer now rather than at the next GC
        return new Outcome(steps, endReason, startLoss, bestLoss, bestStep, stepNanos / 1e9, validationNanos / 1e9);
    }

    private static String lossDivergence(double loss, double startLoss, int step) {
        if (!Double.isFinite(loss)) {
            return "diverged: minibatch loss " + loss + " at step " + step;
        }
        if (loss > DIVERGENCE_FACTOR * startLoss) {
            return String.format(java.util.Locale.ROOT, "diverged: minibatch loss %.4g above %.0f x the stage's "
                    + "starting validation loss %.4g at step %d", loss, DIVERGENCE_FACTOR, startLoss, step);
        }
        return null;
    }

    private static String validationDivergence(double vl, MultiLayerNetwork net, int step) {
        if (!Double.isFinite(vl)) {
            return "diverged: validation loss " + vl + " at step " + step;
        }
        // one reduction: a NaN or infinite parameter makes the sum non-finite (so would finite values summing past
        // the data type's range, which is divergence too)
        double sum = net.params().sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            return "diverged: non-finite parameter (the parameters sum to " + sum + ") at step " + step;
        }
        return null;
    }
}
