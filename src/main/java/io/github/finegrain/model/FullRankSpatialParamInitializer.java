package io.github.finegrain.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link FullRankSpatialLayer}, as views of the network's flat parameter vector, in this order:
 * {@code F [tasks, courtCells, defenderCells + 1]} (C order; the last defender entry is the constant one, see
 * {@link SpatialLayerSpec}) then {@code b [1, tasks]}.
 *
 * <p>Initial values: F = 0 (the model starts from the per-task bias alone, which keeps fine-graining and the CP
 * hand-off exact), b = the layer's {@code biasInit} (e.g. the logit of the training positive rate).
 */
public final class FullRankSpatialParamInitializer implements ParamInitializer {
    /** Key of the full-rank tensor F. */
    public static final String WEIGHT_KEY = "F";
    /** Key of the per-task bias. */
    public static final String BIAS_KEY = "b";

    private static final FullRankSpatialParamInitializer INSTANCE = new FullRankSpatialParamInitializer();

    /** The shared, stateless instance. */
    public static FullRankSpatialParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        SpatialLayerSpec s = ((FullRankSpatialLayer) layer).spec();
        return s.fullRankSize() + s.tasks();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(WEIGHT_KEY, BIAS_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FullRankSpatialLayer layer = (FullRankSpatialLayer) conf.getLayer();
        Map<String, INDArray> views = views(layer.spec(), paramsView);
        if (initializeParams) {
            views.get(WEIGHT_KEY).assign(0);
            views.get(BIAS_KEY).assign(layer.getBiasInit());
        }
        // BaseLayer.setParams / paramTable order follow the configuration's variable list.
        conf.clearVariables();
        views.keySet().forEach(conf::addVariable);
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(((FullRankSpatialLayer) conf.getLayer()).spec(), gradientView);
    }

    private static Map<String, INDArray> views(SpatialLayerSpec s, INDArray flat) {
        long nF = s.fullRankSize();
        if (flat.length() != nF + s.tasks()) {
            throw new IllegalArgumentException("parameter view of length " + flat.length() + " for a full-rank layer of "
                    + (nF + s.tasks()) + " parameters");
        }
        INDArray row = flat.reshape(1, flat.length());
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT_KEY, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, nF))
                .reshape('c', s.tasks(), s.court().cellCount(), s.defenderModeSize()));
        m.put(BIAS_KEY, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(nF, nF + s.tasks())));
        return m;
    }
}
