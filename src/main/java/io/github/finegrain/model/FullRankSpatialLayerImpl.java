package io.github.finegrain.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Implementation of {@link FullRankSpatialLayer}: a sparse gather forward and scatter-add backward that touch only
 * the F entries a minibatch uses.
 *
 * <p>Forward: {@code z_r = b[a_r] + F[a_r, b_r, C] + Σ_{k: c_rk ≥ 0} F[a_r, b_r, c_rk]} for each row r (C = the
 * constant defender entry; φ counts repeated cells).
 * Backward with {@code ε_r = ∂L/∂z_r}: {@code ∂L/∂F[a, b, c] = Σ_r ε_r [a_r = a][b_r = b] φ_c(x_r)},
 * {@code ∂L/∂b[a] = Σ_r ε_r [a_r = a]}. The input gets no gradient (it is data).
 */
public class FullRankSpatialLayerImpl extends BaseLayer<FullRankSpatialLayer> {

    private DiscretizedBatch lastBatch;

    /** Called by {@link FullRankSpatialLayer#instantiate}. */
    public FullRankSpatialLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private DiscretizedBatch discretize() {
        SpatialLayerSpec s = layerConf().spec();
        return DiscretizedBatch.of(input, s.tasks(), s.court(), s.defenderBox());
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        SpatialLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = discretize();
        lastBatch = batch;
        int courtCells = s.court().cellCount();
        int defCells = s.defenderModeSize();
        int constant = s.constantCell();
        long nF = s.fullRankSize();
        INDArray p = paramsFlattened.reshape(paramsFlattened.length());
        double[] z = new double[batch.size];
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double sum = p.getDouble(nF + a);
            int b = batch.courtCell[r];
            if (b >= 0) {
                long base = ((long) a * courtCells + b) * defCells;
                sum += p.getDouble(base + constant);
                for (int k = 0; k < InputRow.DEFENDERS; k++) {
                    int c = batch.defenderCell[r * InputRow.DEFENDERS + k];
                    if (c >= 0) {
                        sum += p.getDouble(base + c);
                    }
                }
            }
            z[r] = sum;
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, batch.size, 1);
        out.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(z).reshape(batch.size, 1).castTo(dataType));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        SpatialLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = lastBatch != null && lastBatch.size == input.size(0) ? lastBatch : discretize();
        int courtCells = s.court().cellCount();
        int defCells = s.defenderModeSize();
        int constant = s.constantCell();
        long nF = s.fullRankSize();
        INDArray g = gradientsFlattened.reshape(gradientsFlattened.length());
        g.assign(0);
        double[] eps = epsilon.reshape(epsilon.length()).toDoubleVector();
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double e = eps[r];
            g.putScalar(nF + a, g.getDouble(nF + a) + e);
            int b = batch.courtCell[r];
            if (b >= 0) {
                long base = ((long) a * courtCells + b) * defCells;
                g.putScalar(base + constant, g.getDouble(base + constant) + e);
                for (int k = 0; k < InputRow.DEFENDERS; k++) {
                    int c = batch.defenderCell[r * InputRow.DEFENDERS + k];
                    if (c >= 0) {
                        g.putScalar(base + c, g.getDouble(base + c) + e);
                    }
                }
            }
        }
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(FullRankSpatialParamInitializer.WEIGHT_KEY,
                gradientViews.get(FullRankSpatialParamInitializer.WEIGHT_KEY));
        gradient.gradientForVariable().put(FullRankSpatialParamInitializer.BIAS_KEY,
                gradientViews.get(FullRankSpatialParamInitializer.BIAS_KEY));
        INDArray epsOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        return new Pair<>(gradient, epsOut);
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
