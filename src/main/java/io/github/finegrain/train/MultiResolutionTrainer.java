package io.github.finegrain.train;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.SpatialNetworks;
import java.util.ArrayList;
import java.util.List;
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
 * stream position; an epoch is one pass over the rows, league copies included: an {@link InMemoryMinibatchStream}
 * for {@link ExampleSet}s, a {@link BlockShuffledStream} read from a file, never all in memory, for
 * {@link StreamedTrainingData} and {@code DataSetIterator}s). This class keeps the stage loop; a {@code StageRunner} runs
 * one stage (minibatches, the validation schedule, the rule, divergence checks, the stage's best-validation
 * parameters) and a {@code SwapStep} moves to the next stage: a finer grid (fine-graining: children inherit their
 * parent's value, so predictions are unchanged for nested grids) or the CP hand-off (CP-ALS of F at rank K). Each
 * stage starts from the previous stage's best-validation parameters. The training step of the first stage comes
 * from a factory ({@link TrainingSteps#forOptimizer} by default, {@link #withSteps} to plug in another); later
 * steps come from the step itself at each swap (the dense step's DL4J updater restarts from zero; the row-sparse step carries its state). The last stage ends
 * by the same rule (the model has converged at the finest grid), by {@code maxStepsPerStage}, or by the time budget.
 *
 * <p>The final model is the stage with the lowest best validation log loss, across stages (issue 14 item 1): a
 * non-nested swap such as 8x10 → 20x25 changes predictions, and when the finer stage never wins the loss back the
 * coarser stage's model is the better one. {@link Result#finalStage()} says which one it is. Before the first
 * minibatch the rank is checked against the hand-off tensor of the training data's task count
 * ({@link MultiResolutionOptions#checkRankFits(int)}).
 */
public final class MultiResolutionTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(MultiResolutionTrainer.class);

    /**
     * A trained model with its history.
     *
     * @param model             the final model: the best-validation parameters of stage {@code finalStage}
     * @param stages            one record per finished stage
     * @param trace             one row per minibatch
     * @param seconds           wall seconds of the whole run (steps, validation, swaps, checkpoints)
     * @param stepSeconds       the part of {@code seconds} spent in minibatch steps
     * @param validationSeconds the part of {@code seconds} spent computing validation losses
     * @param finalStage        index of the stage whose best-validation parameters the model holds: the stage with the
     *                          lowest best validation log loss (the later one on a tie), which need not be the last
     *                          stage when a swap cost more than the finer stage won back
     * @param trainingRows      rows of one epoch (an example with its own task is two rows: its task's and the
     *                          league's)
     * @param l2                the L2 applied on the mean loss, {@link MultiResolutionOptions#l2For}
     */
    public record Result(TrainedModel model, List<StageRecord> stages, List<TraceRow> trace, double seconds,
            double stepSeconds, double validationSeconds, int finalStage, long trainingRows, double l2) {
        /** The record of {@link #finalStage}. */
        public StageRecord finalRecord() {
            return stages.stream().filter(r -> r.index() == finalStage).findFirst().orElseThrow();
        }
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
    private java.util.function.Function<MultiLayerNetwork, TrainingStep> steps;

    /**
     * @param options    the schedule and hyperparameters
     * @param transition how networks are created, fine-grained and handed off
     */
    public MultiResolutionTrainer(MultiResolutionOptions options, StageTransition transition) {
        this.options = options;
        this.transition = transition;
    }

    /**
     * Trains with the steps {@code factory} makes (called once per run, for the first network; later steps come from
     * the step itself at every swap) instead of {@link TrainingSteps#forOptimizer} of the options' optimizer (which
     * a run without a factory resolves before its first minibatch, failing there for an optimizer this build lacks).
     */
    public MultiResolutionTrainer withSteps(java.util.function.Function<MultiLayerNetwork, TrainingStep> factory) {
        this.steps = java.util.Objects.requireNonNull(factory, "factory");
        return this;
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
     * Trains from the start, writing a {@link RunCheckpoint} to {@code checkpointDir} (when not null) at every stage
     * boundary and inside a stage every {@link MultiResolutionOptions#checkpointMinutes} (at the next completed entropy
     * window). The checkpoint of a run whose training is complete is not marked finished: call
     * {@link RunCheckpoint#markFinished} once the outputs are written.
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
        return new Setup(data.tasks(), data.train(), data.trainingRows(), data.positiveRate(), v, labels,
                data.fingerprint());
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
        options.checkRankFits(setup.tasks.size());
        double rate = Math.min(Math.max(setup.positiveRate, 1e-4), 1 - 1e-4);
        SpatialNetworks.Options netOptions = new SpatialNetworks.Options(options.updater(),
                options.l2For(setup.rowsPerEpoch),
                options.positiveWeight(), options.seed(), options.dataType());
        StageSpec first = options.ladder().get(0);
        MultiLayerNetwork net = transition.create(first, setup.tasks.size(), Math.log(rate / (1 - rate)),
                options.rank(), netOptions);
        if (first.kind() == ModelKind.CP) {
            net.setLearningRate(options.cpLearningRate());
        }
        RunCheckpoint start = new RunCheckpoint(RunCheckpoint.FORMAT_VERSION, 0, 0, 0, 0, 0, Double.NaN,
                setup.fingerprint, List.of(), null, false);
        return run(setup, net, start, new ArrayList<>(), checkpointDir, stopAfterStage, null);
    }

    /**
     * Continues a run from the checkpoint in {@code checkpointDir} (written by {@link #fit(ExampleSet, ExampleSet,
     * java.nio.file.Path, int)} with the same options and data), at a stage boundary or inside a stage, reaching the
     * same final parameters as an uninterrupted run. The checkpoint is recovered if a run stopped while making it
     * current and verified against its manifest before anything else is read ({@link RunCheckpoint#read}). A
     * checkpoint whose training is complete (every stage done or the time budget spent) but not marked finished
     * ({@link RunCheckpoint#markFinished}) gives its result again without training.
     *
     * @throws io.github.finegrain.data.DataFormatException if the checkpoint is missing, corrupt, does not match its
     *                                                      manifest, belongs to other training data or another run,
     *                                                      or the run is marked finished (each naming the file)
     */
    public Result resume(ExampleSet train, ExampleSet validation, java.nio.file.Path checkpointDir)
            throws java.io.IOException {
        return resume(setup(train, validation), checkpointDir);
    }

    private Result resume(Setup setup, java.nio.file.Path checkpointDir) throws java.io.IOException {
        RunCheckpoint cp = RunCheckpoint.read(checkpointDir);
        java.nio.file.Path stateFile = checkpointDir.resolve(RunCheckpoint.STATE);
        if (!cp.dataFingerprint().equals(setup.fingerprint)) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir + ": the checkpoint belongs to other "
                    + "training data (fingerprint " + cp.dataFingerprint() + ", this data " + setup.fingerprint + ")");
        }
        if (cp.finished()) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir + ": the run already finished");
        }
        int ladderSize = options.ladder().size();
        if (cp.nextStage() > ladderSize || cp.nextStage() == ladderSize && (cp.midStage() != null
                || cp.stages().isEmpty())) {
            throw new io.github.finegrain.data.DataFormatException(stateFile + ": bad checkpoint state: field "
                    + "nextStage " + cp.nextStage() + " does not fit this run's ladder of " + ladderSize + " stages");
        }
        if (cp.midStage() != null) {
            try {
                FineGrainRules.create(options.criterion(), options.rules()).restore(cp.midStage().rule());
            } catch (IllegalArgumentException e) {
                throw new io.github.finegrain.data.DataFormatException(stateFile + ": bad checkpoint state: field "
                        + "midStage.rule does not fit this run's criterion " + options.criterion().cliName() + ": "
                        + e.getMessage());
            }
        }
        options.checkRankFits(setup.tasks.size());
        MultiLayerNetwork net = RunCheckpoint.network(checkpointDir);
        int netStage = cp.nextStage() < ladderSize ? cp.nextStage() : cp.stages().get(cp.stages().size() - 1).index();
        if (netStage < 0 || netStage >= ladderSize) {
            throw new io.github.finegrain.data.DataFormatException(stateFile + ": bad checkpoint state: the last stage "
                    + "record's index " + netStage + " is not a stage of this run's ladder");
        }
        RunCheckpoint.checkNetwork(checkpointDir, net, options.ladder().get(netStage), setup.tasks.size(),
                options.rank());
        long batchesPerEpoch = (setup.rowsPerEpoch + (long) options.batchSize() - 1) / options.batchSize();
        if (cp.position() > batchesPerEpoch) {
            throw new io.github.finegrain.data.DataFormatException(stateFile
                    + ": bad checkpoint state: field position " + cp.position() + " is past the end of an epoch of "
                    + batchesPerEpoch + " minibatches (" + setup.rowsPerEpoch + " rows in minibatches of "
                    + options.batchSize() + ")");
        }
        List<TraceRow> trace = RunCheckpoint.trace(checkpointDir);
        if (trace.size() != cp.iteration()) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir.resolve(RunCheckpoint.TRACE) + ": "
                    + trace.size() + " rows, but " + RunCheckpoint.STATE + " says " + cp.iteration()
                    + " minibatches were trained");
        }
        MultiLayerNetwork best = RunCheckpoint.best(checkpointDir);
        if (best == null && !cp.stages().isEmpty()) {
            throw new io.github.finegrain.data.DataFormatException(checkpointDir.resolve(RunCheckpoint.BEST)
                    + ": missing, but " + cp.stages().size() + " stages have finished (the final model is chosen "
                    + "across stages)");
        }
        INDArray stageBest = cp.midStage() != null && cp.midStage().hasStageBest()
                ? RunCheckpoint.stageBest(checkpointDir, net.params()) : null;
        io.github.finegrain.optim.OptimizerState optimizer = null;
        if (net.getLayer(0) instanceof io.github.finegrain.model.RowSparseLayer rows) {
            optimizer = RunCheckpoint.optimizer(checkpointDir, rows.rowBlocks());
        }
        return run(setup, net, cp, new ArrayList<>(trace), checkpointDir, Integer.MAX_VALUE,
                new Resumed(checkpointDir, best, stageBest, optimizer));
    }

    /**
     * What a resumed run reads from its checkpoint besides the state and the network.
     *
     * @param dir       the checkpoint folder (for messages)
     * @param best      the best finished stage's network, or null if no stage has finished
     * @param stageBest the stage in progress's best parameters when they are not the network's, else null
     * @param optimizer the row-sparse optimizer state, or null (a dense step)
     */
    private record Resumed(java.nio.file.Path dir, MultiLayerNetwork best, INDArray stageBest,
            io.github.finegrain.optim.OptimizerState optimizer) {
    }

    /**
     * The run's first step: the factory's (or the options' optimizer's) for {@code net}, or on resume the row-sparse
     * step continuing from the checkpoint's optimizer state.
     *
     * @throws io.github.finegrain.data.DataFormatException if the checkpoint's optimizer state does not fit this run
     */
    private TrainingStep firstStep(MultiLayerNetwork net, Resumed resumed, long trainingRows)
            throws io.github.finegrain.data.DataFormatException {
        io.github.finegrain.optim.OptimizerState state = resumed == null ? null : resumed.optimizer();
        if (state != null) {
            java.nio.file.Path f = resumed.dir().resolve(RunCheckpoint.OPTIMIZER);
            if (steps == null && !state.config().kind().label().equals(options.optimizer())) {
                throw new io.github.finegrain.data.DataFormatException(f + ": a " + state.config().kind().label()
                        + " optimizer state, but this run's optimizer is " + options.optimizer()
                        + "; the checkpoint belongs to another run");
            }
            try {
                return SparseTrainingStep.resume(net, state);
            } catch (IllegalArgumentException e) {
                throw new io.github.finegrain.data.DataFormatException(f + ": " + e.getMessage());
            }
        }
        TrainingStep step = (steps != null ? steps : TrainingSteps.forOptimizer(options.optimizer(),
                options.l2For(trainingRows)))
                .apply(net);
        if (resumed != null && step instanceof SparseTrainingStep) {
            throw new io.github.finegrain.data.DataFormatException(resumed.dir().resolve(RunCheckpoint.OPTIMIZER)
                    + ": missing, but this run's step is row-sparse (" + options.optimizer() + "); the checkpoint "
                    + "belongs to another run");
        }
        return step;
    }

    private record Setup(TaskIndex tasks, StreamedTrainingData.Opener stream, long rowsPerEpoch, double positiveRate,
            DataSet val, byte[] valLabels, String fingerprint) {
    }

    private Setup setup(ExampleSet train, ExampleSet validation) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("need training and validation examples, found " + train.size()
                    + " and " + validation.size());
        }
        TaskIndex tasks = TaskIndexes.fromTraining(train, options.minTaskExamples());
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        double positives = rows.getLabels().sumNumber().doubleValue();
        return new Setup(tasks, (e, p) -> new InMemoryMinibatchStream(rows, options.batchSize(), options.seed(), e, p),
                rows.numExamples(), positives / rows.numExamples(),
                ExampleRows.scoring(validation, tasks, options.dataType()), validation.labels(),
                ExampleRows.fingerprint(train));
    }

    /**
     * The stage loop from {@code start.nextStage()}.
     *
     * @param resumed on resume, what the checkpoint holds besides its state and network (null for a fresh run)
     */
    private Result run(Setup setup, MultiLayerNetwork net, RunCheckpoint start, List<TraceRow> trace,
            java.nio.file.Path checkpointDir, int stopAfterStage, Resumed resumed) throws java.io.IOException {
        TrainingStep first = firstStep(net, resumed, setup.rowsPerEpoch);
        try (MinibatchStream stream = openStream(setup, start)) {
            return run(setup, stream, first, start, trace, checkpointDir, stopAfterStage, resumed);
        }
    }

    /**
     * The run's one stream of training minibatches, at the checkpoint's (epoch, position): the only place a stream is
     * created.
     */
    private MinibatchStream openStream(Setup setup, RunCheckpoint start) throws java.io.IOException {
        return setup.stream.open(start.epoch(), start.position());
    }

    private Result run(Setup setup, MinibatchStream stream, TrainingStep step, RunCheckpoint start,
            List<TraceRow> trace, java.nio.file.Path checkpointDir, int stopAfterStage, Resumed resumed)
            throws java.io.IOException {
        long t0 = System.nanoTime() - (long) (start.elapsedSeconds() * 1e9);
        List<StageSpec> ladder = options.ladder();
        SpatialEntropyListener listener = new SpatialEntropyListener(options.window());
        StageRunner runner = new StageRunner(options, stream, listener, setup.val, setup.valLabels, progress, t0, trace);
        SwapStep swap = new SwapStep(transition, options);
        List<StageRecord> stages = new ArrayList<>(start.stages());
        FinalChoice choice = FinalChoice.of(stages, resumed == null ? null : resumed.best());
        RunCheckpoint.MidStage mid = start.midStage();
        int iteration = start.iteration() - (mid == null ? 0 : mid.steps());
        double handOffFit = start.handOffFit();
        long stageStart = System.nanoTime() - (mid == null ? 0 : (long) (mid.stageSeconds() * 1e9));
        Saver saver = checkpointDir == null ? null : new Saver(checkpointDir, setup, stream, t0, stages, trace,
                resumed != null && resumed.best() != null);
        for (int s = start.nextStage(); s < ladder.size(); s++) {
            StageSpec stage = ladder.get(s);
            boolean last = s + 1 == ladder.size();
            StageRunner.Resume resume = s == start.nextStage() && mid != null
                    ? new StageRunner.Resume(mid, resumed.stageBest()) : null;
            if (saver != null) {
                saver.stage(s, step, handOffFit);
            }
            StageRunner.Outcome o = runner.run(s, stage, last ? "stop" : SwapStep.event(stage, ladder.get(s + 1)),
                    step, iteration, stageStart, resume, saver,
                    stages.stream().mapToDouble(StageRecord::validationSeconds).sum());
            iteration += o.steps();
            MultiLayerNetwork net = step.network();
            StageRecord record = new StageRecord(s, stage.kind().label(), stage.court().label(),
                    stage.defenderBox().label(), o.steps(), (System.nanoTime() - stageStart) / 1e9, o.endReason(),
                    o.startLoss(), o.bestLoss(), "best-validation@" + o.bestStep(), handOffFit, o.stepSeconds(),
                    o.validationSeconds());
            stages.add(record);
            progress.stageEnded(record);
            LOG.info("stage {} ({}) ended after {} minibatches: {}; best validation log loss {} at step {}", s,
                    stage.label(), o.steps(), o.endReason(), String.format("%.5f", o.bestLoss()), o.bestStep());
            boolean newBest = choice.offer(s, o.bestLoss(), net);
            handOffFit = Double.NaN;
            if (last || o.endReason().equals("time-budget")) {
                if (saver != null) {
                    net.setListeners();
                    saver.write(ladder.size(), iteration, Double.NaN, null, step, newBest ? net : null, null);
                }
                break;
            }
            SwapStep.Swapped next = swap.next(step, stage, ladder.get(s + 1));
            step = next.step();
            handOffFit = next.handOffFit();
            stageStart = System.nanoTime();
            if (saver != null) {
                step.network().setListeners();
                saver.write(s + 1, iteration, handOffFit, null, step, newBest ? net : null, null);
            }
            if (s >= stopAfterStage) {
                break;
            }
        }
        step.network().setListeners();
        MultiLayerNetwork finalNet = choice.network() != null ? choice.network() : step.network();
        finalNet.setListeners();
        if (choice.stage() >= 0 && choice.stage() != stages.get(stages.size() - 1).index()) {
            LOG.info("the final model is stage {}'s (best validation log loss {}), not the last stage's: the later "
                    + "stages did not win back what their swap cost", choice.stage(),
                    String.format("%.5f", choice.loss()));
        }
        double stepSeconds = stages.stream().mapToDouble(StageRecord::stepSeconds).sum();
        double validationSeconds = stages.stream().mapToDouble(StageRecord::validationSeconds).sum();
        TrainedModel model = new TrainedModel(finalNet, setup.tasks, options.seed(), setup.fingerprint);
        return new Result(model, stages, trace, (System.nanoTime() - t0) / 1e9, stepSeconds, validationSeconds,
                choice.stage() >= 0 ? choice.stage() : stages.isEmpty() ? -1 : stages.get(stages.size() - 1).index(),
                setup.rowsPerEpoch, options.l2For(setup.rowsPerEpoch));
    }

    /**
     * Writes the run's checkpoints ({@link RunCheckpoint}): at stage boundaries (called by the stage loop) and, as the
     * stage runner's {@link StageRunner.Checkpoints}, inside a stage when {@link MultiResolutionOptions#checkpointMinutes}
     * have passed since the last checkpoint (or the run's start in this process).
     */
    private final class Saver implements StageRunner.Checkpoints {
        private final java.nio.file.Path dir;
        private final Setup setup;
        private final MinibatchStream stream;
        private final long t0;
        private final List<StageRecord> stages;
        private final List<TraceRow> trace;
        private final long intervalNanos;
        /** Whether the current checkpoint's best.zip holds the current final-model choice. */
        private boolean bestOnDisk;
        private long lastWrite = System.nanoTime();
        private int stage;
        private TrainingStep step;
        private double handOffFit;

        Saver(java.nio.file.Path dir, Setup setup, MinibatchStream stream, long t0, List<StageRecord> stages,
                List<TraceRow> trace, boolean bestOnDisk) {
            this.dir = dir;
            this.setup = setup;
            this.stream = stream;
            this.t0 = t0;
            this.stages = stages;
            this.trace = trace;
            this.bestOnDisk = bestOnDisk;
            double nanos = options.checkpointMinutes() * 60e9;
            this.intervalNanos = nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
        }

        /** The stage now running, its step and the CP-ALS fit it began with (NaN if none). */
        void stage(int s, TrainingStep st, double fit) {
            stage = s;
            step = st;
            handOffFit = fit;
        }

        @Override
        public boolean due() {
            return System.nanoTime() - lastWrite >= intervalNanos;
        }

        @Override
        public void save(RunCheckpoint.MidStage state, INDArray stageBest, int iteration) throws java.io.IOException {
            write(stage, iteration, handOffFit, state, step, null, stageBest);
            LOG.debug("mid-stage checkpoint: stage {} step {}", stage, state.steps());
        }

        /**
         * Writes a checkpoint of {@code st}'s network (and its optimizer state when it is row-sparse).
         *
         * @param newBest the final-model choice's network when it changed since the last checkpoint, else null
         */
        void write(int nextStage, int iteration, double fit, RunCheckpoint.MidStage state, TrainingStep st,
                MultiLayerNetwork newBest, INDArray stageBest) throws java.io.IOException {
            io.github.finegrain.optim.OptimizerState optimizer = st instanceof SparseTrainingStep sparse
                    ? sparse.state() : null;
            new RunCheckpoint(RunCheckpoint.FORMAT_VERSION, nextStage, iteration, stream.epoch(), stream.position(),
                    (System.nanoTime() - t0) / 1e9, fit, setup.fingerprint, List.copyOf(stages), state, false)
                    .write(dir, new RunCheckpoint.Contents(st.network(), optimizer == null, trace, newBest, bestOnDisk,
                            stageBest, optimizer));
            bestOnDisk |= newBest != null;
            lastWrite = System.nanoTime();
        }
    }

    /**
     * The final-model choice across stages: the lowest best validation log loss, the later stage on a tie (a NaN loss
     * never wins). Holds the chosen stage's network (a swap builds a new network and leaves the old one untouched).
     */
    private static final class FinalChoice {
        private int stage = -1;
        private double loss = Double.NaN;
        private MultiLayerNetwork network;

        /** The choice so far of a resumed run: the finished stages' records and the checkpoint's best network. */
        static FinalChoice of(List<StageRecord> finished, MultiLayerNetwork best) {
            FinalChoice c = new FinalChoice();
            if (best != null) {
                for (StageRecord r : finished) {
                    c.offer(r.index(), r.bestValidationLoss(), best);
                }
            }
            return c;
        }

        /** Offers stage {@code s}'s best; true if it is the new choice. */
        boolean offer(int s, double bestLoss, MultiLayerNetwork net) {
            if (stage < 0 || bestLoss <= loss || Double.isNaN(loss) && !Double.isNaN(bestLoss)) {
                stage = s;
                loss = bestLoss;
                network = net;
                return true;
            }
            return false;
        }

        int stage() {
            return stage;
        }

        double loss() {
            return loss;
        }

        MultiLayerNetwork network() {
            return network;
        }
    }
}
