package io.github.finegrain.model;

import static io.github.finegrain.model.FullRankSpatialLayerTest.randomLabels;
import static io.github.finegrain.model.FullRankSpatialLayerTest.randomRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.factor.CpAlsOptions;
import io.github.finegrain.grid.FineGraining;
import io.github.finegrain.grid.GridSpec;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;

class SpatialModelsTest {

    static final GridSpec COURT = GridSpec.court(4, 5);
    static final GridSpec BOX = GridSpec.defenderBox(3, 3);

    static SpatialNetworks.Options options(DataType type) {
        return new SpatialNetworks.Options(new Adam(0.01), 0.002, 1.0, 42, type);
    }

    static MultiLayerNetwork fullRank(DataType type, int tasks, GridSpec court, GridSpec box, long seed) {
        MultiLayerNetwork n = SpatialNetworks.network(new FullRankSpatialLayer(new SpatialLayerSpec(tasks, court, box)),
                options(type));
        Nd4j.getRandom().setSeed(seed);
        INDArray f = n.getLayer(0).getParam("F");
        f.assign(Nd4j.rand(type, f.shape()).muli(2).subi(1));
        INDArray b = n.getLayer(0).getParam("b");
        b.assign(Nd4j.rand(type, b.shape()).subi(0.5));
        return n;
    }

    static MultiLayerNetwork cp(DataType type, int tasks, GridSpec court, GridSpec box, int rank, long seed) {
        MultiLayerNetwork n = SpatialNetworks.network(new CpSpatialLayer(new CpLayerSpec(tasks, court, box, rank)),
                options(type));
        CpSpatialLayerTest.randomize(n.getLayer(0), seed);
        return n;
    }

