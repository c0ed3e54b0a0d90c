package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.grid.GridSpec;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/** The CP layer: the shared {@link SpatialLayerContract} plus what only this layer has. */
class CpSpatialLayerTest extends SpatialLayerContract {

    static final CpLayerSpec SPEC = new CpLayerSpec(TASKS, SpatialLayerContract.COURT, BOX, 2);
    static final int COURT_CELLS = 20;
    static final int DEF_ENTRIES = 10; // 9 cells + the constant entry

    @Override
    protected CpSpatialLayer.Builder builder() {
        return new CpSpatialLayer.Builder().tasks(TASKS).court(SpatialLayerContract.COURT).defenderBox(BOX).rank(2);
    }

    @Override
    protected INDArray denseF(Layer layer) {
        return reconstruct(layer.getParam("A"), layer.getParam("B"), layer.getParam("C"));
    }

    @Test
    void builderBuildsTheLayerTheConstructorBuilds() {
        // in a network (where unset DL4J settings are filled in from the network's) the two are equal
        SpatialNetworks.Options o = options(new Sgd(0.1), DataType.FLOAT);
        assertThat(SpatialNetworks.configuration(builder().build(), o))
                .isEqualTo(SpatialNetworks.configuration(new CpSpatialLayer(SPEC), o));
        assertThat(builder().build().kind()).isEqualTo(ModelKind.CP);
        assertThatThrownBy(() -> builder().rank(0).build()).hasMessageContaining("CP rank must be >= 1, found 0");
    }

    static MultiLayerNetwork net(DataType type, IUpdater updater, double l2) {
        return SpatialNetworks.network(new CpSpatialLayer(SPEC), new SpatialNetworks.Options(updater, l2, 1.0, 42, type));
    }

    /** F[a, b, c] = Σ_k A[a, k] B[b, k] C[c, k], as [tasks, court, def + 1]. */
    static INDArray reconstruct(INDArray a, INDArray b, INDArray c) {
        INDArray f = Nd4j.zeros(DataType.DOUBLE, a.size(0), b.size(0), c.size(0));
        for (int i = 0; i < a.size(0); i++) {
            for (int j = 0; j < b.size(0); j++) {
                for (int l = 0; l < c.size(0); l++) {
                    double s = 0;
                    for (int k = 0; k < a.size(1); k++) {
                        s += a.getDouble(i, k) * b.getDouble(j, k) * c.getDouble(l, k);
                    }
                    f.putScalar(new long[] {i, j, l}, s);
                }
            }
        }
        return f;
    }

    @Test
    void paramShapesAreDocumentedOnes() {
        MultiLayerNetwork n = net(DataType.FLOAT, new Sgd(0.1), 0);
        assertThat(n.getLayer(0).getParam("A").shape()).containsExactly(3, 2);
        assertThat(n.getLayer(0).getParam("B").shape()).containsExactly(COURT_CELLS, 2);
        assertThat(n.getLayer(0).getParam("C").shape()).containsExactly(DEF_ENTRIES, 2);
        assertThat(n.getLayer(0).getParam("b").shape()).containsExactly(1, 3);
        assertThat(n.numParams()).isEqualTo(2 * (3 + COURT_CELLS + DEF_ENTRIES) + 3).isEqualTo(SPEC.parameterCount());
    }

