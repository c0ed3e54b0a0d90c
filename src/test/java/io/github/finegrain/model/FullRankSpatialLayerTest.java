package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.grid.GridSpec;
import java.io.File;
import java.nio.file.Path;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

class FullRankSpatialLayerTest {

    static final SpatialLayerSpec SPEC = new SpatialLayerSpec(3, GridSpec.court(4, 5), GridSpec.defenderBox(3, 3));

    /** Random input rows: tasks in [0, tasks), ball handler inside the court, defenders partly outside the box, some NaN. */
    static INDArray randomRows(int n, int tasks, long seed, DataType type) {
        Random rnd = new Random(seed);
        double[][] rows = new double[n][InputRow.WIDTH];
        for (int r = 0; r < n; r++) {
            rows[r][0] = rnd.nextInt(tasks);
            rows[r][1] = rnd.nextDouble() * 40;
            rows[r][2] = rnd.nextDouble() * 50;
            for (int k = 0; k < 5; k++) {
                boolean absent = rnd.nextDouble() < 0.1;
                rows[r][3 + 2 * k] = absent ? Double.NaN : -8 + rnd.nextDouble() * 16;
                rows[r][4 + 2 * k] = absent ? Double.NaN : -4 + rnd.nextDouble() * 16;
            }
        }
        return Nd4j.createFromArray(rows).castTo(type);
    }

    static INDArray randomLabels(int n, long seed, DataType type) {
        Random rnd = new Random(seed);
        double[][] y = new double[n][1];
        for (int r = 0; r < n; r++) {
            y[r][0] = rnd.nextDouble() < 0.3 ? 1 : 0;
        }
        return Nd4j.createFromArray(y).castTo(type);
    }

    static MultiLayerNetwork net(DataType type, org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerNetwork net = SpatialNetworks.network(new FullRankSpatialLayer(SPEC),
                new SpatialNetworks.Options(updater, 0.0, 1.0, 42, type));
        // random F so that the gradient check is not at a symmetric point
        net.getLayer(0).getParam("F").assign(Nd4j.rand(type, net.getLayer(0).getParam("F").shape()).subi(0.5));
        net.getLayer(0).getParam("b").assign(Nd4j.rand(type, 1, SPEC.tasks()).subi(0.5));
        return net;
    }

    @Test
    void paramShapesAreDocumentedOnes() {
        MultiLayerNetwork n = net(DataType.FLOAT, new Sgd(0.1));
        assertThat(n.getLayer(0).getParam("F").shape()).containsExactly(3, 20, 10);
        assertThat(n.getLayer(0).getParam("b").shape()).containsExactly(1, 3);
        assertThat(n.numParams()).isEqualTo(3 * 20 * 10 + 3);
    }

    @Test
    void sparseForwardEqualsNaiveDenseComputation() {
        MultiLayerNetwork n = net(DataType.DOUBLE, new Sgd(0.1));
        INDArray x = randomRows(200, SPEC.tasks(), 7, DataType.DOUBLE);
        INDArray logits = n.feedForwardToLayer(0, x, false).get(1);
        INDArray f = n.getLayer(0).getParam("F");
        INDArray b = n.getLayer(0).getParam("b");
        for (int r = 0; r < 200; r++) {
            int a = x.getInt(r, 0);
            double[] psi = new double[20];
            double[] phi = new double[10];
            phi[9] = 1; // the constant defender entry
            int cell = SPEC.court().cellOf(x.getDouble(r, 1), x.getDouble(r, 2));
            psi[cell] = 1;
            for (int k = 0; k < 5; k++) {
                int c = SPEC.defenderBox().cellOf(x.getDouble(r, 3 + 2 * k), x.getDouble(r, 4 + 2 * k));
                if (c >= 0) {
                    phi[c] += 1;
                }
            }
            double expected = b.getDouble(0, a);
            for (int i = 0; i < 20; i++) {
                for (int j = 0; j < 10; j++) {
                    expected += psi[i] * phi[j] * f.getDouble(a, i, j);
                }
            }
            assertThat(logits.getDouble(r, 0)).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void gradientCheckInDoubleWithNoOpUpdater() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork n = net(DataType.DOUBLE, new NoOp());
        INDArray x = randomRows(30, SPEC.tasks(), 3, DataType.DOUBLE);
        INDArray y = randomLabels(30, 4, DataType.DOUBLE);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(n).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void gradientCheckInAComputationGraph() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = SpatialNetworks.graph(new FullRankSpatialLayer(SPEC),
                new SpatialNetworks.Options(new NoOp(), 0, 1, 42, DataType.DOUBLE));
        INDArray f = g.getLayer(SpatialNetworks.GRAPH_SPATIAL).getParam("F");
        f.assign(Nd4j.rand(DataType.DOUBLE, f.shape()).subi(0.5));
        INDArray x = randomRows(30, SPEC.tasks(), 5, DataType.DOUBLE);
        INDArray y = randomLabels(30, 6, DataType.DOUBLE);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void graphAndMultiLayerNetworkAgreeInFloatAndDouble() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            SpatialNetworks.Options o = new SpatialNetworks.Options(new Adam(0.01), 0.001, 1, 42, type);
            MultiLayerNetwork n = SpatialNetworks.network(new FullRankSpatialLayer(SPEC), o);
            ComputationGraph g = SpatialNetworks.graph(new FullRankSpatialLayer(SPEC), o);
            n.getLayer(0).getParam("F").assign(Nd4j.rand(type, n.getLayer(0).getParam("F").shape()).subi(0.5));
            g.getLayer(SpatialNetworks.GRAPH_SPATIAL).params().assign(n.getLayer(0).params());
            INDArray x = randomRows(64, SPEC.tasks(), 13, type);
            INDArray y = randomLabels(64, 14, type);
            assertThat(n.output(x).dataType()).isEqualTo(type);
            assertThat(g.outputSingle(x)).isEqualTo(n.output(x));
            INDArray before = n.params().dup();
            n.fit(x, y);
            g.fit(new INDArray[] {x}, new INDArray[] {y});
            assertThat(n.params()).isNotEqualTo(before);
            assertThat(g.params().dataType()).isEqualTo(type);
            assertThat(g.params()).isEqualTo(n.params());
        }
    }

