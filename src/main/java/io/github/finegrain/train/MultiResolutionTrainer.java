package io.github.finegrain.train;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.TaskIndex;
import io.github.finegrain.model.SpatialNetworks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-resolution training with spatial entropy control (MMT-SE, the paper's Algorithm 1 with SGD-SE,
 * Algorithm 2). This class owns the stage loop; the {@link SpatialEntropyListener} measures, the
 * {@link FineGrainRule} decides, and this trainer performs every swap.
 *
 * <p>Loop: one stream of shuffled training minibatches runs through the whole run (a swap continues at the same
 * stream position; an epoch is one pass over the rows). At every minibatch: fit, read the listener, compute the
 * validation log loss every {@code validationEvery} minibatches (keeping the best-validation parameters of the
 * stage), and ask the stage's rule. When the stage ends (its rule fired, {@code maxStepsPerStage}, or the time
 * budget), its best-validation parameters are restored and the next stage starts from them: a finer grid
 * (fine-graining: children inherit their parent's value, so predictions are unchanged for nested grids) or the CP
 * hand-off (CP-ALS of F at rank K). Updater state restarts from zero at each swap. The last stage ends by the same
 * rule (the model has converged at the finest grid), by {@code maxStepsPerStage}, or by the time budget.
 */
public final class MultiResolutionTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(MultiResolutionTrainer.class);

    /** A trained model with its history. */
    public record Result(TrainedModel model, List<StageRecord> stages, List<TraceRow> trace, double seconds) {
    }

    private final MultiResolutionOptions options;
    private final StageTransition transition;

    /**
     * @param options    the schedule and hyperparameters
     * @param transition how networks are created, fine-grained and handed off
     */
    public MultiResolutionTrainer(MultiResolutionOptions options, StageTransition transition) {
        this.options = options;
        this.transition = transition;
    }

    /** Trains on {@code train}, validating on {@code validation}. */
    public Result fit(ExampleSet train, ExampleSet validation) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("need training and validation examples, found " + train.size()
                    + " and " + validation.size());
        }
        long t0 = System.nanoTime();
        TaskIndex tasks = TaskIndex.fromTraining(train, options.minTaskExamples());
        double rate = Math.min(Math.max((double) train.positives() / train.size(), 1e-4), 1 - 1e-4);
        SpatialNetworks.Options netOptions = new SpatialNetworks.Options(options.updater(), options.l2(),
                options.positiveWeight(), options.seed(), options.dataType());
        List<StageSpec> ladder = options.ladder();
        MultiLayerNetwork net = transition.create(ladder.get(0), tasks.size(), Math.log(rate / (1 - rate)),
                options.rank(), netOptions);
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        DataSet val = ExampleRows.scoring(validation, tasks, options.dataType());
        BatchStream stream = new BatchStream(rows, options.batchSize(), new Random(options.seed()));
        SpatialEntropyListener listener = new SpatialEntropyListener(options.window());
        List<StageRecord> stages = new ArrayList<>();
        List<TraceRow> trace = new ArrayList<>();
        double budgetSeconds = options.maxMinutes() * 60;
        int iteration = 0;
        double handOffFit = Double.NaN;
        long stageStart = System.nanoTime();
        for (int s = 0; s < ladder.size(); s++) {
            StageSpec stage = ladder.get(s);
            net.setListeners(listener);
            listener.reset();
            FineGrainRule rule = FineGrainRules.create(options.criterion(), options.rules());
            INDArray best = net.params().dup();
            double bestLoss = validationLogLoss(net, val, validation.labels());
            int bestStep = 0;
            String endReason = null;
            int step = 0;
            while (endReason == null) {
                net.fit(stream.next());
                step++;
                iteration++;
                EntropyReading reading = listener.lastReading();
                double vl = Double.NaN;
                if (step % options.validationEvery() == 0) {
                    vl = validationLogLoss(net, val, validation.labels());
                    if (vl < bestLoss) {
                        bestLoss = vl;
                        bestStep = step;
                        best = net.params().dup();
                    }
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (rule.observe(new StageObservation(step, reading.minibatchLoss(), reading, vl))) {
                    endReason = "rule:" + options.criterion().cliName();
                } else if (step >= options.maxStepsPerStage()) {
                    endReason = "max-steps";
                } else if (elapsed > budgetSeconds) {
                    endReason = "time-budget";
                }
                String event = endReason == null ? ""
                        : s + 1 == ladder.size() || endReason.equals("time-budget") ? "stop"
                        : ladder.get(s + 1).kind() != stage.kind() ? "hand-off" : "fine-grain";
                trace.add(new TraceRow(elapsed, iteration, stream.epoch(), s, stage.kind().label(),
                        stage.court().label(), stage.defenderBox().label(), reading, vl, event));
            }
            net.setParams(best);
            double now = System.nanoTime();
            stages.add(new StageRecord(s, stage.kind().label(), stage.court().label(), stage.defenderBox().label(),
                    step, (now - stageStart) / 1e9, endReason, bestLoss, "best-validation@" + bestStep, handOffFit));
            LOG.info("stage {} ({}) ended after {} minibatches: {}; best validation log loss {} at step {}", s,
                    stage.label(), step, endReason, String.format("%.5f", bestLoss), bestStep);
            stageStart = System.nanoTime();
            handOffFit = Double.NaN;
            if (s + 1 == ladder.size() || endReason.equals("time-budget")) {
                break;
            }
            StageSpec next = ladder.get(s + 1);
            if (next.kind() != stage.kind()) {
                StageTransition.HandOff h = transition.handOff(net, options.rank(), options.seed());
                net = h.network();
                handOffFit = h.fit();
                if (!next.court().equals(stage.court()) || !next.defenderBox().equals(stage.defenderBox())) {
                    net = transition.fineGrain(net, next.court(), next.defenderBox());
                }
            } else {
                net = transition.fineGrain(net, next.court(), next.defenderBox());
            }
        }
        net.setListeners();
        TrainedModel model = new TrainedModel(net, tasks, options.seed(), Trainer.fingerprint(train));
        return new Result(model, stages, trace, (System.nanoTime() - t0) / 1e9);
    }

    static double validationLogLoss(MultiLayerNetwork net, DataSet val, byte[] labels) {
        return Trainer.validationLogLoss(net, val, labels);
    }

    /** An endless stream of shuffled minibatches; a new permutation at every epoch. */
    static final class BatchStream {
        private final DataSet rows;
        private final int size;
        private final Random rnd;
        private Iterator<DataSet> current = List.<DataSet>of().iterator();
        private int epoch;

        BatchStream(DataSet rows, int size, Random rnd) {
            this.rows = rows;
            this.size = size;
            this.rnd = rnd;
        }

        DataSet next() {
            if (!current.hasNext()) {
                current = Trainer.shuffledBatches(rows, size, rnd).iterator();
                epoch++;
            }
            return current.next();
        }

        int epoch() {
            return epoch;
        }
    }
}
