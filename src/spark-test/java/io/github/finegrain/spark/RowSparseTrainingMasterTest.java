package io.github.finegrain.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialParamInitializer;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.optim.OptimizerState;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.SparseTrainingStep;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.TrainingSteps;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The row-sparse step on Spark workers: one averaging round equals the mean of the single-machine row-sparse steps
 * of each worker's minibatches, parameters and moments, and leaves the rows no minibatch touched as they were.
 */
class RowSparseTrainingMasterTest {
    private static JavaSparkContext sc;
    private static List<DataSet> batches;
    private static TaskIndex tasks;

    @BeforeAll
    static void start() throws java.io.IOException {
        sc = SparkContexts.forMaster("finegrain-row-sparse-test", "local[2]");
        ExampleSet train = ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples();
        train = train.subset(IntStream.range(0, 1024).toArray());
        tasks = TaskIndexes.fromTraining(train, 50);
        DataSet rows = ExampleRows.training(train, tasks, DataType.DOUBLE);
        rows.shuffle(3);
        batches = rows.batchBy(128).subList(0, 4); // four full minibatches
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** A fresh full-rank 8x10 / 3x3 network with Adam (the dense equivalent of lazy Adam) and L2 {@code l2}. */
    private static MultiLayerNetwork network(String optimizer, double l2) {
        StageSpec stage = new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), GridSpec.defenderBox(3, 3));
        return new DefaultStageTransition().create(stage, tasks.size(), -2.0, 4, new SpatialNetworks.Options(
                TrainingSteps.updater(optimizer, 0.05), l2, 1.0, 7L, DataType.DOUBLE));
    }

    private static ParameterAveragingTrainingMaster.Builder builder(int workers, int frequency) {
        return new ParameterAveragingTrainingMaster.Builder(workers, 128).batchSizePerWorker(128)
                .averagingFrequency(frequency).workerPrefetchNumBatches(0).saveUpdater(true)
                .repartionData(Repartition.Never).rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(null)
                .collectTrainingStats(false).rngSeed(1);
    }

    /** The single machine: the row-sparse step of {@code optimizer} on {@code part}, from {@code start}. */
    private static SparseTrainingStep local(MultiLayerNetwork start, String optimizer, double l2,
            List<DataSet> part) {
        MultiLayerNetwork net = start.clone();
        SparseTrainingStep step = SparseTrainingStep.of(net, SparseOptimizer.named(optimizer,
                TrainingSteps.learningRate(net), l2));
        part.forEach(step::fit);
        return step;
    }

    /**
     * One round of two workers, each on two minibatches: parameters and moments are the mean of the two workers'
     * single-machine row-sparse steps (DL4J's parameter averaging of finegrain's step).
     */
    @Test
    void oneRoundOfTwoWorkersIsTheMeanOfTheirSingleMachineRowSparseSteps() {
        for (String optimizer : List.of("lazy-adam", "adagrad")) {
            double l2 = 1e-3;
            MultiLayerNetwork start = network(optimizer, l2);
            SparseTrainingStep a = local(start, optimizer, l2, batches.subList(0, 2));
            SparseTrainingStep b = local(start, optimizer, l2, batches.subList(2, 4));
            SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, start.clone(),
                    new RowSparseTrainingMaster(builder(2, 2), optimizer, l2));
            // parallelize keeps the order: worker 0 gets minibatches 0 and 1, worker 1 gets 2 and 3
            MultiLayerNetwork averaged = spark.fit(sc.parallelize(batches, 2));

            INDArray expected = a.network().params().add(b.network().params()).divi(2);
            assertThat(averaged.params().sub(expected).amaxNumber().doubleValue()).as(optimizer).isLessThan(1e-12);
            assertThat(averaged.params().sub(start.params()).amaxNumber().doubleValue()).as(optimizer).isPositive();
            // the moments came back through DL4J's updater state and were averaged too
            OptimizerState s = RowSparseTrainingMaster.state(averaged, SparseOptimizer.named(optimizer, 0.05, l2));
            for (int k = 0; k < s.blocks().size(); k++) {
                double[] va = a.state().secondMoment(k);
                double[] vb = b.state().secondMoment(k);
                double[] v = s.secondMoment(k);
                for (int i = 0; i < v.length; i++) {
                    double ev = (va[i] + vb[i]) / 2;
                    assertThat(v[i]).as(optimizer + " " + s.blocks().get(k).key() + " " + i)
                            .isCloseTo(ev, within(1e-12 * Math.max(1, Math.abs(ev))));
                }
                if (s.config().kind() == SparseOptimizer.Kind.LAZY_ADAM) {
                    double[] ma = a.state().firstMoment(k);
                    double[] mb = b.state().firstMoment(k);
                    double[] m = s.firstMoment(k);
                    for (int i = 0; i < m.length; i++) {
                        assertThat(m[i]).isCloseTo((ma[i] + mb[i]) / 2, within(1e-12));
                    }
                }
            }
            assertThat(a.state().secondMoment(0)).as(optimizer).isNotEqualTo(b.state().secondMoment(0));
        }
    }

    /**
     * After a first round, DL4J's dense Adam keeps moving every row its moments remember; the row-sparse workers move,
     * in the second round, exactly the rows that round's minibatches touch (the single machine's row-sparse contract).
     */
    @Test
    void theSecondRoundMovesOnlyTheRowsItsMinibatchesTouch() {
        MultiLayerNetwork start = network("lazy-adam", 0);
        MultiLayerNetwork sparse1 = new SparkDl4jMultiLayer(sc, start.clone(),
                new RowSparseTrainingMaster(builder(2, 2), "lazy-adam", 0)).fit(sc.parallelize(batches, 2));
        MultiLayerNetwork dense1 = new SparkDl4jMultiLayer(sc, start.clone(), builder(2, 2).build())
                .fit(sc.parallelize(batches, 2));
        List<DataSet> second = batches.subList(0, 1);
        MultiLayerNetwork sparse2 = new SparkDl4jMultiLayer(sc, sparse1.clone(),
                new RowSparseTrainingMaster(builder(1, 1), "lazy-adam", 0)).fit(sc.parallelize(second, 1));
        MultiLayerNetwork dense2 = new SparkDl4jMultiLayer(sc, dense1.clone(), builder(1, 1).build())
                .fit(sc.parallelize(second, 1));
        // the rows minibatch 0 touches: those a single-machine row-sparse step on it moves
        boolean[] touched = moved(start, local(start, "lazy-adam", 0, second).network());
        boolean[] sparse = moved(sparse1, sparse2);
        boolean[] dense = moved(dense1, dense2);
        int t = count(touched);
        assertThat(t).isGreaterThan(0).isLessThan(touched.length / 2);
        assertThat(sparse).containsExactly(touched);
        assertThat(count(dense)).isGreaterThan(2 * t); // first-round moments move rows minibatch 0 never touches
    }

    /** Per weight row (task, court cell) of F: whether it differs between the two networks. */
    private static boolean[] moved(MultiLayerNetwork from, MultiLayerNetwork to) {
        INDArray w0 = from.getLayer(0).getParam(FullRankSpatialParamInitializer.WEIGHT_KEY);
        INDArray w1 = to.getLayer(0).getParam(FullRankSpatialParamInitializer.WEIGHT_KEY);
        long rows = w0.size(0) * w0.size(1);
        double[] change = w1.sub(w0).reshape(rows, -1).norm1(1).toDoubleVector();
        boolean[] out = new boolean[change.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = change[i] != 0;
        }
        return out;
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    /** What the driver stores after a fine-graining is what the workers' next round starts from. */
    @Test
    void storedMomentsAreTheStateTheWorkersRead() {
        SparseTrainingStep trained = local(network("lazy-adam", 0), "lazy-adam", 0, batches.subList(0, 2));
        MultiLayerNetwork fresh = network("lazy-adam", 0);
        SparseOptimizer o = SparseOptimizer.named("lazy-adam", 0.05, 0);
        assertThat(RowSparseTrainingMaster.state(fresh, o).secondMoment(0)).containsOnly(0.0);
        RowSparseTrainingMaster.store(fresh, trained.state());
        OptimizerState read = RowSparseTrainingMaster.state(fresh, o);
        for (int k = 0; k < read.blocks().size(); k++) {
            assertThat(read.firstMoment(k)).containsExactly(trained.state().firstMoment(k));
            assertThat(read.secondMoment(k)).containsExactly(trained.state().secondMoment(k));
        }
        // the DL4J state view the master broadcasts holds them
        assertThat(fresh.getUpdater().getStateViewArray().amaxNumber().doubleValue()).isPositive();
    }

    @Test
    void theMasterRejectsAnotherOptimizerOrNoSavedUpdater() {
        assertThatThrownBy(() -> new RowSparseTrainingMaster(builder(2, 2), "adam", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lazy-adam or adagrad");
        assertThatThrownBy(() -> new RowSparseTrainingMaster(builder(2, 2).saveUpdater(false), "lazy-adam", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saveUpdater(true)");
        assertThatThrownBy(() -> RowSparseTrainingMaster.state(network("sgd", 0),
                SparseOptimizer.named("lazy-adam", 0.05, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no 'M' state");
    }
}
