package io.github.finegrain.spark;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.FineGrainRule;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.SpatialEntropy;
import io.github.finegrain.train.StageObservation;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.StageTransition;
import io.github.finegrain.train.SwapStep;
import io.github.finegrain.train.TraceRow;
import io.github.finegrain.train.TrainedModel;
import io.github.finegrain.train.SparseTrainingStep;
import io.github.finegrain.train.TrainingStep;
import io.github.finegrain.train.TrainingSteps;
import io.github.finegrain.train.ValidationLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * MMT-SE (the paper's Algorithm 1) on Apache Spark: every stage trains with DL4J's {@link SparkDl4jMultiLayer} under
 * a {@link ParameterAveragingTrainingMaster}, and the <b>driver</b> runs the stage loop of the single-machine
 * {@link MultiResolutionTrainer}: after each averaging round it measures the spatial entropy of what the round
 * changed, validates, asks the same {@link FineGrainRule} ({@link FineGrainRules#create} of the options' criterion
 * and parameters) and performs the fine-graining or the CP hand-off with the same {@link SwapStep} (hence the same
 * {@link StageTransition}), then continues with a new {@code SparkDl4jMultiLayer} on the new network.
 *
 * <p><b>Rounds.</b> The training minibatches come as an RDD that is never collected on the driver. Each epoch the
 * driver draws a permutation of the minibatch ids (ints, not data; seeded by the options' seed and the epoch) and
 * cuts it into rounds of {@code workers × averagingFrequency} minibatches; one shuffle puts the epoch's minibatches
 * into one partition per (round, worker), persisted (memory, then disk) for the epoch, and the source RDD is read
 * again the next epoch (an example file is read once an epoch, like the single machine's streamed training). A
 * round is a pruned view of its {@code workers} partitions: each worker trains on its {@code averagingFrequency}
 * minibatches from the broadcast parameters and updater state, and the driver averages parameters and updater
 * state (one {@code SparkDl4jMultiLayer.fit} = one round).
 *
 * <p><b>The entropy of a round</b> (paper Sec. 3.1, the driver's readings), for the court-mode parameter θ
 * (F[a, b, c] of the full-rank layer, B[b, k] of the CP layer): the mass of court cell b is the sum over the other
 * axes (tasks and defender cells, or the rank) of |x|, and S = −Σ_b P_b log P_b with P_b = m_b / Σ m, normalized by
 * log(#court cells). Two readings go into the {@link EntropyReading}, both as of a completed window:
 * <ul>
 * <li>{@code minibatch} (trace {@code entropy}): x = Δθ = θ_after − θ_before, what the round changed. With plain
 * SGD, Δθ = −η/workers · Σ g over the round's {@code workers × averagingFrequency} minibatches (plus L2), which is
 * the single-machine window statistic S of |Σ_window g| for a window of that many minibatches (the default averaging
 * frequency makes a round as long as the options' window W). With Adam, Δθ is Adam-preconditioned: every touched
 * coordinate moves by about η whatever its gradient, so S(Δθ) only says which cells the data touched (measured on the
 * bundled data: 0.99 normalized at every round, and the plateau rule fires as soon as it may).</li>
 * <li>{@code window} (trace {@code windowEntropy}; what the window rules decide on): x = Adam's first moment m,
 * averaged over the workers with the updater state: an exponential moving average of the signed gradient
 * (β₁ = 0.9: about the last 10 minibatches of each worker), the counterpart of the single-machine Σ_window g.
 * When the updater keeps no first moment (SGD, AdaGrad) it is the Δθ reading.</li>
 * </ul>
 *
 * <p><b>Counting.</b> A stage's step count (the rule's {@code minSteps}, {@code maxStepsPerStage}, the trace's
 * iteration) counts minibatches trained, summed over workers; the rule observes once per round, validation runs on the
 * driver after every round (not every {@code validationEvery} minibatches). The stage keeps its best-validation
 * parameters and the final model is the stage with the lowest best validation log loss, as on one machine.
 *
 * <p><b>Optimizer.</b> With the row-sparse optimizers ({@code lazy-adam}, {@code adagrad}, the default) the workers
 * train with the single-machine trainer's {@link io.github.finegrain.train.SparseTrainingStep} inside DL4J's
 * parameter averaging ({@link RowSparseTrainingMaster}: its moments live in DL4J's updater state, broadcast and
 * averaged with the parameters); with {@code adam} and {@code sgd}, DL4J's {@code net.fit} with the network's updater.
 * At a fine-graining the driver carries the averaged moments to the finer grid as the single machine does (fresh
 * after the hand-off); with {@code adam} and {@code sgd} DL4J's updater state starts fresh at every swap. There are
 * no checkpoints.
 */
public final class SparkMultiResolutionTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkMultiResolutionTrainer.class);

    /**
     * How the work is spread.
     *
     * @param workers            minibatch streams per round (0: the context's default parallelism, e.g. N of
     *                           {@code local[N]})
     * @param averagingFrequency minibatches each worker trains between two averagings (0: ceil(W / workers) for the
     *                           options' window W, so that a round is one entropy window)
     */
    public record Settings(int workers, int averagingFrequency) {
        /** Validates the settings. */
        public Settings {
            if (workers < 0 || averagingFrequency < 0) {
                throw new IllegalArgumentException("workers and averaging frequency must be >= 0 (0: automatic), "
                        + "found " + workers + ", " + averagingFrequency);
            }
        }

        /** Both automatic. */
        public static Settings automatic() {
            return new Settings(0, 0);
        }
    }

    /**
     * A Spark run.
     *
     * @param run                the run in the single-machine trainer's terms
     * @param rounds             parameter-averaging rounds over all stages
     * @param workers            workers per round
     * @param averagingFrequency minibatches per worker per round
     * @param reading            what the window reading measured: {@link #READING_FIRST_MOMENT} (every round's updater
     *                           kept a first moment) or {@link #READING_PARAMETER_CHANGE} (at least one did not)
     */
    public record Result(MultiResolutionTrainer.Result run, int rounds, int workers, int averagingFrequency,
            String reading) {
    }

    /** {@link Result#reading()}: the window reading is the entropy of the averaged first moment (Adam). */
    public static final String READING_FIRST_MOMENT = "first-moment";
    /** {@link Result#reading()}: the window reading is the entropy of the round's parameter change. */
    public static final String READING_PARAMETER_CHANGE = "parameter-change";

    private final JavaSparkContext sc;
    private final MultiResolutionOptions options;
    private final StageTransition transition;
    private final Settings settings;
    private MultiResolutionTrainer.Progress progress;

    /**
     * @param sc         the Spark context (not stopped here)
     * @param options    the schedule and hyperparameters (the same as for the single-machine trainer)
     * @param transition how networks are created, fine-grained and handed off
     * @param settings   workers and averaging frequency
     */
    public SparkMultiResolutionTrainer(JavaSparkContext sc, MultiResolutionOptions options,
            StageTransition transition, Settings settings) {
        this.sc = sc;
        this.options = options;
        this.transition = transition;
        this.settings = settings;
    }

    /** Reports progress to {@code p} (on the driver); null: silent. */
    public SparkMultiResolutionTrainer withProgress(MultiResolutionTrainer.Progress p) {
        this.progress = p;
        return this;
    }

    /**
     * Trains on {@code train} (examples held by the driver, e.g. the bundled data: their rows are shuffled once with
     * the options' seed, cut into minibatches and partitioned over the cluster once), validating on
     * {@code validation} on the driver.
     *
     * @throws IllegalArgumentException if either set is empty or the rank does not fit the hand-off tensor
     */
    public Result fit(ExampleSet train, ExampleSet validation) {
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("need training and validation examples, found " + train.size()
                    + " and " + validation.size());
        }
        TaskIndex tasks = TaskIndexes.fromTraining(train, options.minTaskExamples());
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        double positives = rows.getLabels().sumNumber().doubleValue() / rows.numExamples();
        String fingerprint = ExampleRows.fingerprint(train);
        rows.shuffle(options.seed());
        List<DataSet> batches = rows.batchBy(options.batchSize());
        int workers = workers();
        // cached: the driver's rows are in memory anyway, and every epoch reads them again
        JavaRDD<DataSet> minibatches = sc.parallelize(batches, Math.max(workers, Math.min(batches.size(),
                4 * workers))).persist(StorageLevel.MEMORY_ONLY());
        try {
            return fit(minibatches, tasks, positives, fingerprint,
                    ExampleRows.scoring(validation, tasks, options.dataType()), validation.labels());
        } finally {
            minibatches.unpersist(false);
        }
    }

    /**
     * Trains on an RDD of training minibatches ({@link io.github.finegrain.model.InputRow} rows: features
     * {@code [rows, InputRow.WIDTH]} with the task index of {@code tasks}, labels {@code [rows, 1]}; at most the
     * options' batch size rows each), which is cached here and never collected.
     *
     * @param positiveRate share of positive training rows (for the initial bias)
     * @param fingerprint  identifies the training rows (recorded in the model)
     * @param val          validation rows (scoring layout of {@link ExampleRows#scoring}), held by the driver
     * @param valLabels    their labels
     */
    public Result fit(JavaRDD<DataSet> minibatches, TaskIndex tasks, double positiveRate, String fingerprint,
            DataSet val, byte[] valLabels) {
        options.checkRankFits(tasks.size());
        int workers = workers();
        int frequency = settings.averagingFrequency() > 0 ? settings.averagingFrequency()
                : Math.max(1, (options.window() + workers - 1) / workers);
        // ids in the RDD's order (deterministic when recomputed: the source is read again every epoch)
        JavaPairRDD<Long, DataSet> byId = minibatches.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
        int batchCount = (int) byId.count();
        if (batchCount == 0) {
            throw new IllegalArgumentException("no training minibatches");
        }
        // the rows of an epoch (one more pass over the source), for the L2 prior (MultiResolutionOptions#l2For)
        long trainingRows = byId.values().map(d -> (long) d.numExamples()).reduce(Long::sum);
        Run run = new Run(byId, batchCount, trainingRows, workers, frequency, tasks, positiveRate, fingerprint, val, valLabels);
        MultiResolutionTrainer.Result r;
        try {
            r = run.run();
        } finally {
            run.release();
        }
        return new Result(r, run.rounds, workers, frequency,
                run.deltaReadings > 0 ? READING_PARAMETER_CHANGE : READING_FIRST_MOMENT);
    }

    /** Whether the workers of {@code optimizer} run the row-sparse step ({@link RowSparseTrainingMaster}). */
    static boolean rowSparse(String optimizer) {
        return optimizer.equals("lazy-adam") || optimizer.equals("adagrad");
    }

    private int workers() {
        return settings.workers() > 0 ? settings.workers() : Math.max(1, sc.defaultParallelism());
    }

    /** One run's state: the epoch's permutation and the position in it. */
    private final class Run {
        private final JavaPairRDD<Long, DataSet> byId;
        private final int batchCount;
        private final long trainingRows;
        private final int workers;
        private final int frequency;
        private final TaskIndex tasks;
        private final double positiveRate;
        private final String fingerprint;
        private final DataSet val;
        private final byte[] valLabels;
        private final List<TraceRow> trace = new ArrayList<>();
        private int epoch;
        private int roundInEpoch;
        private int roundsPerEpoch;
        /** This epoch's minibatches, one partition per (round, worker); persisted for the epoch. */
        private JavaPairRDD<Integer, DataSet> epochData;
        private int rounds;
        /** Rounds whose window reading fell back to the parameter change (no first moment). */
        private int deltaReadings;

        Run(JavaPairRDD<Long, DataSet> byId, int batchCount, long trainingRows, int workers, int frequency,
                TaskIndex tasks, double positiveRate, String fingerprint, DataSet val, byte[] valLabels) {
            this.byId = byId;
            this.batchCount = batchCount;
            this.trainingRows = trainingRows;
            this.workers = workers;
            this.frequency = frequency;
            this.tasks = tasks;
            this.positiveRate = positiveRate;
            this.fingerprint = fingerprint;
            this.val = val;
            this.valLabels = valLabels;
        }

        /**
         * The next round's minibatches, {@code frequency} (or fewer at the end of an epoch) in each of
         * {@code workers} partitions.
         */
        JavaRDD<DataSet> nextRound() {
            int perRound = workers * frequency;
            if (epochData == null || roundInEpoch == roundsPerEpoch) {
                if (epochData != null) {
                    epochData.unpersist(false);
                }
                epoch++;
                int[] position = new int[batchCount]; // minibatch id -> position in this epoch
                int[] perm = IntStream.range(0, batchCount).toArray();
                Random r = new Random(options.seed() * 31 + epoch);
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                for (int i = 0; i < perm.length; i++) {
                    position[perm[i]] = i;
                }
                roundsPerEpoch = (batchCount + perRound - 1) / perRound;
                roundInEpoch = 0;
                // one shuffle an epoch: position p goes to round p / perRound, worker p % workers, i.e. partition
                // round * workers + worker (a HashPartitioner of n partitions puts key k < n into partition k)
                Broadcast<int[]> o = sc.broadcast(position);
                int w = workers;
                epochData = byId.mapToPair(t -> {
                    int p = o.value()[(int) (long) t._1()];
                    return new Tuple2<>(p / perRound * w + p % w, t._2());
                }).partitionBy(new HashPartitioner(roundsPerEpoch * workers))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                epochData.count(); // materialize now, so that the broadcast can go
                o.destroy();
            }
            int round = roundInEpoch++;
            org.apache.spark.rdd.RDD<Tuple2<Integer, DataSet>> pruned = org.apache.spark.rdd.PartitionPruningRDD
                    .create(epochData.rdd(), new PartitionRange(round * workers, (round + 1) * workers));
            return new JavaRDD<>(pruned, scala.reflect.ClassTag$.MODULE$.apply(Tuple2.class)).map(Tuple2::_2);
        }

        /** Drops the epoch's persisted minibatches. */
        void release() {
            if (epochData != null) {
                epochData.unpersist(false);
                epochData = null;
            }
        }

        MultiResolutionTrainer.Result run() {
            long t0 = System.nanoTime();
            double rate = Math.min(Math.max(positiveRate, 1e-4), 1 - 1e-4);
            SpatialNetworks.Options netOptions = new SpatialNetworks.Options(options.updater(),
                    options.l2For(trainingRows), options.positiveWeight(), options.seed(), options.dataType());
            List<StageSpec> ladder = options.ladder();
            StageSpec first = ladder.get(0);
            MultiLayerNetwork net = transition.create(first, tasks.size(), Math.log(rate / (1 - rate)),
                    options.rank(), netOptions);
            if (first.kind() == ModelKind.CP) {
                net.setLearningRate(options.cpLearningRate());
            }
            SwapStep swap = new SwapStep(transition, options);
            List<StageRecord> stages = new ArrayList<>();
            int finalStage = -1;
            double finalLoss = Double.NaN;
            MultiLayerNetwork finalNet = null;
            double handOffFit = Double.NaN;
            int iteration = 0;
            double stepSeconds = 0;
            double validationSeconds = 0;
            for (int s = 0; s < ladder.size(); s++) {
                StageSpec stage = ladder.get(s);
                boolean last = s + 1 == ladder.size();
                long stageStart = System.nanoTime();
                Stage o = stage(s, stage, last ? "stop" : SwapStep.event(stage, ladder.get(s + 1)), net, iteration,
                        t0, validationSeconds);
                net = o.network;
                iteration += o.steps;
                stepSeconds += o.stepSeconds;
                validationSeconds += o.validationSeconds;
                StageRecord record = new StageRecord(s, stage.kind().label(), stage.court().label(),
                        stage.defenderBox().label(), o.steps, (System.nanoTime() - stageStart) / 1e9, o.endReason,
                        o.startLoss, o.bestLoss, "best-validation@" + o.bestStep, handOffFit, o.stepSeconds,
                        o.validationSeconds);
                stages.add(record);
                if (progress != null) {
                    progress.stageEnded(record);
                }
                LOG.info("stage {} ({}) ended after {} minibatches in {} rounds: {}; best validation log loss {}", s,
                        stage.label(), o.steps, o.rounds, o.endReason, String.format("%.5f", o.bestLoss));
                if (finalStage < 0 || o.bestLoss <= finalLoss || Double.isNaN(finalLoss) && !Double.isNaN(o.bestLoss)) {
                    finalStage = s;
                    finalLoss = o.bestLoss;
                    finalNet = net;
                }
                if (last || o.endReason.equals("time-budget")) {
                    break;
                }
                SwapStep.Swapped next = swap.next(swapStep(net), stage, ladder.get(s + 1));
                net = next.step().network();
                if (next.step() instanceof SparseTrainingStep sparse) {
                    // the fine-grained moments (fresh ones after a hand-off) go to the workers as DL4J's state
                    RowSparseTrainingMaster.store(net, sparse.state());
                }
                handOffFit = next.handOffFit();
            }
            finalNet.setListeners();
            TrainedModel model = new TrainedModel(finalNet, tasks, options.seed(), fingerprint);
            return new MultiResolutionTrainer.Result(model, stages, trace, (System.nanoTime() - t0) / 1e9,
                    stepSeconds, validationSeconds, finalStage, trainingRows, options.l2For(trainingRows));
        }

        /**
         * The step whose swap moves {@code net} to the next stage: with row-sparse workers, a row-sparse step over the
         * averaged moments in the network's DL4J updater state, so that a fine-graining carries them as on one
         * machine ({@link io.github.finegrain.optim.StateFineGraining}); otherwise DL4J's own step.
         */
        private TrainingStep swapStep(MultiLayerNetwork net) {
            if (!rowSparse(options.optimizer())) {
                return TrainingStep.dense(net);
            }
            SparseOptimizer o = SparseOptimizer.named(options.optimizer(), TrainingSteps.learningRate(net),
                    options.l2For(trainingRows));
            return SparseTrainingStep.resume(net, RowSparseTrainingMaster.state(net, o));
        }

        /** How a stage went (see {@code StageRecord}). */
        private record Stage(MultiLayerNetwork network, int steps, int rounds, String endReason, double startLoss, double bestLoss, int bestStep,
                double stepSeconds, double validationSeconds) {
        }

        /** Trains one stage on {@code net} until the rule, the step limit, the budget or divergence ends it. */
        private Stage stage(int s, StageSpec stage, String nextEvent, MultiLayerNetwork net, int iteration, long t0,
                double priorValidationSeconds) {
            ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers,
                    options.batchSize()).batchSizePerWorker(options.batchSize()).averagingFrequency(frequency)
                    .workerPrefetchNumBatches(0).saveUpdater(true).repartionData(Repartition.Never)
                    .rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(null)
                    .collectTrainingStats(false).rngSeed(options.seed() + s);
            ParameterAveragingTrainingMaster tm = rowSparse(options.optimizer())
                    ? new RowSparseTrainingMaster(b, options.optimizer(), options.l2For(trainingRows)) : b.build();
            SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, tm);
            FineGrainRule rule = FineGrainRules.create(options.criterion(), options.rules());
            if (progress != null) {
                progress.stageStarted(s, stage, options.maxStepsPerStage());
            }
            Located at = locate(net);
            int cells = at.conf.spatialSpec().court().cellCount();
            int[] others = IntStream.range(0, at.layer.getParam(at.conf.courtModeParam()).rank())
                    .filter(d -> d != at.conf.courtAxis()).toArray();
            long v0 = System.nanoTime();
            double startLoss = ValidationLoss.of(net, val, valLabels);
            long validationNanos = System.nanoTime() - v0;
            long stepNanos = 0;
            INDArray best = net.params().dup();
            double bestLoss = startLoss;
            int bestStep = 0;
            int steps = 0;
            int stageRounds = 0;
            String endReason = null;
            while (endReason == null) {
                long a = System.nanoTime();
                JavaRDD<DataSet> round = nextRound();
                INDArray before = locate(spark.getNetwork()).layer.getParam(at.conf.courtModeParam()).dup();
                spark.fit(round);
                MultiLayerNetwork after = spark.getNetwork();
                int done = (int) Math.min(workers * (long) frequency,
                        batchCount - (long) (roundInEpoch - 1) * workers * frequency);
                stepNanos += System.nanoTime() - a;
                rounds++;
                stageRounds++;
                steps += done;
                long e0 = System.nanoTime();
                Located now = locate(after);
                INDArray delta = now.layer.getParam(at.conf.courtModeParam()).sub(before);
                double[] mass = delta.norm1(others).toDoubleVector();
                delta.close();
                before.close();
                double logCells = Math.log(Math.max(2, cells));
                double entropy = SpatialEntropy.entropy(mass);
                INDArray moment = firstMoment(after, now);
                if (moment == null) {
                    deltaReadings++;
                }
                double windowEntropy = moment == null ? entropy
                        : SpatialEntropy.entropy(moment.norm1(others).toDoubleVector());
                double loss = spark.getScore();
                EntropyReading reading = new EntropyReading(iteration + steps, loss, entropy, entropy / logCells,
                        true, windowEntropy, windowEntropy / logCells, Double.NaN, Double.NaN, Double.NaN,
                        System.nanoTime() - e0);
                if (progress != null) {
                    progress.step(s, steps, loss);
                }
                a = System.nanoTime();
                double vl = ValidationLoss.of(after, val, valLabels);
                validationNanos += System.nanoTime() - a;
                if (!Double.isFinite(loss) || !Double.isFinite(vl)) {
                    endReason = "diverged: " + (!Double.isFinite(loss) ? "round training score " + loss
                            : "validation loss " + vl) + " at step " + steps;
                } else if (vl < bestLoss) {
                    bestLoss = vl;
                    bestStep = steps;
                    best.assign(after.params());
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (endReason != null) {
                    LOG.warn("stage {} ({}) stopped: {}; it keeps the best-validation parameters of step {}", s,
                            stage.label(), endReason, bestStep);
                } else {
                    endReason = FineGrainRules.endReason(rule, new StageObservation(steps, loss, reading, vl),
                            options, elapsed);
                }
                String event = endReason == null ? "" : endReason.equals("time-budget") ? "stop" : nextEvent;
                trace.add(new TraceRow(elapsed, elapsed - priorValidationSeconds - validationNanos / 1e9,
                        iteration + steps, epoch, s, stage.kind().label(),
                        stage.court().label(), stage.defenderBox().label(), reading, vl, event));
            }
            MultiLayerNetwork trained = spark.getNetwork();
            trained.setParams(best);
            best.close();
            return new Stage(trained, steps, stageRounds, endReason, startLoss, bestLoss, bestStep, stepNanos / 1e9,
                    validationNanos / 1e9);
        }
    }

    /**
     * The averaged first moment m of the court-mode parameter (Adam and its relatives keep one: an exponential
     * moving average of the signed gradient, averaged over the workers with the rest of the updater state), shaped
     * like the parameter; null when the network's updater keeps none (SGD, AdaGrad) or has no state yet.
     */
    static INDArray firstMoment(MultiLayerNetwork net, Located at) {
        String key = at.conf.courtModeParam();
        INDArray m = UpdaterStates.find(net, at.layer, key, "M");
        // the layer's parameter views are 'c'-order reshapes of its slice of the flat vector
        return m == null ? null : m.reshape('c', at.layer.getParam(key).shape());
    }

    /** Keeps the partitions {@code [from, to)} of an RDD (for {@code PartitionPruningRDD}, on the driver). */
    private static final class PartitionRange extends scala.runtime.AbstractFunction1<Object, Object>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;

        PartitionRange(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= from && p < to;
        }
    }

    /** The spatial layer of a network and its configuration. */
    private record Located(Layer layer, SpatialLayerConf conf) {
    }

    private static Located locate(MultiLayerNetwork net) {
        for (Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof SpatialLayerConf c) {
                return new Located(l, c);
            }
        }
        throw new IllegalStateException("the network holds no finegrain spatial layer");
    }
}
