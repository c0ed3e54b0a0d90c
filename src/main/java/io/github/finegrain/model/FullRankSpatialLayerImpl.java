package io.github.finegrain.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
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
public class FullRankSpatialLayerImpl extends SpatialLayerImpl<FullRankSpatialLayer> {

    /** Called by {@link FullRankSpatialLayer#instantiate}. */
    public FullRankSpatialLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        SpatialLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = batch(true);
        int courtCells = s.court().cellCount();
        int defCells = s.defenderModeSize();
        int constant = s.constantCell();
        int nF = (int) s.fullRankSize();
        FlatBuffer p = FlatBuffer.of(paramsFlattened);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {batch.size, 1}, 'c');
        FlatBuffer z = FlatBuffer.of(out);
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double sum = p.get(nF + a);
            int b = batch.courtCell[r];
            if (b >= 0) {
                int base = (a * courtCells + b) * defCells;
                sum += p.get(base + constant);
                for (int k = 0; k < batch.contextPoints; k++) {
                    int c = batch.defenderCell[r * batch.contextPoints + k];
                    if (c >= 0) {
                        sum += p.get(base + c);
                    }
                }
            }
            z.set(r, sum);
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The whole gradient view is zeroed first (one native fill): DL4J's updater rewrites the entire view in place
     * every step, so entries this batch does not touch would otherwise hold the previous step's update. This fill
     * dominates the pass at full size (measured by {@code bench.LayerBenchmark} on the 2-core build machine: about 20 ms of
     * the 16–24 ms per 1024 rows for the 348 MB float view of 300 × 2000 × 145; the rows' own work is under 1 ms),
     * and the updater's pass over the whole array costs more again (SGD about 90 ms, Adam about 0.6 s per step).
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        SpatialLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = batch(false);
        int courtCells = s.court().cellCount();
        int defCells = s.defenderModeSize();
        int constant = s.constantCell();
        int nF = (int) s.fullRankSize();
        gradientsFlattened.assign(0);
        FlatBuffer g = FlatBuffer.of(gradientsFlattened);
        FlatBuffer eps = FlatBuffer.of(epsilon.ordering() == 'c' && epsilon.elementWiseStride() == 1
                && epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType).dup('c'));
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double e = eps.get(r);
            g.add(nF + a, e);
            int b = batch.courtCell[r];
            if (b >= 0) {
                int base = (a * courtCells + b) * defCells;
                g.add(base + constant, e);
                for (int k = 0; k < batch.contextPoints; k++) {
                    int c = batch.defenderCell[r * batch.contextPoints + k];
                    if (c >= 0) {
                        g.add(base + c, e);
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
}
