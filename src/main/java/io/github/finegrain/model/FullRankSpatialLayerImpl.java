package io.github.finegrain.model;

import java.util.List;
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
 *
 * <p>Rows for a row-sparse optimizer ({@link RowSparseLayer}): {@code F[a, b, :]} (one task × court cell) and the bias
 * entries; a backward pass armed by {@link #armSparseBackward()} touches only the rows of the minibatch.
 */
public class FullRankSpatialLayerImpl extends SpatialLayerImpl<FullRankSpatialLayer> implements RowSparseLayer {

    /** Row blocks and the rows touched by the last row-sparse backward pass (null until the first). */
    private List<RowBlock> blocks;
    private TouchedRows touched;
    /**
     * The gradient view that is zero except the rows recorded in {@link #touched} (set by a row-sparse backward pass,
     * cleared by a dense one); another array (the view replaced) is not trusted.
     */
    private INDArray cleanView;
    /** Set by {@link #armSparseBackward()}, consumed by the next backward pass. */
    private boolean sparseArmed;
    /** True if the last backward pass was row-sparse ({@link #touchedRows()} is valid). */
    private boolean lastSparse;

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
     * <p>Dense (default): the whole gradient view is zeroed first, because DL4J's updater rewrites the entire view in
     * place every step, so entries this batch does not touch would otherwise hold the previous step's update.
     * Row-sparse (after {@link #armSparseBackward()}): only the rows recorded by the previous row-sparse pass are
     * zeroed (the whole view once after a dense pass), and the touched rows are recorded; see {@link RowSparseLayer}.
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
        boolean sparse = sparseArmed;
        sparseArmed = false;
        FlatBuffer g = FlatBuffer.of(gradientsFlattened);
        TouchedRows t = touched();
        if (sparse && cleanView == gradientsFlattened) {
            t.zeroAndClear(g);
        } else {
            gradientsFlattened.assign(0);
            t.clear();
        }
        FlatBuffer eps = FlatBuffer.of(epsilon.ordering() == 'c' && epsilon.elementWiseStride() == 1
                && epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType).dup('c'));
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double e = eps.get(r);
            g.add(nF + a, e);
            int b = batch.courtCell[r];
            if (sparse) {
                t.touch(1, a);
            }
            if (b >= 0) {
                int row = a * courtCells + b;
                if (sparse) {
                    t.touch(0, row);
                }
                int base = row * defCells;
                g.add(base + constant, e);
                for (int k = 0; k < batch.contextPoints; k++) {
                    int c = batch.defenderCell[r * batch.contextPoints + k];
                    if (c >= 0) {
                        g.add(base + c, e);
                    }
                }
            }
        }
        cleanView = sparse ? gradientsFlattened : null;
        lastSparse = sparse;
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(FullRankSpatialParamInitializer.WEIGHT_KEY,
                gradientViews.get(FullRankSpatialParamInitializer.WEIGHT_KEY));
        gradient.gradientForVariable().put(FullRankSpatialParamInitializer.BIAS_KEY,
                gradientViews.get(FullRankSpatialParamInitializer.BIAS_KEY));
        INDArray epsOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        return new Pair<>(gradient, epsOut);
    }

    @Override
    public List<RowBlock> rowBlocks() {
        if (blocks == null) {
            SpatialLayerSpec s = layerConf().spec();
            int rows = s.tasks() * s.court().cellCount();
            blocks = List.of(new RowBlock(FullRankSpatialParamInitializer.WEIGHT_KEY, 0, rows, s.defenderModeSize(), true),
                    new RowBlock(FullRankSpatialParamInitializer.BIAS_KEY, s.fullRankSize(), s.tasks(), 1, false));
        }
        return blocks;
    }

    private TouchedRows touched() {
        if (touched == null) {
            touched = new TouchedRows(rowBlocks());
        }
        return touched;
    }

    @Override
    public void armSparseBackward() {
        sparseArmed = true;
    }

    @Override
    public TouchedRows touchedRows() {
        return lastSparse ? touched : null;
    }
}
