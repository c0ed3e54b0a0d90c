package io.github.finegrain.train;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.TaskIndex;
import io.github.finegrain.model.SpatialNetworks;
import java.util.ArrayList;
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
 * stream position; an epoch is one pass over the rows, league copies included). The stream is an
 * {@link InMemoryMinibatchStream} for {@link ExampleSet}s and a {@link BlockShuffledStream} (rows read from a file,
 * never all in memory) for {@link StreamedTrainingData} and {@code DataSetIterator}s. At every minibatch: fit, read the listener, compute the
 * validation log loss every {@code validationEvery} minibatches and at the stage's last one (keeping the
 * best-validation parameters of the stage), and ask the stage's rule. When the stage ends (its rule fired, {@code maxStepsPerStage}, or the time
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

    /** Progress callbacks for user interfaces (progress bars); called on the training thread. */
    public interface Progress {
        /** A stage begins; it ends after at most {@code maxSteps} minibatches. */
        void stageStarted(int stage, StageSpec spec, int maxSteps);

        /** One minibatch of the current stage is done. */
        void step(int stage, int step, double minibatchLoss);

        /** The current stage ended. */
        void stageEnded(StageRecord record);
    }

    private static final Progress SILENT = new Progress() {
        @Override
        public void stageStarted(int stage, StageSpec spec, int maxSteps) {
        }

        @Override
        public void step(int stage, int step, double minibatchLoss) {
        }

        @Override
        public void stageEnded(StageRecord record) {
        }
    };

    private final MultiResolutionOptions options;
    private final StageTransition transition;
    private Progress progress = SILENT;

    /**
     * @param options    the schedule and hyperparameters
     * @param transition how networks are created, fine-grained and handed off
     */
    public MultiResolutionTrainer(MultiResolutionOptions options, StageTransition transition) {
        this.options = options;
        this.transition = transition;
    }

    /** Reports progress to {@code p} from now on (null: silent). */
    public MultiResolutionTrainer withProgress(Progress p) {
        this.progress = p == null ? SILENT : p;
        return this;
    }

    /** Trains on {@code train}, validating on {@code validation}, without checkpoints. */
    public Result fit(ExampleSet train, ExampleSet validation) {
        try {
            return fit(train, validation, null, Integer.MAX_VALUE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Trains from the start, writing a {@link RunCheckpoint} to {@code checkpointDir} at every stage boundary
     * (when not null).
     *
     * @param stopAfterStage stop after this stage index (to test resuming); {@code Integer.MAX_VALUE} for a full run
     * @throws java.io.IOException if a checkpoint cannot be written
     */
    public Result fit(ExampleSet train, ExampleSet validation, java.nio.file.Path checkpointDir, int stopAfterStage)
            throws java.io.IOException {
        return start(setup(train, validation), checkpointDir, stopAfterStage);
    }

    /**
     * Trains on rows that are already {@link io.github.finegrain.model.InputRow input rows} (task index in column 0,
     * label [rows, 1]), e.g. from a DataVec {@code RecordReaderDataSetIterator}. The training rows are copied once to
     * a temporary file ({@link SpilledRows}, deleted at the end) and streamed from it block-shuffled every epoch, so
     * they are never all in memory; the validation rows are read into memory (the whole set is scored at every
     * validation).
     *
     * @param tasks the task map the rows' task indexes refer to (its size is the layer's task count)
     * @throws java.io.UncheckedIOException if the temporary file cannot be written or read
     */
    public Result fit(org.nd4j.linalg.dataset.api.iterator.DataSetIterator trainRows,
            org.nd4j.linalg.dataset.api.iterator.DataSetIterator validationRows, TaskIndex tasks) {
        DataSet val = collect(validationRows);
        try {
            SpilledRows spilled = SpilledRows.spill(trainRows, null);
            BlockShuffledStream.Blocks blocks = spilled.blocks();
            try (MinibatchStream stream = BlockShuffledStream.withDefaultBuffer(blocks, options.batchSize(),
                    options.seed(), options.dataType(), 0, 0)) {
                return fit(stream, val, tasks, spilled.positiveRate(), spilled.fingerprint());
            } finally {
                blocks.close();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Trains from {@code train} as it stands (a fresh stream starts at its first minibatch), without checkpoints;
     * nothing is collected: the trainer takes one minibatch at a time. The caller closes the stream.
     *
     * @param validation   scoring rows held in memory (see {@link StreamedTrainingData#validation()})
     * @param tasks        the task map of the rows
     * @param positiveRate share of positive training rows, for the initial bias
     * @param fingerprint  identifies the training rows (recorded in the model)
     */
    public Result fit(MinibatchStream train, DataSet validation, TaskIndex tasks, double positiveRate,
            String fingerprint) {
        StreamedTrainingData data = new StreamedTrainingData(tasks, (e, p) -> {
            if (e != train.epoch() || p != train.position()) {
                throw new IllegalStateException("the stream is at epoch " + train.epoch() + ", minibatch "
                        + train.position() + ", not " + e + ", " + p);
            }
            return new MinibatchStream() { // the caller's stream, not closed here
                @Override
                public DataSet next() {
                    return train.next();
                }

                @Override
                public int epoch() {
                    return train.epoch();
                }

                @Override
                public int position() {
                    return train.position();
                }

                @Override
                public long rowsPerEpoch() {
                    return train.rowsPerEpoch();
                }

                @Override
                public int batchesPerEpoch() {
                    return train.batchesPerEpoch();
                }
            };
        }, train.rowsPerEpoch(), positiveRate, fingerprint, validation);
        try {
            return fit(data, null, Integer.MAX_VALUE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Trains from a stream opened by {@code data} at (0, 0), writing a {@link RunCheckpoint} (with the stream's
     * epoch and position) to {@code checkpointDir} at every stage boundary (when not null). The stream is closed at
     * the end.
     *
     * @param stopAfterStage stop after this stage index (to test resuming); {@code Integer.MAX_VALUE} for a full run
     * @throws java.io.IOException if a checkpoint cannot be written or the stream cannot be opened
     */
    public Result fit(StreamedTrainingData data, java.nio.file.Path checkpointDir, int stopAfterStage)
            throws java.io.IOException {
        return start(setup(data), checkpointDir, stopAfterStage);
    }

    /**
     * Continues a run of {@link #fit(StreamedTrainingData, java.nio.file.Path, int)} from the checkpoint in
     * {@code checkpointDir}: the stream is opened at the checkpoint's (epoch, position).
     *
     * @throws io.github.finegrain.data.DataFormatException if the checkpoint is missing, corrupt, or belongs to other
     *                                                      training data
     */
    public Result resume(StreamedTrainingData data, java.nio.file.Path checkpointDir) throws java.io.IOException {
        return resume(setup(data), checkpointDir);
    }

    private Setup setup(StreamedTrainingData data) {
        DataSet val = data.validation();
        double[] y = val.getLabels().reshape(val.numExamples()).toDoubleVector();
        byte[] labels = new byte[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = (byte) y[i];
        }
        DataSet v = new DataSet(val.getFeatures().castTo(options.dataType()),
                val.getLabels().castTo(options.dataType()));
        return new Setup(data.tasks(), data.train(), data.positiveRate(), v, labels, data.fingerprint());
    }

    private DataSet collect(org.nd4j.linalg.dataset.api.iterator.DataSetIterator it) {
        List<DataSet> all = new ArrayList<>();
        it.reset();
        while (it.hasNext()) {
            all.add(it.next());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("the iterator gave no rows");
        }
        DataSet d = DataSet.merge(all);
        return new DataSet(d.getFeatures().castTo(options.dataType()), d.getLabels().castTo(options.dataType()));
    }

    private Result start(Setup setup, java.nio.file.Path checkpointDir, int stopAfterStage)
            throws java.io.IOException {
        double rate = Math.min(Math.max(setup.positiveRate, 1e-4), 1 - 1e-4);
        SpatialNetworks.Options netOptions = new SpatialNetworks.Options(options.updater(), options.l2(),
                options.positiveWeight(), options.seed(), options.dataType());
        StageSpec first = options.ladder().get(0);
        MultiLayerNetwork net = transition.create(first, setup.tasks.size(), Math.log(rate / (1 - rate)),
                options.rank(), netOptions);
        if (first.kind() == StageSpec.Kind.CP) {
            net.setLearningRate(options.cpLearningRate());
        }
        RunCheckpoint start = new RunCheckpoint(RunCheckpoint.FORMAT_VERSION, 0, 0, 0, 0, 0, Double.NaN,
                setup.fingerprint, List.of());
        try (MinibatchStream stream = setup.stream.open(start.epoch(), start.position())) {
            return run(setup, stream, net, start, new ArrayList<>(), checkpointDir, stopAfterStage);
        }
    }

    /**
     * Continues a run from the checkpoint in {@code checkpointDir} (written by {@link #fit(ExampleSet, ExampleSet,
     * java.nio.file.Path, int)} with the same options and data), reaching the same final parameters as an
     * uninterrupted run.
     *
     * @throws io.github.finegrain.data.DataFormatException if the checkpoint is missing, corrupt, or belongs to other
     *                                                      training data
     */
    public Result resume(ExampleSet train, ExampleSet validation, java.nio.file.Path checkpointDir)
            throws java.io.IOException {
        return resume(setup(train, validation), checkpointDir);
    }

    private Result resume(Setup setup, java.nio.file.Path checkpointDir) throws java.io.IOException {
        RunCheckpoint cp = RunCheckpoint.read(checkpointDir);
        if (!cp.dataFingerprint().equals(setup.fingerprint)) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir + ": the checkpoint belongs to other "
                    + "training data (fingerprint " + cp.dataFingerprint() + ", this data " + setup.fingerprint + ")");
        }
        if (cp.nextStage() >= options.ladder().size()) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir + ": the run already finished");
        }
        MultiLayerNetwork net = RunCheckpoint.network(checkpointDir);
        try (MinibatchStream stream = setup.stream.open(cp.epoch(), cp.position())) {
            return run(setup, stream, net, cp, new ArrayList<>(RunCheckpoint.trace(checkpointDir)), checkpointDir,
                    Integer.MAX_VALUE);
        }
    }

    private record Setup(TaskIndex tasks, StreamedTrainingData.Opener stream, double positiveRate, DataSet val,
            byte[] valLabels, String fingerprint) {
    }

    private Setup setup(ExampleSet train, ExampleSet validation) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("need training and validation examples, found " + train.size()
                    + " and " + validation.size());
        }
        TaskIndex tasks = TaskIndex.fromTraining(train, options.minTaskExamples());
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        double positives = rows.getLabels().sumNumber().doubleValue();
        return new Setup(tasks, (e, p) -> new InMemoryMinibatchStream(rows, options.batchSize(), options.seed(), e, p),
                positives / rows.numExamples(), ExampleRows.scoring(validation, tasks, options.dataType()),
                validation.labels(), Trainer.fingerprint(train));
    }

    private Result run(Setup setup, MinibatchStream stream, MultiLayerNetwork net, RunCheckpoint start, List<TraceRow> trace,
            java.nio.file.Path checkpointDir, int stopAfterStage) throws java.io.IOException {
        long t0 = System.nanoTime() - (long) (start.elapsedSeconds() * 1e9);
        List<StageSpec> ladder = options.ladder();
        SpatialEntropyListener listener = new SpatialEntropyListener(options.window());
        List<StageRecord> stages = new ArrayList<>(start.stages());
        double budgetSeconds = options.maxMinutes() * 60;
        int iteration = start.iteration();
        double handOffFit = start.handOffFit();
        long stageStart = System.nanoTime();
        TrainingStep trainingStep = TrainingStep.dense(net);
        for (int s = start.nextStage(); s < ladder.size(); s++) {
            StageSpec stage = ladder.get(s);
            net.setListeners(listener);
            listener.reset();
            FineGrainRule rule = FineGrainRules.create(options.criterion(), options.rules());
            progress.stageStarted(s, stage, options.maxStepsPerStage());
            INDArray best = net.params().dup();
            double startLoss = Trainer.validationLogLoss(net, setup.val, setup.valLabels);
            double bestLoss = startLoss;
            int bestStep = 0;
            String endReason = null;
            int step = 0;
            while (endReason == null) {
                trainingStep.fit(stream.next());
                step++;
                iteration++;
                EntropyReading reading = listener.lastReading();
                progress.step(s, step, reading.minibatchLoss());
                double vl = Double.NaN;
                if (step % options.validationEvery() == 0) {
                    vl = Trainer.validationLogLoss(net, setup.val, setup.valLabels);
                    if (vl < bestLoss) {
                        bestLoss = vl;
                        bestStep = step;
                        best.assign(net.params()); // one buffer per stage: a finest full-rank F is 0.5 GB
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
                if (endReason != null && Double.isNaN(vl)) {
                    // the stage's last minibatch is always validated, so a short stage can hand on what it learned
                    vl = Trainer.validationLogLoss(net, setup.val, setup.valLabels);
                    if (vl < bestLoss) {
                        bestLoss = vl;
                        bestStep = step;
                        best.assign(net.params()); // one buffer per stage: a finest full-rank F is 0.5 GB
                    }
                }
                String event = endReason == null ? ""
                        : s + 1 == ladder.size() || endReason.equals("time-budget") ? "stop"
                        : ladder.get(s + 1).kind() != stage.kind() ? "hand-off" : "fine-grain";
                trace.add(new TraceRow(elapsed, iteration, stream.epoch(), s, stage.kind().label(),
                        stage.court().label(), stage.defenderBox().label(), reading, vl, event));
            }
            net.setParams(best);
            best.close(); // setParams copied it; free the native buffer now rather than at the next GC
            double now = System.nanoTime();
            stages.add(new StageRecord(s, stage.kind().label(), stage.court().label(), stage.defenderBox().label(),
                    step, (now - stageStart) / 1e9, endReason, startLoss, bestLoss, "best-validation@" + bestStep,
                    handOffFit));
            progress.stageEnded(stages.get(stages.size() - 1));
            LOG.info("stage {} ({}) ended after {} minibatches: {}; best validation log loss {} at step {}", s,
                    stage.label(), step, endReason, String.format("%.5f", bestLoss), bestStep);
            handOffFit = Double.NaN;
            if (s + 1 == ladder.size() || endReason.equals("time-budget")) {
                if (checkpointDir != null) {
                    net.setListeners();
                    new RunCheckpoint(RunCheckpoint.FORMAT_VERSION, ladder.size(), iteration, stream.epoch(),
                            stream.position(), (System.nanoTime() - t0) / 1e9, Double.NaN, setup.fingerprint, stages)
                            .write(checkpointDir, net, trace);
                }
                break;
            }
            StageSpec next = ladder.get(s + 1);
            if (next.kind() != stage.kind()) {
                StageTransition.HandOff h = transition.handOff(net, options.rank(), options.seed());
                net = h.network();
                net.setLearningRate(options.cpLearningRate());
                handOffFit = h.fit();
                trainingStep = trainingStep.handedOff(net);
                if (!next.court().equals(stage.court()) || !next.defenderBox().equals(stage.defenderBox())) {
                    net = transition.fineGrain(net, next.court(), next.defenderBox());
                    trainingStep = trainingStep.fineGrained(net);
                }
            } else {
                net = transition.fineGrain(net, next.court(), next.defenderBox());
                trainingStep = trainingStep.fineGrained(net);
            }
            stageStart = System.nanoTime();
            if (checkpointDir != null) {
                net.setListeners();
                new RunCheckpoint(RunCheckpoint.FORMAT_VERSION, s + 1, iteration, stream.epoch(), stream.position(),
                        (System.nanoTime() - t0) / 1e9, handOffFit, setup.fingerprint, stages)
                        .write(checkpointDir, net, trace);
            }
            if (s >= stopAfterStage) {
                break;
            }
        }
        net.setListeners();
        TrainedModel model = new TrainedModel(net, setup.tasks, options.seed(), setup.fingerprint);
        return new Result(model, stages, trace, (System.nanoTime() - t0) / 1e9);
    }
}