    @Test
    void specValidates() {
        assertThatThrownBy(() -> new CpLayerSpec(SPEC.spatial(), 0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> new CpLayerSpec(null, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void initializationIsSeededSmallAndNonZero() {
        CpLayerSpec big = new CpLayerSpec(50, GridSpec.court(8, 10), GridSpec.defenderBox(6, 6), 16);
        SpatialNetworks.Options o = new SpatialNetworks.Options(new Sgd(0.1), 0, 1, 7, DataType.DOUBLE);
        MultiLayerNetwork n1 = SpatialNetworks.network(new CpSpatialLayer(big), o);
        MultiLayerNetwork n2 = SpatialNetworks.network(new CpSpatialLayer(big), o);
        MultiLayerNetwork n3 = SpatialNetworks.network(new CpSpatialLayer(big),
                new SpatialNetworks.Options(new Sgd(0.1), 0, 1, 8, DataType.DOUBLE));
        assertThat(n1.params()).isEqualTo(n2.params());
        assertThat(n1.params()).isNotEqualTo(n3.params());
        for (String key : new String[] {"A", "B", "C"}) {
            INDArray p = n1.getLayer(0).getParam(key);
            // default XAVIER with fanIn = fanOut = K: N(0, 1/K)
            assertThat(p.stdNumber().doubleValue()).as(key).isCloseTo(1 / Math.sqrt(16), within(0.03));
            assertThat(p.meanNumber().doubleValue()).as(key).isCloseTo(0, within(0.05));
        }
        assertThat(n1.getLayer(0).getParam("b").sumNumber().doubleValue()).isEqualTo(0.0);
    }

    @Test
    void gradientCheckWithL2Regularization() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork n = net(DataType.DOUBLE, new NoOp(), 0.3);
        randomize(n.getLayer(0), 4);
        INDArray x = randomRows(30, 3, 5, DataType.DOUBLE);
        INDArray y = randomLabels(30, 6, DataType.DOUBLE);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(n).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void l2AppliesToTheFactorsNotTheBias() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork plain = net(DataType.DOUBLE, new NoOp(), 0);
        MultiLayerNetwork reg = net(DataType.DOUBLE, new NoOp(), 0.5);
        randomize(plain.getLayer(0), 15);
        reg.setParams(plain.params());
        INDArray x = randomRows(40, 3, 16, DataType.DOUBLE);
        INDArray y = randomLabels(40, 17, DataType.DOUBLE);
        double sumSq = 0;
        for (String key : new String[] {"A", "B", "C"}) {
            sumSq += plain.getLayer(0).getParam(key).norm2Number().doubleValue()
                    * plain.getLayer(0).getParam(key).norm2Number().doubleValue();
        }
        double lossPlain = plain.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        double lossReg = reg.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        // DL4J's L2 adds 0.5 * l2 * Σ w² (over the weights only) to the per-example mean loss
        assertThat(lossReg - lossPlain).isCloseTo(0.5 * 0.5 * sumSq, within(1e-9));
        org.deeplearning4j.nn.conf.layers.BaseLayer conf =
                (org.deeplearning4j.nn.conf.layers.BaseLayer) reg.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(conf.getRegularizationByParam("A")).hasSize(1);
        assertThat(conf.getRegularizationByParam("C")).hasSize(1);
        assertThat(conf.getRegularizationByParam("b")).isEmpty();
    }

    /**
     * Differential test: a CP layer and the full-rank layer holding F = Σ_k A ⊗ B ⊗ C give the same logits and loss,
     * and the CP gradients are the chain-ruled full-rank ones:
     * dA[a,k] = Σ_bc dF[a,b,c] B[b,k] C[c,k], dB[b,k] = Σ_ac dF A C, dC[c,k] = Σ_ab dF A B, db = db.
     */
    @Test
    void matchesTheFullRankLayerHoldingTheReconstruction() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork cp = net(DataType.DOUBLE, new NoOp(), 0);
        randomize(cp.getLayer(0), 21);
        Layer l = cp.getLayer(0);
        INDArray a = l.getParam("A");
        INDArray b = l.getParam("B");
        INDArray c = l.getParam("C");
        MultiLayerNetwork full = SpatialNetworks.network(new FullRankSpatialLayer(SPEC.spatial()),
                new SpatialNetworks.Options(new NoOp(), 0, 1, 42, DataType.DOUBLE));
        full.getLayer(0).getParam("F").assign(reconstruct(a, b, c));
        full.getLayer(0).getParam("b").assign(l.getParam("b"));

        INDArray x = randomRows(200, 3, 22, DataType.DOUBLE);
        INDArray y = randomLabels(200, 23, DataType.DOUBLE);
        INDArray zCp = cp.feedForwardToLayer(0, x, false).get(1);
        INDArray zFull = full.feedForwardToLayer(0, x, false).get(1);
        assertThat(zCp.sub(zFull).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(zCp.stdNumber().doubleValue()).isGreaterThan(0.1); // the spatial term is not negligible

        cp.setInput(x);
        cp.setLabels(y);
        cp.computeGradientAndScore();
        full.setInput(x);
        full.setLabels(y);
        full.computeGradientAndScore();
        assertThat(cp.score()).isCloseTo(full.score(), within(1e-12));

        INDArray dF = full.gradient().getGradientFor("0_F");
        INDArray dA = cp.gradient().getGradientFor("0_A");
        INDArray dB = cp.gradient().getGradientFor("0_B");
        INDArray dC = cp.gradient().getGradientFor("0_C");
        int k = SPEC.rank();
        double maxErr = 0;
        double maxAbs = 0;
        for (int r = 0; r < k; r++) {
            for (int i = 0; i < 3; i++) {
                double s = 0;
                for (int j = 0; j < COURT_CELLS; j++) {
                    for (int m = 0; m < DEF_ENTRIES; m++) {
                        s += dF.getDouble(i, j, m) * b.getDouble(j, r) * c.getDouble(m, r);
                    }
                }
                maxErr = Math.max(maxErr, Math.abs(s - dA.getDouble(i, r)));
                maxAbs = Math.max(maxAbs, Math.abs(s));
            }
            for (int j = 0; j < COURT_CELLS; j++) {
                double s = 0;
                for (int i = 0; i < 3; i++) {
                    for (int m = 0; m < DEF_ENTRIES; m++) {
                        s += dF.getDouble(i, j, m) * a.getDouble(i, r) * c.getDouble(m, r);
                    }
                }
                maxErr = Math.max(maxErr, Math.abs(s - dB.getDouble(j, r)));
            }
            for (int m = 0; m < DEF_ENTRIES; m++) {
                double s = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < COURT_CELLS; j++) {
                        s += dF.getDouble(i, j, m) * a.getDouble(i, r) * b.getDouble(j, r);
                    }
                }
                maxErr = Math.max(maxErr, Math.abs(s - dC.getDouble(m, r)));
            }
        }
        assertThat(maxAbs).isGreaterThan(1e-3);
        assertThat(maxErr).isLessThan(1e-12);
        assertThat(cp.gradient().getGradientFor("0_b")).isEqualTo(full.gradient().getGradientFor("0_b"));
    }

}
