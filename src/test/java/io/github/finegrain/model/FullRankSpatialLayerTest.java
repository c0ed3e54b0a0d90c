package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.grid.GridSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/** The full-rank layer: the shared {@link SpatialLayerContract} plus what only this layer has. */
class FullRankSpatialLayerTest extends SpatialLayerContract {

    static final SpatialLayerSpec SPEC = new SpatialLayerSpec(TASKS, COURT, BOX);

    @Override
    protected FullRankSpatialLayer.Builder builder() {
        return new FullRankSpatialLayer.Builder().tasks(TASKS).court(COURT).defenderBox(BOX);
    }

    @Override
    protected INDArray denseF(Layer layer) {
        return layer.getParam("F").castTo(DataType.DOUBLE);
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
    void builderBuildsTheLayerTheConstructorBuilds() {
        // in a network (where unset DL4J settings are filled in from the network's) the two are equal
        SpatialNetworks.Options o = options(new Sgd(0.1), DataType.FLOAT);
        assertThat(SpatialNetworks.configuration(builder().build(), o))
                .isEqualTo(SpatialNetworks.configuration(new FullRankSpatialLayer(SPEC), o));
        assertThat(builder().build().kind()).isEqualTo(ModelKind.FULL_RANK);
    }

    @Test
    void aFullRankLayerBeyondTwoToThe28ParametersIsRefusedBeforeAnythingIsAllocated() {
        // --court 5000x5000 once grew the JVM to 24 GB before the kernel killed it
        SpatialLayerSpec huge = new SpatialLayerSpec(2, io.github.finegrain.grid.GridSpec.court(5000, 5000),
                io.github.finegrain.grid.GridSpec.defenderBox(6, 6));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FullRankSpatialLayer(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 268435456");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FullRankSpatialLayer.Builder().spec(huge).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 268435456");
    }
}
