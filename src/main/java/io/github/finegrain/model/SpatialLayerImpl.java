package io.github.finegrain.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the two spatial layer implementations share: the discretization of the input rows at the layer's grids and
 * input layout (kept from the forward pass for the backward pass on the same input array), and DL4J's layer
 * properties (a feed-forward layer with a bias, no pretraining, no weight noise). Subclasses are the forward and
 * backward passes.
 *
 * @param <L> the layer configuration
 */
abstract class SpatialLayerImpl<L extends SpatialLayerBase> extends BaseLayer<L> {

    /** The discretized rows of the last forward pass and the input they came from (reused by the backward pass). */
    private DiscretizedBatch lastBatch;
    private INDArray lastInput;

    SpatialLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The input discretized at this layer's grids and layout. A forward pass always discretizes (the caller may have
     * refilled the same input array); the backward pass reuses the forward pass's rows when the input is the same
     * array.
     */
    DiscretizedBatch batch(boolean forward) {
        if (!forward && lastBatch != null && lastInput == input) {
            return lastBatch;
        }
        SpatialLayerSpec s = layerConf().spatialSpec();
        lastBatch = DiscretizedBatch.of(input, layerConf().inputLayout(), s.tasks(), s.court(), s.defenderBox());
        lastInput = input;
        return lastBatch;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return true;
    }

    @Override
    public Layer.Type type() {
        return Layer.Type.FEED_FORWARD;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }
}