    @Test
    void l2AppliesToFNotTheBias() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork plain = net(DataType.DOUBLE, new NoOp());
        MultiLayerNetwork reg = SpatialNetworks.network(new FullRankSpatialLayer(SPEC),
                new SpatialNetworks.Options(new NoOp(), 0.5, 1.0, 42, DataType.DOUBLE));
        reg.setParams(plain.params());
        org.nd4j.linalg.dataset.DataSet ds = new org.nd4j.linalg.dataset.DataSet(randomRows(40, SPEC.tasks(), 16,
                DataType.DOUBLE), randomLabels(40, 17, DataType.DOUBLE));
        double f2 = plain.getLayer(0).getParam("F").norm2Number().doubleValue();
        double b2 = plain.getLayer(0).getParam("b").norm2Number().doubleValue();
        assertThat(b2).isGreaterThan(0.1);
        // DL4J's L2 adds 0.5 * l2 * Σ F² (bias excluded) to the per-example mean loss
        assertThat(reg.score(ds) - plain.score(ds)).isCloseTo(0.5 * 0.5 * f2 * f2, within(1e-9));
        org.deeplearning4j.nn.conf.layers.BaseLayer conf =
                (org.deeplearning4j.nn.conf.layers.BaseLayer) reg.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(conf.getRegularizationByParam("F")).hasSize(1);
        assertThat(conf.getRegularizationByParam("b")).isEmpty();
    }

    @Test
    void jsonAndYamlRoundTrip() {
        MultiLayerConfiguration conf = net(DataType.FLOAT, new Sgd(0.1)).getLayerWiseConfigurations();
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(conf.toJson());
        MultiLayerConfiguration fromYaml = MultiLayerConfiguration.fromYaml(conf.toYaml());
        assertThat(fromJson).isEqualTo(conf);
        assertThat(fromYaml).isEqualTo(conf);
        FullRankSpatialLayer layer = (FullRankSpatialLayer) fromJson.getConf(0).getLayer();
        assertThat(layer.spec()).isEqualTo(SPEC);
    }

    @Test
    void saveLoadGivesEqualOutputs(@TempDir Path dir) throws Exception {
        MultiLayerNetwork n = net(DataType.FLOAT, new Sgd(0.1));
        INDArray x = randomRows(50, SPEC.tasks(), 9, DataType.FLOAT);
        n.fit(x, randomLabels(50, 10, DataType.FLOAT));
        File f = dir.resolve("m.zip").toFile();
        n.save(f, true);
        MultiLayerNetwork loaded = MultiLayerNetwork.load(f, true);
        assertThat(loaded.output(x)).isEqualTo(n.output(x));
        assertThat(loaded.params()).isEqualTo(n.params());
    }

    @Test
    void rejectsBadTaskIndexNamingTheRow() {
        MultiLayerNetwork n = net(DataType.FLOAT, new Sgd(0.1));
        INDArray x = randomRows(5, SPEC.tasks(), 1, DataType.FLOAT);
        x.putScalar(3, 0, 7);
        assertThatThrownBy(() -> n.output(x)).hasMessageContaining("input row 3").hasMessageContaining("[0, 3)");
    }
}
