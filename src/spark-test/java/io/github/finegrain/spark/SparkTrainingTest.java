package io.github.finegrain.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.SpatialEntropyListener;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.TraceRow;
import io.github.finegrain.train.ValidationLoss;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.ROCBinary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/** MMT-SE on Spark in {@code local[2]}: both layers, the driver's swaps, the bundle, the listener on Spark. */
class SparkTrainingTest {
    private static JavaSparkContext sc;
    private static ExampleSet train;
    private static ExampleSet val;
    private static MultiResolutionTrainer.Result run;
    private static SparkMultiResolutionTrainer.Result spark;

    @BeforeAll
    static void start() throws java.io.IOException {
        sc = SparkContexts.forMaster("finegrain-test", "local[2]");
        train = slice(ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples(), 3000);
        val = slice(ExampleBuilder.build(BundledData.load(Split.VAL)).examples(), 800);
        spark = new SparkMultiResolutionTrainer(sc, options(), new DefaultStageTransition(),
                new SparkMultiResolutionTrainer.Settings(2, 2)).fit(train, val);
        run = spark.run();
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    static ExampleSet slice(ExampleSet ex, int n) {
        return ex.subset(IntStream.range(0, n).toArray());
    }

    /**
     * Full-rank 4x5 → 8x10 (fine-graining), the CP hand-off at 8x10, CP 8x10 → 20x25 (fine-graining); each stage
     * ends at the step limit of 12 minibatches (the rule never fires), i.e. 3 rounds of 2 workers × 2 minibatches.
     */
    static MultiResolutionOptions options() {
        GridSpec d3 = GridSpec.defenderBox(3, 3);
        GridSpec d6 = GridSpec.defenderBox(6, 6);
        List<StageSpec> ladder = List.of(
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(20, 25), d6));
        return MultiResolutionOptions.builder().ladder(ladder).rank(4).criterion(FineGrainRules.Criterion.NEVER)
                .batchSize(256).optimizer("adam").dataType(DataType.DOUBLE).seed(5L).maxStepsPerStage(12).build();
    }

    @Test
    void bothLayersTrainOnSparkAndTheDriverFineGrainsAndHandsOff() {
        assertThat(run.stages()).extracting(StageRecord::kind).containsExactly("full-rank", "full-rank", "cp", "cp");
        assertThat(run.stages()).extracting(StageRecord::court).containsExactly("4x5", "8x10", "8x10", "20x25");
        assertThat(run.stages()).extracting(StageRecord::endReason).containsOnly("max-steps");
        assertThat(run.stages()).extracting(StageRecord::iterations).containsOnly(12);
        assertThat(spark.rounds()).isEqualTo(12);
        assertThat(spark.reading()).isEqualTo(SparkMultiResolutionTrainer.READING_FIRST_MOMENT);
        assertThat(spark.workers()).isEqualTo(2);
        assertThat(run.trace()).hasSize(12);
        assertThat(run.trace()).extracting(TraceRow::event).filteredOn(e -> !e.isEmpty())
                .containsExactly("fine-grain", "hand-off", "fine-grain", "stop");
        assertThat(run.stages().get(2).handOffFit()).isBetween(0.0, 1.0);
        for (StageRecord s : run.stages()) {
            // each layer learned on Spark: the averaged parameters beat the stage's start on the validation games
            assertThat(s.bestValidationLoss()).as(s.kind() + " " + s.court()).isLessThan(s.startValidationLoss());
        }
        for (TraceRow r : run.trace()) {
            // the driver's reading of each round: a normalized entropy of what the round changed
            assertThat(r.reading().windowCompleted()).isTrue();
            assertThat(r.reading().windowNormalized()).isGreaterThan(0.05).isLessThanOrEqualTo(1.0);
            assertThat(r.reading().minibatchNormalized()).isGreaterThan(0.05).isLessThanOrEqualTo(1.0);
            // under Adam the window reading is the averaged first moment's, not the parameter change's
            assertThat(r.reading().window()).isNotEqualTo(r.reading().minibatch());
            assertThat(r.validationLoss()).isFinite();
        }
        // the final model is the stage with the lowest best validation loss, with that stage's parameters
        StageRecord chosen = run.finalRecord();
        assertThat(chosen.bestValidationLoss()).isEqualTo(
                run.stages().stream().mapToDouble(StageRecord::bestValidationLoss).min().orElseThrow());
        assertThat(ValidationLoss.of(run.model().network(), ExampleRows.scoring(val, run.model().tasks(),
                DataType.DOUBLE), val.labels())).isCloseTo(chosen.bestValidationLoss(), within(1e-9));
    }

