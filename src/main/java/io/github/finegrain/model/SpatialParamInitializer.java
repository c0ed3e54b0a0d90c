package io.github.finegrain.model;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What the two spatial layers' parameter initializers share: weight parameters (listed by the subclass) followed by
 * the per-task bias {@code b [1, tasks]} (key {@value #BIAS_KEY}, initialized to the layer's {@code biasInit}), views
 * of the network's flat vector in that order, and DL4J's variable order following the views' order. Subclasses give
 * the weight keys, the views and the weights' initial values.
 */
abstract class SpatialParamInitializer implements ParamInitializer {
    /** Key of the per-task bias b [1, tasks]. */
    static final String BIAS_KEY = "b";

    /** The weight parameters' keys, in the flat order. */
    abstract List<String> weightKeys();

    /**
     * Views of {@code flat} (a layer's parameter or gradient vector) keyed in the flat order, weights then bias.
     *
     * @throws IllegalArgumentException if {@code flat} is not the layer's parameter count long
     */
    abstract Map<String, INDArray> views(Layer layer, INDArray flat);

    /** Sets the initial weights in {@code views} (the bias is set by the caller). */
    abstract void initWeights(Layer layer, Map<String, INDArray> views);

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> w = weightKeys();
        String[] keys = w.toArray(new String[w.size() + 1]);
        keys[w.size()] = BIAS_KEY;
        return List.of(keys);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return weightKeys();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys().contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Layer layer = conf.getLayer();
        Map<String, INDArray> views = views(layer, paramsView);
        if (initializeParams) {
            initWeights(layer, views);
            views.get(BIAS_KEY).assign(((SpatialLayerBase) layer).getBiasInit());
        }
        // BaseLayer.setParams / paramTable order follow the configuration's variable list.
        conf.clearVariables();
        views.keySet().forEach(conf::addVariable);
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }

    /** Elements {@code [from, to)} of a {@code [1, n]} row vector, as a {@code [1, to - from]} view. */
    static INDArray slice(INDArray row, long from, long to) {
        return row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(from, to));
    }

    /** {@code flat} as a {@code [1, n]} row after checking its length {@code n}. */
    static INDArray row(INDArray flat, long expected, String what) {
        if (flat.length() != expected) {
            throw new IllegalArgumentException("parameter view of length " + flat.length() + " for a " + what
                    + " layer of " + expected + " parameters");
        }
        return flat.reshape(1, flat.length());
    }
}
