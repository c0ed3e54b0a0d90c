package io.github.finegrain.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameters of {@link CpSpatialLayer}, as views of the network's flat parameter vector, in this order (each C order):
 * {@code A [tasks, K]}, {@code B [courtCells, K]}, {@code C [defenderCells + 1, K]} (the last row is the constant
 * defender entry, see {@link SpatialLayerSpec}), then {@code b [1, tasks]}.
 *
 * <p>Initial values: A, B and C each from the layer's weight init ({@code IWeightInit}, inherited from the network
 * configuration; DL4J's default is XAVIER) with fanIn = fanOut = K, so with XAVIER every factor entry is drawn from
 * N(0, 1/K) and a logit's spatial term starts with standard deviation about sqrt(1 + #defenders in the box) / K
 * (small). The draws come from ND4J's RNG, which {@code MultiLayerNetwork.init()} / {@code ComputationGraph.init()}
 * seed with the network seed, so equal seeds give equal factors. The factors cannot start at zero as F does in the
 * full-rank layer: zero is a saddle point where every factor gradient vanishes. b = the layer's {@code biasInit}.
 * Networks built by the full-rank → CP hand-off ({@link SpatialModels#factorize}) overwrite these values.
 */
public final class CpSpatialParamInitializer extends SpatialParamInitializer {
    /** Key of the task factor A [tasks, K]. */
    public static final String TASK_KEY = "A";
    /** Key of the court factor B [courtCells, K]. */
    public static final String COURT_KEY = "B";
    /** Key of the defender factor C [defenderCells + 1, K]. */
    public static final String DEFENDER_KEY = "C";
    /** Key of the per-task bias b [1, tasks]. */
    public static final String BIAS_KEY = SpatialParamInitializer.BIAS_KEY;

    private static final List<String> WEIGHTS = List.of(TASK_KEY, COURT_KEY, DEFENDER_KEY);
    private static final CpSpatialParamInitializer INSTANCE = new CpSpatialParamInitializer();

    /** The shared, stateless instance. */
    public static CpSpatialParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(Layer layer) {
        return ((CpSpatialLayer) layer).spec().parameterCount();
    }

    @Override
    List<String> weightKeys() {
        return WEIGHTS;
    }

    @Override
    void initWeights(Layer layer, Map<String, INDArray> views) {
        CpSpatialLayer cp = (CpSpatialLayer) layer;
        int k = cp.spec().rank();
        IWeightInit init = cp.getWeightInitFn() != null ? cp.getWeightInitFn() : new WeightInitXavier();
        for (String key : WEIGHTS) {
            INDArray v = views.get(key);
            INDArray r = init.init(k, k, v.shape(), 'c', v);
            if (r != v) {
                v.assign(r.reshape('c', v.shape()));
            }
        }
    }

    @Override
    Map<String, INDArray> views(Layer layer, INDArray flat) {
        return views(((CpSpatialLayer) layer).spec(), flat);
    }

    /** Offsets of A, B, C and b in the layer's flat vector, and its length: {@code [A, B, C, b, end]}. */
    static long[] offsets(CpLayerSpec s) {
        long k = s.rank();
        long a = 0;
        long b = a + k * s.tasks();
        long c = b + k * s.court().cellCount();
        long bias = c + k * s.spatial().defenderModeSize();
        return new long[] {a, b, c, bias, bias + s.tasks()};
    }

    private static Map<String, INDArray> views(CpLayerSpec s, INDArray flat) {
        long[] o = offsets(s);
        INDArray row = row(flat, o[4], "CP");
        int k = s.rank();
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(TASK_KEY, slice(row, o[0], o[1]).reshape('c', s.tasks(), k));
        m.put(COURT_KEY, slice(row, o[1], o[2]).reshape('c', s.court().cellCount(), k));
        m.put(DEFENDER_KEY, slice(row, o[2], o[3]).reshape('c', s.spatial().defenderModeSize(), k));
        m.put(BIAS_KEY, slice(row, o[3], o[4]));
        return m;
    }
}
