package io.github.finegrain.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * Builds the standard network around a spatial layer ({@link FullRankSpatialLayer} or {@link CpSpatialLayer}): the
 * spatial layer (logits) followed by a DL4J {@link LossLayer} with sigmoid activation and binary cross-entropy,
 * optionally weighting the positive class; as a {@link MultiLayerNetwork} or as a {@link ComputationGraph} (input
 * {@value #GRAPH_INPUT}, vertices {@value #GRAPH_SPATIAL} and {@value #GRAPH_LOSS}).
 */
public final class SpatialNetworks {
    /** Name of the graph's input. */
    public static final String GRAPH_INPUT = "rows";
    /** Name of the graph's spatial layer vertex. */
    public static final String GRAPH_SPATIAL = "spatial";
    /** Name of the graph's loss layer vertex (the output). */
    public static final String GRAPH_LOSS = "loss";

    private SpatialNetworks() {
    }

    /**
     * Options of the standard network.
     *
     * @param updater        DL4J updater (e.g. {@code new Adam(0.01)})
     * @param l2             L2 coefficient on the spatial weights (bias excluded), &ge; 0
     * @param positiveWeight weight of positive examples in the log loss (1 = unweighted), &gt; 0
     * @param seed           RNG seed of the network
     * @param dataType       network data type (FLOAT or DOUBLE)
     */
    public record Options(IUpdater updater, double l2, double positiveWeight, long seed, DataType dataType) {
        /** Validates the options. */
        public Options {
            if (updater == null) {
                throw new IllegalArgumentException("an updater is required");
            }
            if (!(l2 >= 0)) {
                throw new IllegalArgumentException("l2 must be >= 0, found " + l2);
            }
            if (!(positiveWeight > 0)) {
                throw new IllegalArgumentException("positive-class weight must be > 0, found " + positiveWeight);
            }
            if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
                throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, found " + dataType);
            }
        }
    }

    /** The configuration of [spatial layer → sigmoid binary cross-entropy loss]. */
    public static MultiLayerConfiguration configuration(Layer spatialLayer, Options o) {
        return builder(o).list()
                .layer(spatialLayer)
                .layer(lossLayer(o))
                .build();
    }

    /** The graph configuration of [input {@value #GRAPH_INPUT} → spatial layer → sigmoid binary cross-entropy loss]. */
    public static ComputationGraphConfiguration graphConfiguration(Layer spatialLayer, Options o) {
        return builder(o).graphBuilder()
                .addInputs(GRAPH_INPUT)
                .setInputTypes(InputType.feedForward(spatialLayer instanceof SpatialLayerConf c
                        ? c.inputLayout().width() : InputRow.WIDTH))
                .addLayer(GRAPH_SPATIAL, spatialLayer, GRAPH_INPUT)
                .addLayer(GRAPH_LOSS, lossLayer(o), GRAPH_SPATIAL)
                .setOutputs(GRAPH_LOSS)
                .build();
    }

    /** An initialized computation graph of [spatial layer → sigmoid binary cross-entropy loss]. */
    public static ComputationGraph graph(Layer spatialLayer, Options o) {
        ComputationGraph g = new ComputationGraph(graphConfiguration(spatialLayer, o));
        g.init();
        return g;
    }

    private static NeuralNetConfiguration.Builder builder(Options o) {
        return new NeuralNetConfiguration.Builder()
                .seed(o.seed())
                .dataType(o.dataType())
                .updater(o.updater())
                .l2(o.l2());
    }

    private static LossLayer lossLayer(Options o) {
        LossBinaryXENT loss = o.positiveWeight() == 1.0 ? new LossBinaryXENT()
                : new LossBinaryXENT(Nd4j.createFromArray(o.positiveWeight()).castTo(DataType.FLOAT));
        return new LossLayer.Builder().lossFunction(loss).activation(Activation.SIGMOID).build();
    }

    /** An initialized network of [spatial layer → sigmoid binary cross-entropy loss]. */
    public static MultiLayerNetwork network(Layer spatialLayer, Options o) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spatialLayer, o));
        net.init();
        return net;
    }
}