    static INDArray logits(MultiLayerNetwork n, INDArray x) {
        return n.feedForwardToLayer(0, x, false).get(1);
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void nestedFineGrainingKeepsFullRankLogitsInBothModes() {
        MultiLayerNetwork coarse = fullRank(DataType.DOUBLE, 3, COURT, BOX, 1);
        INDArray x = randomRows(2000, 3, 2, DataType.DOUBLE);
        INDArray z = logits(coarse, x);
        GridSpec[][] targets = {
            {GridSpec.court(8, 10), BOX}, // court mode only
            {COURT, GridSpec.defenderBox(6, 6)}, // defender mode only
            {GridSpec.court(8, 10), GridSpec.defenderBox(6, 6)}, // both
            {GridSpec.court(40, 50), GridSpec.defenderBox(12, 12)}, // both, by 10 and by 4
        };
        for (GridSpec[] t : targets) {
            MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, t[0], t[1]);
            SpatialLayerSpec spec = ((FullRankSpatialLayer) fine.getLayerWiseConfigurations().getConf(0).getLayer()).spec();
            assertThat(spec).isEqualTo(new SpatialLayerSpec(3, t[0], t[1]));
            assertThat(fine.getLayer(0).getParam("F").shape())
                    .containsExactly(3, t[0].cellCount(), t[1].cellCount() + 1);
            assertThat(maxAbsDiff(logits(fine, x), z)).as(t[0].label() + " / " + t[1].label()).isLessThanOrEqualTo(1e-9);
        }
        // the constant defender entry is carried along the court mode only
        MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, GridSpec.court(8, 10), GridSpec.defenderBox(6, 6));
        FineGraining court = FineGraining.between(COURT, GridSpec.court(8, 10));
        for (int f = 0; f < 80; f++) {
            assertThat(fine.getLayer(0).getParam("F").getDouble(2, f, 36))
                    .isEqualTo(coarse.getLayer(0).getParam("F").getDouble(2, court.parent(f), 9));
        }
    }

    @Test
    void nestedFineGrainingKeepsCpLogitsInBothModes() {
        MultiLayerNetwork coarse = cp(DataType.DOUBLE, 4, COURT, BOX, 3, 3);
        INDArray x = randomRows(2000, 4, 4, DataType.DOUBLE);
        INDArray z = logits(coarse, x);
        GridSpec[][] targets = {
            {GridSpec.court(8, 10), BOX},
            {COURT, GridSpec.defenderBox(6, 6)},
            {GridSpec.court(40, 50), GridSpec.defenderBox(12, 12)},
        };
        for (GridSpec[] t : targets) {
            MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, t[0], t[1]);
            assertThat(((CpSpatialLayer) fine.getLayerWiseConfigurations().getConf(0).getLayer()).spec())
                    .isEqualTo(new CpLayerSpec(4, t[0], t[1], 3));
            assertThat(fine.getLayer(0).getParam("A")).isEqualTo(coarse.getLayer(0).getParam("A"));
            assertThat(fine.getLayer(0).getParam("C").getRow(t[1].cellCount()))
                    .isEqualTo(coarse.getLayer(0).getParam("C").getRow(BOX.cellCount()));
            assertThat(maxAbsDiff(logits(fine, x), z)).as(t[0].label() + " / " + t[1].label()).isLessThanOrEqualTo(1e-9);
        }
    }

    @Test
    void nestedFineGrainingIsExactInFloat() {
        MultiLayerNetwork full = fullRank(DataType.FLOAT, 3, COURT, BOX, 5);
        MultiLayerNetwork factored = cp(DataType.FLOAT, 3, COURT, BOX, 2, 6);
        INDArray x = randomRows(1000, 3, 7, DataType.FLOAT);
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {full, factored}) {
            MultiLayerNetwork fine = SpatialModels.fineGrain(n, GridSpec.court(8, 10), GridSpec.defenderBox(6, 6));
            assertThat(fine.params().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(logits(fine, x)).isEqualTo(logits(n, x));
        }
    }

    @Test
    void nonNestedFineGrainingPreservesTheAreaIntegralPerTaskAndDefenderEntry() {
        GridSpec from = GridSpec.court(8, 10);
        GridSpec to = GridSpec.court(20, 25);
        MultiLayerNetwork coarse = fullRank(DataType.DOUBLE, 2, from, BOX, 8);
        MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, to, BOX);
        INDArray f0 = coarse.getLayer(0).getParam("F");
        INDArray f1 = fine.getLayer(0).getParam("F");
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 10; c++) {
                double before = f0.get(org.nd4j.linalg.indexing.NDArrayIndex.point(a),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .sumNumber().doubleValue() * 25; // 5 x 5 ft cells
                double after = f1.get(org.nd4j.linalg.indexing.NDArrayIndex.point(a),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .sumNumber().doubleValue() * 4; // 2 x 2 ft cells
                assertThat(after).isCloseTo(before, within(1e-9));
            }
        }
        // a fine cell inside one coarse cell keeps its value exactly: fine (0, 0) = [0, 2) x [0, 2) ft in coarse 0
        assertThat(f1.getDouble(1, 0, 3)).isEqualTo(f0.getDouble(1, 0, 3));
        // fine (2, 0) = x [4, 6) straddles coarse rows 0 and 1: the mean of the two
        assertThat(f1.getDouble(1, 2 * 25, 3)).isCloseTo(0.5 * (f0.getDouble(1, 0, 3) + f0.getDouble(1, 10, 3)),
                within(1e-15));
    }

    @Test
    void fineGrainingKeepsSettingsAndRestartsTheUpdater() {
        MultiLayerNetwork coarse = fullRank(DataType.FLOAT, 3, COURT, BOX, 9);
        INDArray x = randomRows(64, 3, 10, DataType.FLOAT);
        coarse.fit(x, randomLabels(64, 11, DataType.FLOAT));
        assertThat(coarse.getIterationCount()).isEqualTo(1);
        MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, GridSpec.court(8, 10), BOX);
        BaseLayer layer = (BaseLayer) fine.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(layer.getIUpdater()).isEqualTo(new Adam(0.01));
        assertThat(layer.getRegularizationByParam("F")).containsExactly(new L2Regularization(0.002));
        assertThat(layer.getRegularizationByParam("b")).isEmpty();
        assertThat(fine.getIterationCount()).isZero();
        assertThat(fine.getUpdater().getStateViewArray().amaxNumber().doubleValue()).isZero();
        assertThat(fine.getLayerWiseConfigurations().getConf(0).getSeed()).isEqualTo(42);
        // the source network is untouched
        assertThat(coarse.getLayer(0).getParam("F").shape()).containsExactly(3, 20, 10);
        // and the new one trains
        INDArray before = fine.params().dup();
        fine.fit(x, randomLabels(64, 11, DataType.FLOAT));
        assertThat(fine.params()).isNotEqualTo(before);
    }

    @Test
    void factorizeRecoversAPlantedLowRankTensor() {
        int tasks = 6;
        int rank = 3;
        Random rnd = new Random(12);
        double[][] a = randomMatrix(rnd, tasks, rank);
        double[][] b = randomMatrix(rnd, COURT.cellCount(), rank);
        double[][] c = randomMatrix(rnd, BOX.cellCount() + 1, rank);
        MultiLayerNetwork full = SpatialNetworks.network(new FullRankSpatialLayer(new SpatialLayerSpec(tasks, COURT, BOX)),
                new SpatialNetworks.Options(new Sgd(0.05), 0.003, 1, 13, DataType.DOUBLE));
        INDArray f = full.getLayer(0).getParam("F");
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < b.length; j++) {
                for (int l = 0; l < c.length; l++) {
                    double s = 0;
                    for (int k = 0; k < rank; k++) {
                        s += a[i][k] * b[j][k] * c[l][k];
                    }
                    f.putScalar(new long[] {i, j, l}, s);
                }
            }
        }
        full.getLayer(0).getParam("b").assign(Nd4j.createFromArray(new double[][] {{-1, -0.5, 0, 0.5, 1, 1.5}}));

        SpatialModels.Factorized result = SpatialModels.factorize(full,
                CpAlsOptions.ofRank(rank).withMaxIterations(500).withTol(1e-14));
        assertThat(result.fit().relativeError()).isLessThan(1e-8);
        MultiLayerNetwork cpNet = result.network();
        CpSpatialLayer conf = (CpSpatialLayer) cpNet.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(conf.spec()).isEqualTo(new CpLayerSpec(tasks, COURT, BOX, rank));
        assertThat(conf.getIUpdater()).isEqualTo(new Sgd(0.05));
        assertThat(conf.getRegularizationByParam("A")).containsExactly(new L2Regularization(0.003));
        assertThat(cpNet.getLayer(0).getParam("b")).isEqualTo(full.getLayer(0).getParam("b"));

        INDArray x = randomRows(3000, tasks, 14, DataType.DOUBLE);
        INDArray zFull = logits(full, x);
        assertThat(zFull.stdNumber().doubleValue()).isGreaterThan(0.5);
        assertThat(maxAbsDiff(logits(cpNet, x), zFull)).isLessThan(1e-6);

        // λ is spread evenly: column k of A, B and C all have norm λ_k^(1/3)
        double[] lambda = result.fit().weights();
        for (int k = 0; k < rank; k++) {
            double expected = Math.cbrt(lambda[k]);
            for (String key : new String[] {"A", "B", "C"}) {
                double norm = cpNet.getLayer(0).getParam(key).getColumn(k).norm2Number().doubleValue();
                assertThat(norm).as(key + " column " + k).isCloseTo(expected, within(1e-9 * expected));
            }
        }
    }

    @Test
    void factorizedNetworkCanBeFineGrainedAndTrained() {
        MultiLayerNetwork full = fullRank(DataType.FLOAT, 3, COURT, BOX, 15);
        SpatialModels.Factorized r = SpatialModels.factorize(full, CpAlsOptions.ofRank(4));
        assertThat(r.network().params().dataType()).isEqualTo(DataType.FLOAT);
        // a random F is not rank 4: the fit error is what CP-ALS reports, and the logits move accordingly
        assertThat(r.fit().relativeError()).isBetween(0.05, 1.0);
        MultiLayerNetwork fine = SpatialModels.fineGrain(r.network(), GridSpec.court(8, 10), GridSpec.defenderBox(6, 6));
        INDArray x = randomRows(500, 3, 16, DataType.FLOAT);
        assertThat(maxAbsDiff(logits(fine, x), logits(r.network(), x))).isLessThan(1e-6);
        INDArray before = fine.params().dup();
        fine.fit(x, randomLabels(500, 17, DataType.FLOAT));
        assertThat(fine.params()).isNotEqualTo(before);
    }

    @Test
    void rejectsNetworksWithoutAFullRankLayerOrWithAZeroTensor() {
        MultiLayerNetwork factored = cp(DataType.DOUBLE, 3, COURT, BOX, 2, 18);
        assertThatThrownBy(() -> SpatialModels.factorize(factored, CpAlsOptions.ofRank(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("full-rank");
        MultiLayerNetwork untrained = SpatialNetworks.network(
                new FullRankSpatialLayer(new SpatialLayerSpec(3, COURT, BOX)), options(DataType.DOUBLE));
        assertThatThrownBy(() -> SpatialModels.factorize(untrained, CpAlsOptions.ofRank(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all zero");
        assertThatThrownBy(() -> SpatialModels.fineGrain(untrained, null, BOX))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double[][] randomMatrix(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                m[i][k] = rnd.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void fineGrainAndHandOffKeepTheInputLayoutAndHandOffSetsTheLearningRate() {
        InputLayout layout = SpatialLayerContract.OTHER_LAYOUT;
        MultiLayerNetwork full = SpatialNetworks.network(new FullRankSpatialLayer.Builder().tasks(3).court(COURT)
                .defenderBox(BOX).inputLayout(layout).build(), options(DataType.DOUBLE));
        SpatialLayerContract.randomize(full.getLayer(0), 5);
        MultiLayerNetwork finer = SpatialModels.fineGrain(full, GridSpec.court(8, 10), BOX);
        assertThat(((SpatialLayerConf) finer.getLayerWiseConfigurations().getConf(0).getLayer()).inputLayout())
                .isEqualTo(layout);
        SpatialModels.Factorized h = SpatialModels.handOff(finer, 2, 11, 0.003);
        SpatialLayerConf cpConf = (SpatialLayerConf) h.network().getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(cpConf.inputLayout()).isEqualTo(layout);
        assertThat(cpConf.kind()).isEqualTo(ModelKind.CP);
        assertThat(h.network().getLearningRate(0)).isEqualTo(0.003);
        INDArray x = SpatialLayerContract.randomRows(40, 3, 12, DataType.DOUBLE, layout);
        assertThat(h.network().output(x).shape()).containsExactly(40, 1);
        // the same seed gives the same CP-ALS start and so the same factors
        assertThat(SpatialModels.handOff(finer, 2, 11, 0.003).network().params()).isEqualTo(h.network().params());
        assertThatThrownBy(() -> SpatialModels.handOff(finer, 2, 11, 0)).hasMessageContaining("learning rate");
    }
}
