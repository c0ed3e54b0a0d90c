package io.github.finegrain.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameters of {@link FullRankSpatialLayer}, as views of the network's flat parameter vector, in this order:
 * {@code F [tasks, courtCells, defenderCells + 1]} (C order; the last defender entry is the constant one, see
 * {@link SpatialLayerSpec}) then {@code b [1, tasks]}.
 *
 * <p>Initial values: F = 0 (the model starts from the per-task bias alone, which keeps fine-graining and the CP
 * hand-off exact), b = the layer's {@code biasInit} (e.g. the logit of the training positive rate).
 */
public final class FullRankSpatialParamInitializer extends SpatialParamInitializer {
    /** Key of the full-rank tensor F. */
    public static final String WEIGHT_KEY = "F";
    /** Key of the per-task bias. */
    public static final String BIAS_KEY = SpatialParamInitializer.BIAS_KEY;

    private static final List<String> WEIGHTS = List.of(WEIGHT_KEY);
    private static final FullRankSpatialParamInitializer INSTANCE = new FullRankSpatialParamInitializer();

    /** The shared, stateless instance. */
    public static FullRankSpatialParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(Layer layer) {
        SpatialLayerSpec s = ((FullRankSpatialLayer) layer).spec();
        return s.fullRankSize() + s.tasks();
    }

    @Override
    List<String> weightKeys() {
        return WEIGHTS;
    }

    @Override
    void initWeights(Layer layer, Map<String, INDArray> views) {
        views.get(WEIGHT_KEY).assign(0);
    }

    @Override
    Map<String, INDArray> views(Layer layer, INDArray flat) {
        SpatialLayerSpec s = ((FullRankSpatialLayer) layer).spec();
        long nF = s.fullRankSize();
        INDArray row = row(flat, nF + s.tasks(), "full-rank");
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT_KEY, slice(row, 0, nF).reshape('c', s.tasks(), s.court().cellCount(), s.defenderModeSize()));
        m.put(BIAS_KEY, slice(row, nF, nF + s.tasks()));
        return m;
    }
}
