package io.github.finegrain.spark;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Views into a network's DL4J updater state: what parameter averaging broadcasts and averages. */
final class UpdaterStates {
    private UpdaterStates() {
    }

    /**
     * The part of the updater state named {@code name} (Adam's {@code M} and {@code V}, AdaGrad's {@code grad}) that
     * belongs to parameter {@code key} of {@code layer}: a flat view (writes go into the network's state), one entry
     * per parameter in the parameter's flat order ('c' order of its view).
     *
     * @return the view, or null when the network's updater keeps no such state for that parameter
     */
    static INDArray find(MultiLayerNetwork net, Layer layer, String key, String name) {
        if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) {
            return null;
        }
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                if (ps.getLayer() != layer || !ps.getParamName().equals(key)) {
                    continue;
                }
                Map<String, INDArray> state = block.getGradientUpdater() == null ? null
                        : block.getGradientUpdater().getState();
                INDArray s = state == null ? null : state.get(name);
                if (s == null) {
                    return null;
                }
                long off = ps.getParamOffsetStart() - block.getParamOffsetStart();
                long len = (long) ps.getParamOffsetEnd() - ps.getParamOffsetStart();
                return s.reshape(s.length()).get(NDArrayIndex.interval(off, off + len));
            }
        }
        return null;
    }

    /**
     * {@link #find}, required.
     *
     * @throws IllegalStateException if the network's updater keeps no such state
     */
    static INDArray get(MultiLayerNetwork net, Layer layer, String key, String name) {
        INDArray s = find(net, layer, key, name);
        if (s == null) {
            throw new IllegalStateException("the network's updater keeps no '" + name + "' state for parameter " + key
                    + " (the row-sparse workers need the optimizer's dense equivalent as the network's updater)");
        }
        return s;
    }
}