    /**
     * The options' default criterion and rule parameters (only the minimum steps lowered) on the bundled slice:
     * every swap of the ladder is the rule's decision, made on the driver. (Planted data of
     * {@code PlantedData.generate(4, 12000, 3, 0.3, 11)} was tried first: there the full-rank stages never beat their
     * start, on one machine either, so it could not show learning.)
     */
    @Test
    void theDefaultRuleDecidesEverySwapOnTheDriver() {
        ExampleSet t = train;
        ExampleSet v = val;
        MultiResolutionOptions defaults = MultiResolutionOptions.defaults();
        // the default rule with its validation plateau scaled to this small test (the default waits 500 minibatches)
        MultiResolutionOptions o = options().toBuilder().criterion(defaults.criterion()).rules(defaults.rules())
                .minSteps(16).plateau(48, defaults.rules().minImprovement()).maxStepsPerStage(2000).build();
        SparkMultiResolutionTrainer.Result r = new SparkMultiResolutionTrainer(sc, o, new DefaultStageTransition(),
                new SparkMultiResolutionTrainer.Settings(2, 2)).fit(t, v);
        List<StageRecord> stages = r.run().stages();
        assertThat(stages).hasSize(4);
        // the three swaps (two fine-grainings, the hand-off) all came from the rule, not the step limit
        assertThat(stages.subList(0, 3)).extracting(StageRecord::endReason)
                .containsOnly("rule:" + o.criterion().cliName());
        assertThat(r.run().trace()).extracting(TraceRow::event).filteredOn(e -> !e.isEmpty())
                .containsExactly("fine-grain", "hand-off", "fine-grain", "stop");
        // the full-rank stages learned on Spark
        assertThat(stages.get(0).bestValidationLoss()).isLessThan(stages.get(0).startValidationLoss());
        assertThat(stages.get(1).bestValidationLoss()).isLessThan(stages.get(1).startValidationLoss());
    }

    @Test
    void aSparkTrainedBundleLoadsWithDl4jAndEvaluates(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.zip");
        ModelBundle.save(run.model(), ModelBundle.manifestOf(run.model(), List.of()), file);
        MultiLayerNetwork loaded = MultiLayerNetwork.load(file.toFile(), false);
        DataSet rows = ExampleRows.scoring(val, run.model().tasks(), DataType.DOUBLE);
        assertThat(loaded.output(rows.getFeatures()).toDoubleVector())
                .containsExactly(run.model().network().output(rows.getFeatures()).toDoubleVector());
        ROCBinary roc = loaded.doEvaluation(new ListDataSetIterator<>(rows.batchBy(200), 200), new ROCBinary())[0];
        assertThat(roc.calculateAUC(0)).isGreaterThan(0.55).isLessThan(1.0);
        assertThat(ModelBundle.load(file).predict(val)).hasSize(val.size());
    }

    @Test
    void theExecutorsReadTheSameTrainingRowsFromAnExampleFileAsTheLocalReader(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("planted.fgex");
        io.github.finegrain.data.PlantedData.write(6, new int[] {1500, 200, 100}, 2, 0.2, 2.0, 3, f, "{}");
        io.github.finegrain.data.ExampleFile file = io.github.finegrain.data.ExampleFile.open(f);
        io.github.finegrain.train.ExampleFileRows scan = io.github.finegrain.train.ExampleFileRows.scan(file,
                Split.TRAIN, Long.MAX_VALUE);
        TaskIndex tasks = TaskIndex.fromCounts(scan.taskCounts(), 100);
        // blocks of 400 examples, minibatches of 128 rows, 3 partitions: the rows are spread over 4 blocks
        List<DataSet> batches = SparkExampleFiles.minibatches(sc, scan, Split.TRAIN, tasks, 128, DataType.FLOAT, 7,
                400, 3).collect();
        assertThat(batches).allSatisfy(b -> assertThat(b.numExamples()).isBetween(1, 128));
        DataSet local = ExampleRows.training(file.read(Split.TRAIN), tasks, DataType.FLOAT);
        assertThat(sortedRows(DataSet.merge(batches))).containsExactly(sortedRows(local));
        assertThat(local.numExamples()).isGreaterThan(1500); // league rows and task rows
    }

    /** The rows of {@code d} (features then label) as strings, sorted: the multiset of rows. */
    private static String[] sortedRows(DataSet d) {
        double[][] x = d.getFeatures().toDoubleMatrix();
        double[] y = d.getLabels().reshape(d.numExamples()).toDoubleVector();
        String[] rows = new String[x.length];
        for (int i = 0; i < x.length; i++) {
            rows[i] = java.util.Arrays.toString(x[i]) + "->" + y[i];
        }
        java.util.Arrays.sort(rows);
        return rows;
    }

    @Test
    void theEntropyListenerAttachedToASparkNetworkDoesNotThrow() {
        TaskIndex tasks = run.model().tasks();
        MultiLayerNetwork net = run.model().network().clone();
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(2, 256)
                .batchSizePerWorker(256).averagingFrequency(2).workerPrefetchNumBatches(0)
                .repartionData(Repartition.Never).collectTrainingStats(false).build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, tm);
        sparkNet.setListeners(new SpatialEntropyListener(2));
        DataSet rows = ExampleRows.training(train, tasks, DataType.DOUBLE);
        JavaRDD<DataSet> data = sc.parallelize(rows.batchBy(256).subList(0, 4), 2);
        double before = net.params().sumNumber().doubleValue();
        MultiLayerNetwork after = sparkNet.fit(data);
        assertThat(after.params().sumNumber().doubleValue()).isNotEqualTo(before);
    }
}
